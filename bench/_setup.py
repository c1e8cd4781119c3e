"""Shared by the benchmarks: a throw-away data directory and Django on SQLite."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path


def django_in_tmp(**env: str) -> Path:
    data = Path(tempfile.mkdtemp(prefix="trustdesk-bench-"))
    os.environ.update({"TRUSTDESK_DATA_DIR": str(data), **env})
    os.environ.pop("TRUSTDESK_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "trustdesk.config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return data


def percentiles(samples_ms: list[float]) -> dict:
    q = statistics.quantiles(samples_ms, n=100)
    return {"p50_ms": round(q[49], 3), "p95_ms": round(q[94], 3)}
