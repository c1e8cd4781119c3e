"""``bench/retention.py --quick`` runs whole on PostgreSQL: it builds its population,
serves requests, previews and runs retention through the command line, checks what was
deleted against the database and the keystore, and prints its one JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def test_the_quick_run_deletes_what_it_previewed_and_reports_latency():
    url = os.environ["TRUSTDESK_TEST_DATABASE_URL"]
    server = url.rsplit("/", 1)[0]
    env = {**os.environ, "TRUSTDESK_BENCH_PG": server,
           "TRUSTDESK_BENCH_RETENTION_DB": "td_rbench_smoke",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("TRUSTDESK_DATABASE_URL", None)
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "retention.py"), "--quick",
                          "--customers", "600",
                          "--idle-s", "2"], env=env, capture_output=True, text=True,
                         timeout=600, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["bench"] == "retention" and result["customers"] == 600
    mix = result["mix"]
    assert result["customers_shredded"] == mix["gone"]
    assert result["fields_deleted"]["postal_address"] >= mix["address"]
    assert result["rows_deleted"] > 0 and result["rows_per_s"] > 0
    assert result["batches"] >= 1 and result["client_errors"] == 0
    for phase in ("idle", "during", "idle_after"):
        assert result[phase]["p50_ms"] > 0 and result[phase]["p95_ms"] >= result[phase][
            "p50_ms"]
    assert result["ratio_p50"] > 0 and result["target_ratio_max"] == 1.5
