"""PII detection speed and memory: characters per second of ``trustdesk.pii.scan`` on
ticket-like texts against Presidio's pattern recognizers on the same texts (measured in
the same run), and peak memory of the streaming API on a 50 MB input against a 5 MB one.
One JSON line on stdout.

Presidio runs in its own virtualenv, never the project's: the interpreter is
``$TRUSTDESK_BENCH_PRESIDIO_PYTHON`` (default ``/tmp/presidio-venv/bin/python``), made with

    python3 -m venv /tmp/presidio-venv && /tmp/presidio-venv/bin/pip install presidio-analyzer

Without it the baseline is reported as unavailable and the rest still runs.

``--baseline-src DIR`` also measures an earlier version of the detector (a ``src``
directory, e.g. ``git archive <commit> src | tar -x -C /tmp/pii-before``) on the same
texts, alternating with this one, so a change's cost is measured in one run:

    python bench/pii.py --baseline-src /tmp/pii-before/src
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "src"))
from _pii_corpus import threads  # noqa: E402
from _scan_rate import rate  # noqa: E402

from trustdesk import pii  # noqa: E402

PRESIDIO = os.environ.get("TRUSTDESK_BENCH_PRESIDIO_PYTHON",
                          "/tmp/presidio-venv/bin/python")  # noqa: S108 (a documented default)
TARGET_SPEEDUP = 10.0


def ours(texts: list[str], seconds: float = 3.0) -> dict:
    return rate(pii.scan, texts, seconds)


def presidio(texts: list[str]) -> dict:
    if not os.path.exists(PRESIDIO):
        return {"unavailable": f"no interpreter at {PRESIDIO} (see bench/pii.py docstring)"}
    return _worker([PRESIDIO, os.path.join(HERE, "_presidio_worker.py")], texts, ["5"])


def baseline(src: str, texts: list[str], seconds: float = 3.0) -> dict:
    """The detector in ``src`` (an earlier version) on ``texts``, in its own process."""
    return _worker([sys.executable, os.path.join(HERE, "_pii_worker.py"), src], texts,
                   [str(seconds)])


def _worker(cmd: list[str], texts: list[str], args: list[str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(texts, f)
    try:
        out = subprocess.run([*cmd, f.name, *args], capture_output=True, text=True,
                             timeout=300)
    finally:
        os.unlink(f.name)
    if out.returncode != 0:
        return {"unavailable": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def before_after(src: str, texts: list[str], rounds: int = 3) -> dict:
    """This detector and the one in ``src``, measured alternately ``rounds`` times each
    (drift on a shared machine hits both alike); the best round of each counts."""
    mine, theirs = [], []
    for _ in range(rounds):
        theirs.append(baseline(src, texts).get("chars_per_s", 0))
        mine.append(ours(texts)["chars_per_s"])
    return {"baseline_src": src, "before_chars_per_s": max(theirs),
            "after_chars_per_s": max(mine), "rounds": rounds,
            "after_over_before": round(max(mine) / max(theirs), 3) if max(theirs) else None}


_MEMORY = r"""
import json, resource, sys, time
sys.path[:0] = [{here!r}, {src!r}]
from _pii_corpus import threads
from trustdesk import pii
texts = threads(200, seed=11)
target = {size}
def pieces():
    # Generated as it is read, so the input itself never sits in memory.
    sent = 0
    while sent < target:
        for t in texts:
            yield t + "\n"
            sent += len(t) + 1
            if sent >= target:
                return
pii.scan(texts[0])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
n = sum(1 for _ in pii.scan_stream(pieces()))
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"chars": target, "findings": n, "seconds": round(took, 2),
                  "chars_per_s": round(target / took),
                  "rss_before_mb": round(before / 1024, 1), "rss_peak_mb": round(peak / 1024, 1)}}))
"""


def memory(size: int) -> dict:
    code = _MEMORY.format(here=HERE, src=os.path.join(HERE, "..", "src"), size=size)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=600)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-src", help="src directory of an earlier version")
    args = parser.parse_args()
    texts = threads(500, seed=4242)
    mine, theirs = ours(texts), presidio(texts)
    compared = before_after(args.baseline_src, texts) if args.baseline_src else None
    small, large = memory(5_000_000), memory(50_000_000)
    speedup = (round(mine["chars_per_s"] / theirs["chars_per_s"], 1)
               if "chars_per_s" in theirs else None)
    growth = round(large["rss_peak_mb"] - small["rss_peak_mb"], 1)
    print(json.dumps({
        "bench": "pii",
        "texts": len(texts), "avg_chars": round(sum(map(len, texts)) / len(texts)),
        "scan": mine, "presidio_pattern_recognizers": theirs,
        **({"before_after": compared} if compared else {}),
        "speedup": speedup, "target_speedup": TARGET_SPEEDUP,
        "stream_5mb": small, "stream_50mb": large,
        "rss_growth_5mb_to_50mb_mb": growth,
        "target_met": bool(speedup and speedup >= TARGET_SPEEDUP and growth < 20),
    }))


if __name__ == "__main__":
    main()
