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


BENCH_PROFILE = {"phone": "+442079460958", "country": "GB", "company": "Initech",
                 "postal_address": "1 Main Street\nSpringfield"}


def token_client(role: str, email: str):
    """A Django test client sending a fresh API token of a new ``role`` account."""
    from django.test import Client

    from trustdesk.accounts import services as accounts
    from trustdesk.core.actor import Actor

    system = Actor.system("bench")
    user = accounts.user_create(actor=system, email=email, full_name=f"Bench {role}",
                                role=role, password="a long bench passphrase")
    token = accounts.token_create(actor=system, user=user, name="bench").secret
    return Client(headers={"Authorization": f"Bearer {token}"})


def make_customers(n: int) -> list:
    """``n`` customers with every usual profile field filled; their ids."""
    from trustdesk.core.actor import Actor
    from trustdesk.customers import services

    system = Actor.system("bench")
    return [services.customer_create(actor=system, profile={
        **BENCH_PROFILE, "full_name": f"Person {i}", "email": f"p{i}@example.org",
        "account_number": f"AC-{i:06d}"}).id for i in range(n)]


def timed_get(client, url: str, params: dict | None = None):
    """(milliseconds, response) of one GET that must answer 200."""
    import time

    start = time.perf_counter()
    response = client.get(url, params or {})
    took = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.content
    return took, response


def interleaved(baseline, measured, requests: int, warmup: int) -> tuple[list, list]:
    """Milliseconds of ``baseline()`` and ``measured()`` called alternately, so that
    drift on a noisy machine hits both sides alike; the first ``warmup`` pairs are
    dropped."""
    base, meas = [], []
    for i in range(requests + warmup):
        b, m = baseline(), measured()
        if i >= warmup:
            base.append(b)
            meas.append(m)
    return base, meas


def compare(name: str, base_label: str, measured_label: str, base: list,
            measured: list) -> dict:
    """Percentiles of both sides and their ratios, keyed ``{name}_…``."""
    p_base, p_meas = percentiles(base), percentiles(measured)
    return {
        f"{name}_{base_label}": p_base, f"{name}_{measured_label}": p_meas,
        f"{name}_ratio_p50": round(p_meas["p50_ms"] / p_base["p50_ms"], 3),
        f"{name}_ratio_p95": round(p_meas["p95_ms"] / p_base["p95_ms"], 3),
    }
