"""``GET /metrics``: Prometheus metrics of every process of this server, for monitoring
only.

Refused (404, as for any unknown path) unless the request carries the bearer token
``TRUSTDESK_METRICS_TOKEN`` or comes from an address in ``TRUSTDESK_METRICS_ALLOW``
(loopback by default) without passing through a proxy. The address is the connection's
own (``REMOTE_ADDR``), never a forwarded header a client could write. A wrong token is
refused even from an allowed address: whoever presents a credential is held to it.

Counters and histograms come from every process's files (``core.metrics``, summed by
prometheus_client's multiprocess collector); the rest is read from the database when
asked: the audit chainer's lag and the job queue. Nothing here names a person or a
customer.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger("trustdesk.metrics")
JOB_STATUSES = ("READY", "RUNNING", "SUCCESSFUL", "FAILED")
_tables_seen: set[str] = set()


_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def _digest(value: str) -> bytes:
    # Equal-length inputs for the constant-time comparison, whatever was sent.
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()


def allowed(request) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _, given = header.partition(" ")
        token = settings.METRICS_TOKEN
        return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
            _digest(given.strip()), _digest(token))
    # Through a proxy, the connection's address is the proxy's — loopback when it runs on
    # the same host, for every visitor: a forwarded request is never let in by address.
    if any(h in request.META for h in _FORWARDED):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in settings.METRICS_ALLOW)


class ScrapeCollector:
    """Gauges read from the database at each scrape."""

    def collect(self):
        from trustdesk.audit.lag import lag

        try:
            state = lag()
        except DatabaseError:
            log.warning("metrics: the audit tables could not be read")
        else:
            yield GaugeMetricFamily("trustdesk_audit_pending_events",
                                    "Audit events committed but not yet chained.",
                                    value=state.pending)
            yield GaugeMetricFamily("trustdesk_audit_oldest_pending_seconds",
                                    "Age of the oldest audit event not yet chained.",
                                    value=state.oldest_seconds)
            yield GaugeMetricFamily("trustdesk_audit_chain_head",
                                    "Position of the last event in the audit chain.",
                                    value=state.head)
        if (jobs := _jobs()) is not None:
            yield jobs

    def describe(self):
        return []  # collected fresh at each scrape, never at registration


def _jobs() -> GaugeMetricFamily | None:
    """Jobs in the queue's table by status and queue, once that table exists."""
    if not apps.is_installed("django_tasks_db"):
        return None
    model = apps.get_model("django_tasks_database", "DBTaskResult")
    try:
        # Asked each time until it exists (migrations may come after the server starts).
        if not _tables_seen and model._meta.db_table not in connection.introspection.table_names():
            return None
        _tables_seen.add(model._meta.db_table)
        rows = list(model.objects.values_list("status", "queue_name")
                    .annotate(n=Count("pk")).order_by())
    except DatabaseError:
        return None
    family = GaugeMetricFamily("trustdesk_jobs", "Jobs in the queue, by status and queue.",
                               labels=["status", "queue"])
    counts = {(status, queue): n for status, queue, n in rows}
    for queue in sorted({q for _, q in counts} or {"default"}):
        for status in JOB_STATUSES:
            family.add_metric([status, queue], counts.get((status, queue), 0))
    return family


def render() -> bytes:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=os.environ.get("PROMETHEUS_MULTIPROC_DIR",
                                                        str(settings.METRICS_DIR)))
    registry.register(ScrapeCollector())
    return generate_latest(registry)


@require_GET
def metrics(request):
    if not allowed(request):
        raise Http404
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
