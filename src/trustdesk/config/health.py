"""``/healthz`` (liveness) and ``/readyz`` (readiness), for load balancers, orchestrators
and monitors.

``/healthz`` stays cheap: the process answers and its database does. ``/readyz`` asks
whether this replica can serve customer data safely now: the database answers; Redis
answers when the shared counters live there; the vault can unwrap data keys (keys
unavailable means not ready: fail closed); the audit trail can be written and its head
read, and the chainer is not further behind than ``TRUSTDESK_READY_AUDIT_LAG_SECONDS``.
Its body names each check and says ``ok`` or ``failed``, nothing more: the reason goes
to the log, not to whoever can reach the port.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

log = logging.getLogger("trustdesk.health")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        _database()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _redis() -> None:
    from trustdesk.accounts.counters import RedisCounters, counters

    backend = counters()
    if isinstance(backend, RedisCounters) and not backend.redis.ping():
        raise ConnectionError("no PONG")


def _keys() -> None:
    from trustdesk.vault import health

    health.check()


def _audit() -> None:
    from trustdesk.audit.lag import lag, writable

    writable()
    state = lag()
    if state.oldest_seconds > settings.READY_AUDIT_LAG_SECONDS:
        raise RuntimeError(f"{state.pending} events wait to be chained, the oldest "
                           f"{state.oldest_seconds:.0f} s")


def checks() -> dict:
    found = {"database": _database, "keys": _keys, "audit": _audit}
    if settings.REDIS_URL:
        found["redis"] = _redis
    return found


@require_GET
def readyz(request):
    """200 when every check passes, 503 otherwise; the body lists each check."""
    results = {}
    for name, check in checks().items():
        try:
            check()
        except Exception as exc:  # whatever fails, the replica is not ready
            log.error("readiness: %s failed: %s", name, exc)
            results[name] = "failed"
        else:
            results[name] = "ok"
    ok = all(v == "ok" for v in results.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": results},
                        status=200 if ok else 503)
