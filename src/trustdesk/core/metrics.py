"""The counters every server process keeps (summed across processes by ``/metrics``,
``config/metrics.py``; the directory they are written to: ``config/metrics_dir.py``).

Labels are few and bounded: a route is the URL pattern that answered
(``customers/<uuid:customer_id>/``), never the path a client sent; a status is its class
(``2xx``); a method outside the usual ones is ``other``. Nothing here names a person, a
customer or a value. What the database can answer at scrape time (audit lag, jobs) is
not counted here but read when ``/metrics`` is asked.
"""

from __future__ import annotations

from django.db import transaction
from prometheus_client import Counter, Histogram

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

http_requests = Counter(
    "trustdesk_http_requests", "HTTP requests answered, by method, route and status class.",
    ["method", "route", "status"])
http_duration = Histogram(
    "trustdesk_http_request_duration_seconds", "Time to answer an HTTP request, by route.",
    ["route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
lockouts = Counter(
    "trustdesk_signin_lockouts",
    "Sign-in lockouts: accounts locked and addresses throttled.", ["kind"])
reveals = Counter(
    "trustdesk_reveals",
    "Values revealed in clear: profile fields and message tokens, with or without "
    "breaking the glass.", ["kind", "break_glass"])
mail = Counter(
    "trustdesk_mail_messages",
    "Messages the mail gateway judged, by outcome: accept, suspend, tempfail, reject.",
    ["outcome"])

# Every series present from the start, at 0: an alert on "lockouts rose" needs the
# series before the first lockout.
for _kind in ("account", "address"):
    lockouts.labels(_kind)
for _outcome in ("accept", "suspend", "tempfail", "reject"):
    mail.labels(_outcome)
for _kind in ("field", "token"):
    for _glass in ("true", "false"):
        reveals.labels(_kind, _glass)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    http_requests.labels(method if method in METHODS else "other", route,
                         f"{status // 100}xx").inc()
    http_duration.labels(route).observe(seconds)


def count_lockout(kind: str) -> None:
    lockouts.labels(kind).inc()


def count_reveal(kind: str, *, break_glass: bool) -> None:
    """Counted when the reveal's transaction commits: a rolled-back one showed nothing."""
    transaction.on_commit(lambda: reveals.labels(kind, "true" if break_glass else "false")
                          .inc())


def count_mail(outcome: str) -> None:
    mail.labels(outcome).inc()
