"""Run every check TrustDesk has: lint, import boundaries, and the test suite on SQLite
and on PostgreSQL. Prints plainly what was skipped and why, then one closing line.

PostgreSQL: ``TRUSTDESK_TEST_DATABASE_URL`` if set; otherwise the local server at
127.0.0.1:5432 if one answers (a throw-away ``test_trustdesk`` database is created and
dropped). Redis likewise: ``TRUSTDESK_TEST_REDIS_URL``, or 127.0.0.1:6379 database 15.
Under CI (``CI=true``) every test must run: a skip is a failure.

Three pytest processes run side by side: the tests that touch the database on SQLite,
the same on PostgreSQL, and once the tests that never touch it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCAL_PG = "postgres://postgres@127.0.0.1:5432/trustdesk"


def _run(title: str, cmd: list[str], env: dict | None = None) -> int:
    print(f"\n=== {title}: {' '.join(cmd)}", flush=True)
    return subprocess.call(cmd, cwd=ROOT, env=env)


def _pg_url() -> tuple[str | None, str]:
    if url := os.environ.get("TRUSTDESK_TEST_DATABASE_URL"):
        return url, "TRUSTDESK_TEST_DATABASE_URL"
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return LOCAL_PG, "the local server at 127.0.0.1:5432"
    except OSError:
        return None, ""


def _redis_url() -> str | None:
    if url := os.environ.get("TRUSTDESK_TEST_REDIS_URL"):
        return url
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/15"
    except OSError:
        return None


class _Run:
    """One pytest run in a process of its own, its output kept in a file until it ends:
    the two database runs go side by side (most of their time is spent waiting on
    subprocesses, servers and the database, so two share the machine well)."""

    def __init__(self, label: str, extra_env: dict, out: Path, *args: str) -> None:
        name = label.split(" (")[0].replace(" ", "-")
        self.label, self.report = label, out / f"{name}.xml"
        self.log = open(out / f"{name}.log", "w+")  # noqa: SIM115 (closed in finish)
        cmd = [str(BIN / "pytest"), "-q", "-rs", f"--junitxml={self.report}", *args]
        print(f"\n=== started: tests, {label}: {' '.join(cmd)}", flush=True)
        self.process = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **extra_env},
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def finish(self) -> dict:
        code = self.process.wait()
        self.log.seek(0)
        print(f"\n=== tests, {self.label} (exit code {code})", flush=True)
        shutil.copyfileobj(self.log, sys.stdout)
        sys.stdout.flush()
        self.log.close()
        return _counts(self.label, self.report, code)


def _counts(label: str, report: Path, code: int) -> dict:
    counts = {"passed": 0, "failed": 0, "skipped": 0, "skips": [], "code": code}
    if not report.exists():
        counts["failed"] += 1
        return counts
    for case in ET.parse(report).getroot().iter("testcase"):
        skipped = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
        elif skipped is not None:
            counts["skipped"] += 1
            reason = (skipped.get("message") or "").strip()
            counts["skips"].append(f"{label}: {case.get('classname')}.{case.get('name')}"
                                   f" — {reason}")
        else:
            counts["passed"] += 1
    if code not in (0, 5) and counts["failed"] == 0:
        counts["failed"] += 1  # pytest itself failed (collection error, crash)
    return counts


def main() -> int:
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    failures: list[str] = []
    if _run("lint", [str(BIN / "ruff"), "check", "."]) != 0:
        failures.append("ruff")
    if _run("import boundaries", [str(BIN / "lint-imports")]) != 0:
        failures.append("import boundaries")

    if redis := _redis_url():
        os.environ["TRUSTDESK_TEST_REDIS_URL"] = redis
    out = Path(tempfile.mkdtemp(prefix="trustdesk-reports-"))
    # Every test that touches the database runs on both; the rest (pure analysers,
    # subprocesses on a SQLite file of their own) once, in a third run beside them.
    # Tests of a PostgreSQL deployment (marked ``postgres``: replicas on one database)
    # run in the PostgreSQL run only.
    sqlite = {"TRUSTDESK_TEST_DATABASE_URL": ""}
    started = [_Run("SQLite", sqlite, out, "-m", "not postgres", "--database-tests-only"),
               _Run("no database", sqlite, out, "-m", "not postgres", "--no-database-tests")]
    notes: list[str] = []
    url, source = _pg_url()
    if url:
        started.append(_Run(f"PostgreSQL ({source})", {"TRUSTDESK_TEST_DATABASE_URL": url},
                            out, "--database-tests-only"))
    else:
        notes.append("PostgreSQL run (and the tests marked postgres) — no server at "
                     "127.0.0.1:5432 and TRUSTDESK_TEST_DATABASE_URL is not set")
    runs = [run.finish() for run in started]
    shutil.rmtree(out, ignore_errors=True)

    passed = sum(r["passed"] for r in runs)
    failed = sum(r["failed"] for r in runs)
    skipped = sum(r["skipped"] for r in runs)
    skips = [s for r in runs for s in r["skips"]]
    print("\n=== summary")
    for line in notes + skips:
        print(f"SKIPPED: {line}")
    if failures:
        print(f"FAILED checks: {', '.join(failures)}")
    if ci and (skips or notes):
        print("CI must run every test: the skips above count as failures.")
        failed += len(skips) + len(notes)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or failures else 0


if __name__ == "__main__":
    sys.exit(main())
