"""Retention benchmark: a retention run over 1,000,000 customers on PostgreSQL, its rate,
and the application's request latency while it runs against the same server idle.
One JSON line on stdout.

    python bench/retention.py [--customers 1000000] [--quick] [--rate 10] [--idle-s 40]

The population (``_retention_build``: real sealed fields, blind indexes, search words, a
data key per customer in the keystore's own database, tickets with sealed messages,
legal holds) mixes customers of whom nothing is due with customers whose postal
address is due, customers wholly due (shredded), and old data kept by an open ticket, a
legal hold or a recent ticket. The run is the product's own, on the command line as an
operator runs it: ``trustdesk retention preview --json``, then ``trustdesk retention run
--approve RUN_ID --all``, batch after batch (``TRUSTDESK_RETENTION_BATCH``) until done;
what it deleted is read back from its ``RetentionRun`` row and checked against the
database and the keystore.

Meanwhile the real server (``trustdesk serve``, Granian) answers an agent's API token on
the same database: one client in this process asks, at a steady ``--rate`` per second
(open loop: each request at its planned instant, or at once if late), for a customer's
view and the agent's ticket queue in turn. The same client measures for ``--idle-s``
seconds before the preview (``idle``), during the preview, during the run (``during``)
and again after it (``idle_after``): on a shared machine the ratio of medians taken in
one run is what holds. The target is on the median: p50 during the run within 1.5 times
p50 idle.

Databases ``td_rbench_app`` and ``td_rbench_keys`` (``TRUSTDESK_BENCH_RETENTION_DB``
names another prefix) on ``TRUSTDESK_BENCH_PG`` (default
postgres://postgres@127.0.0.1:5432) are created afresh and dropped at the end.
``TRUSTDESK_RETENTION_BATCH`` and ``TRUSTDESK_RETENTION_PAUSE_MS`` pass to the run.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
import _retention_build as build
from _scale_build import secondary
from scale import _django, _parallel, _rebuild

from api import _free_port, _wait_up
from audit import _in_process as _run

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PG_SERVER = os.environ.get("TRUSTDESK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
_DB = os.environ.get("TRUSTDESK_BENCH_RETENTION_DB", "td_rbench")
DATABASES = (f"{_DB}_app", f"{_DB}_keys")
TARGET_RATIO = 1.5
VIEWED = 200  # customers the client views, in turn


# --- Build ----------------------------------------------------------------------------

def _people() -> dict:
    """The measuring agent (in the team the current tickets are routed to) with an API
    token; the blind-index key and the KEK exist before the producers start."""
    from trustdesk import vault
    from trustdesk.accounts import services as accounts
    from trustdesk.core.actor import Actor

    system = Actor.system("bench")
    team = accounts.team_create(actor=system, name="Support")
    agent = accounts.user_create(actor=system, email="agent.bench@example.com",
                                 full_name="Bench Agent", role="agent",
                                 password="a long bench passphrase", team_ids=[team.pk])
    token = accounts.token_create(actor=system, user=agent, name="bench").secret
    vault.blind_index("email", "warm@example.org")
    vault.search_tokens("s", ["warm"])
    return {"team": team.pk, "agent": agent.pk, "token": token}


def _produce(data_dir, url, keys_url, seed, lo, hi, now_iso, team, agent) -> dict:
    _django(data_dir, url, keys_url)
    return build.produce(url, keys_url, seed, lo, hi, now_iso, team, agent, nice=10)


def build_all(data_dir: str, url: str, keys_url: str, seed: str, n: int) -> dict:
    import datetime as dt

    _django(data_dir, url, keys_url, migrate=True)
    from django.db import connection

    from trustdesk.vault.providers import keystore

    people = _people()
    keystore().close()
    start = time.perf_counter()
    with connection.cursor() as cur:
        schema = secondary(cur, build.APP_TABLES)
        for _, drop, _ in schema:
            cur.execute(drop)
    connection.close()
    now_iso = dt.datetime.now(dt.UTC).isoformat()
    half = n // 2
    counts = _parallel([
        (_produce, (data_dir, url, keys_url, seed, lo, hi, now_iso, people["team"],
                    people["agent"])) for lo, hi in ((0, half), (half, n))])
    copy_s = time.perf_counter() - start
    _rebuild(url, [create for k, _, create in schema if k == "index"])
    _rebuild(url, [create for k, _, create in schema if k == "fk"])
    with connection.cursor() as cur:
        assert secondary(cur, build.APP_TABLES) == schema  # the schema is whole again
        for table in ("customers_customerfield", "tickets_ticket", "tickets_message"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))")
        for table in build.APP_TABLES:  # what autovacuum would have done by now
            cur.execute(f"VACUUM (ANALYZE) {table}")
        totals = {k: sum(c[k] for c in counts) for k in counts[0]}
        for table in build.APP_TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            assert cur.fetchone()[0] == totals[table], table
        # The client's customers: ones the agent may see (a ticket of theirs the customer
        # wrote, routed to the agent's team) and that retention keeps.
        cur.execute("SELECT DISTINCT customer_id FROM tickets_ticket WHERE team_id = %s "
                    "AND status IN ('new', 'open') ORDER BY customer_id LIMIT %s",
                    [people["team"], VIEWED])
        viewed = [str(r[0]) for r in cur.fetchall()]
        cur.execute(f"SELECT pg_database_size('{connection.settings_dict['NAME']}')")
        size = cur.fetchone()[0]
    import psycopg

    with psycopg.connect(keys_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) vault_data_key")
    return {"token": people["token"], "viewed": viewed,
            "rows": {"customers": totals["customers_customer"],
                     "fields": totals["customers_customerfield"],
                     "search_terms": totals["search_term"],
                     "tickets": totals["tickets_ticket"],
                     "messages": totals["tickets_message"],
                     "legal_holds": totals["privacy_legalhold"],
                     "data_keys": totals["vault_data_key"]},
            "build_s": round(time.perf_counter() - start, 1), "copy_s": round(copy_s, 1),
            "app_db_mb": round(size / 2**20)}


# --- The client -----------------------------------------------------------------------

class Client:
    """One keep-alive connection, requests at a steady rate, latency per request."""

    def __init__(self, port: int, token: str, viewed: list[str], rate: float):
        self.port, self.interval = port, 1.0 / rate
        self.headers = {"Authorization": f"Bearer {token}"}
        self.paths = [p for c in viewed for p in (f"/api/v1/customers/{c}",
                                                  "/api/v1/tickets?page=1")]
        self.i, self.errors, self.conn = 0, 0, None

    def _get(self, path: str) -> None:
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                           timeout=30)
                self.conn.request("GET", path, headers=self.headers)
                response = self.conn.getresponse()
                body = response.read()
                if response.status != 200:
                    self.errors += 1
                    if self.errors < 3:
                        print(f"{path}: {response.status} {body[:200]!r}", file=sys.stderr)
                return
            except (OSError, http.client.HTTPException):
                self.conn = None  # the server closed the keep-alive connection: again
                if attempt:
                    raise

    def measure(self, until) -> dict:
        """Requests at the rate until ``until()`` is true; their milliseconds by kind."""
        out: dict[str, list[float]] = {"view": [], "queue": []}
        planned = time.perf_counter()
        while not until():
            path = self.paths[self.i % len(self.paths)]
            self.i += 1
            t = time.perf_counter()
            self._get(path)
            out["queue" if "page=" in path else "view"].append(
                (time.perf_counter() - t) * 1000)
            planned += self.interval
            pause = planned - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            else:
                planned = time.perf_counter()  # late: no burst to catch up
        return out


def _summary(samples: dict[str, list[float]]) -> dict:
    every = samples["view"] + samples["queue"]
    if len(every) < 2:
        return {"n": len(every)}
    q = statistics.quantiles(every, n=100)
    out = {"p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2), "n": len(every)}
    for name in ("view", "queue"):
        if len(samples[name]) >= 2:
            qs = statistics.quantiles(samples[name], n=100)
            out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = round(qs[49], 2), round(qs[94], 2)
    return out


def _for(seconds: float):
    end = time.perf_counter() + seconds
    return lambda: time.perf_counter() >= end


# --- The run --------------------------------------------------------------------------

def _cli(env: dict, *args: str) -> subprocess.Popen:
    """The command in the background, its output to files: a pipe nobody reads while
    the client measures would fill and stall it."""
    out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "trustdesk.config.cli", *args], env=env,
                            cwd=str(ROOT), stdout=out, stderr=err, text=True)
    proc.files = (out, err)
    return proc


def _finished(proc: subprocess.Popen, name: str) -> str:
    proc.wait()
    out, err = proc.files
    out.seek(0)
    err.seek(0)
    text, errors = out.read(), err.read()
    out.close()
    err.close()
    if proc.returncode:
        raise RuntimeError(f"{name} failed ({proc.returncode}): {errors[-3000:]}")
    if errors.strip():
        print(f"{name}: {errors[-2000:]}", file=sys.stderr)
    return text


def _check(url: str, keys_url: str, seed: str, n: int, run_id: int) -> dict:
    """What the run says it did, and what the database and the keystore show."""
    import psycopg

    with psycopg.connect(url) as conn:
        status, preview, done, batches = conn.execute(
            "SELECT status, preview, done, batches FROM privacy_retentionrun WHERE id = %s",
            [run_id]).fetchone()
        erased = conn.execute("SELECT COUNT(*) FROM customers_customer "
                              "WHERE status = 'erased'").fetchone()[0]
        left = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("customers_customerfield", "search_term", "tickets_ticket",
                              "tickets_message")}
        orphans = conn.execute(
            "SELECT COUNT(*) FROM search_term t JOIN customers_customer c "
            "ON c.id = t.customer_id WHERE c.status = 'erased'").fetchone()[0]
        addresses = conn.execute(
            "SELECT COUNT(*) FROM customers_customerfield WHERE name = 'postal_address'"
        ).fetchone()[0]
    with psycopg.connect(keys_url) as conn:
        keys = conn.execute("SELECT COUNT(*) FROM vault_data_key "
                            "WHERE subject LIKE 'customer:%%'").fetchone()[0]
    mix = build.expected(n)
    assert status == "done", status
    assert {k: done[k] for k in ("fields", "customers", "tickets", "messages")} == \
        {k: preview[k] for k in ("fields", "customers", "tickets", "messages")}, (preview, done)
    assert done["customers"] == erased == mix["gone"], (done, erased, mix)
    assert done["fields"].get("postal_address", 0) >= mix["address"] * 0.99
    assert orphans == 0 and keys == n - erased, (orphans, keys, n, erased)
    return {"status": status, "preview": preview, "done": done, "batches": batches,
            "left": {**left, "postal_address": addresses, "data_keys": keys}}


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="2,000 customers, short phases")
    parser.add_argument("--rate", type=float, default=10.0, help="client requests per second")
    parser.add_argument("--idle-s", type=float, default=40.0)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    n = min(args.customers, 2_000) if args.quick else args.customers
    idle_s = 5.0 if args.quick else args.idle_s
    seed = uuid.uuid4().hex
    import psycopg

    admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)
    for name in DATABASES:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url, keys_url = (f"{PG_SERVER}/{name}" for name in DATABASES)
    data_dir = tempfile.mkdtemp(prefix="trustdesk-bench-retention-")
    secrets = {"TRUSTDESK_AUDIT_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
               "TRUSTDESK_SECRET_KEY": base64.b64encode(os.urandom(48)).decode()}
    os.environ.update(secrets)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.update(secrets, DJANGO_SETTINGS_MODULE="trustdesk.config.settings",
               TRUSTDESK_DATA_DIR=data_dir, TRUSTDESK_DATABASE_URL=url,
               TRUSTDESK_KEYSTORE_URL=keys_url, PYTHONPATH=str(SRC))
    for passed in ("TRUSTDESK_RETENTION_BATCH", "TRUSTDESK_RETENTION_PAUSE_MS"):
        if passed in os.environ:
            env[passed] = os.environ[passed]
    result = {"bench": "retention", "customers": n, "cpus": os.cpu_count(),
              "python": platform.python_version(),
              "postgresql": admin.execute("SHOW server_version").fetchone()[0],
              "loadavg_1m_start": round(os.getloadavg()[0], 2)}
    server = log = None
    try:
        built = _run(build_all, data_dir, url, keys_url, seed, n)
        result.update({"rows": built["rows"], "mix": build.expected(n),
                       "build_s": built["build_s"], "app_db_mb": built["app_db_mb"]})
        port = _free_port()
        log = tempfile.TemporaryFile()  # noqa: SIM115 (closed once the server has stopped)
        server = subprocess.Popen([sys.executable, "-m", "trustdesk.config.cli", "serve",
                                   "--port", str(port), "--no-migrate"], env=env,
                                  stdout=log, stderr=log, cwd=str(ROOT))
        _wait_up(f"http://127.0.0.1:{port}", server, log)
        client = Client(port, built["token"], built["viewed"], args.rate)
        client.measure(_for(5.0))  # warm every worker and cache
        client.errors = 0
        idle = client.measure(_for(idle_s))

        t = time.perf_counter()
        proc = _cli(env, "retention", "preview", "--json")
        during_preview = client.measure(lambda: proc.poll() is not None)
        preview = json.loads(_finished(proc, "preview").strip().splitlines()[-1])
        preview_s = time.perf_counter() - t

        t = time.perf_counter()
        proc = _cli(env, "retention", "run", "--approve", str(preview["run"]), "--all")
        during = client.measure(lambda: proc.poll() is not None)
        _finished(proc, "run")
        run_s = time.perf_counter() - t
        idle_after = client.measure(_for(idle_s))
        errors = client.errors

        checked = _check(url, keys_url, seed, n, preview["run"])
        done = checked["done"]
        fields = sum(done["fields"].values())
        objects = fields + done["customers"] + done["tickets"]
        i, d, a = _summary(idle), _summary(during), _summary(idle_after)
        result.update({
            "rows_deleted": objects + done["messages"],
            "fields_deleted": done["fields"], "customers_shredded": done["customers"],
            "tickets_deleted": done["tickets"], "messages_deleted": done["messages"],
            "rows_per_s": round((objects + done["messages"]) / run_s, 1),
            "objects_per_s": round(objects / run_s, 1),
            "customers_shredded_per_s": round(done["customers"] / run_s, 2),
            "run_s": round(run_s, 1), "batches": checked["batches"],
            "batch_limit": int(os.environ.get("TRUSTDESK_RETENTION_BATCH", 2000)),
            "pause_ms": os.environ.get("TRUSTDESK_RETENTION_PAUSE_MS", "default"),
            "preview_s": round(preview_s, 1), "left": checked["left"],
            "client_rate_per_s": args.rate, "idle": i, "during_preview": _summary(
                during_preview), "during": d, "idle_after": a,
            "ratio_p50": round(d["p50_ms"] / i["p50_ms"], 3),
            "ratio_p95": round(d["p95_ms"] / i["p95_ms"], 3),
            "ratio_p50_vs_idle_after": round(d["p50_ms"] / a["p50_ms"], 3),
            "target_ratio_max": TARGET_RATIO, "target_on": "ratio_p50",
            "target_met": d["p50_ms"] / i["p50_ms"] <= TARGET_RATIO,
            "client_errors": errors,
        })
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if log is not None:
            log.close()
        if not args.keep:
            for name in DATABASES:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            shutil.rmtree(data_dir, ignore_errors=True)
        result["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
        admin.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
