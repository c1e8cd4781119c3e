"""Many replicas, one truth: three app processes and two workers on one database and one
Redis. Lockout counts, single-use authenticator codes, role edits, token revocation, the
audit chain under concurrent writers and jobs all behave as they do in one process."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import sample_jobs
from signin import PASSWORD, away_from_step_edge, http_login, totp
from trustdesk.access import grants, services
from trustdesk.access.roles import ROLE_PERMISSIONS
from trustdesk.accounts import services as accounts
from trustdesk.audit import verify
from trustdesk.audit.models import AuditEvent, AuditPending
from trustdesk.jobs import registry

from .cluster import Cluster, request

pytestmark = pytest.mark.django_db(transaction=True)
GENERIC = b"The email address and/or password you specified are not correct"


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        running = Cluster(apps=3, workers=2).start()
    yield running
    running.stop()


def _until(condition, seconds: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_lockout_counts_failures_on_every_replica(cluster, make_user):
    admin = make_user("admin")  # locked after 5 failures
    for n in range(5):
        http_login(cluster.bases[n % 3], admin.email, "wrong password!")
    for base in cluster.bases:
        status, body = http_login(base, admin.email, PASSWORD)
        assert status == 200 and GENERIC in body  # the right password, refused everywhere


def test_an_authenticator_code_is_accepted_once_across_replicas(cluster, make_user):
    admin = make_user("admin")
    away_from_step_edge(5)
    code = totp(admin.totp_secret)
    status, body = http_login(cluster.bases[0], admin.email, PASSWORD, code=code)
    assert status == 200 and b"Sign out" in body
    for base in cluster.bases[1:]:
        status, body = http_login(base, admin.email, PASSWORD, code=code)
        assert b"Sign out" not in body and b"Incorrect code" in body


def _customers(base: str, token: str) -> int:
    return request(base, "/api/v1/customers", token=token)[0]


def test_a_role_edit_reaches_every_replica_within_the_grants_ttl(cluster, make_user, system):
    agent = make_user("agent")
    token = accounts.token_create(actor=system, user=agent, name="t").secret
    assert {_customers(b, token) for b in cluster.bases} == {200}
    without = sorted(ROLE_PERMISSIONS["agent"] - {"customer.view"})
    try:
        services.role_update(actor=system, role="agent", permissions=without)
        took = _until(lambda: {_customers(b, token) for b in cluster.bases} == {403},
                      grants.GRANTS_TTL + 2, "the role edit")
        assert took <= grants.GRANTS_TTL + 2
    finally:
        services.role_update(actor=system, role="agent", permissions=ROLE_PERMISSIONS["agent"])
    # Given back, it is followed as fast.
    _until(lambda: {_customers(b, token) for b in cluster.bases} == {200},
           grants.GRANTS_TTL + 2, "the role restored")


def test_a_revoked_token_is_refused_by_every_replica_within_two_seconds(cluster, make_user,
                                                                       system):
    agent = make_user("agent")
    issued = accounts.token_create(actor=system, user=agent, name="t")
    _until(lambda: {_customers(b, issued.secret) for b in cluster.bases} == {200}, 5,
           "the token answered everywhere")
    accounts.token_revoke(actor=system, token_id=issued.token.pk)
    revoked = time.monotonic()

    def first_refusal(base: str) -> float:
        # When the first refused request was sent, each replica polled on its own: the
        # bound is on the replica, not on how long a loaded machine takes to answer.
        while True:
            sent = time.monotonic()
            if _customers(base, issued.secret) == 401:
                return sent - revoked
            if sent - revoked > 5:
                return float("inf")
            time.sleep(0.05)

    with ThreadPoolExecutor(max_workers=len(cluster.bases)) as pool:
        after = list(pool.map(first_refusal, cluster.bases))
    assert max(after) <= 2.0, after


def test_the_audit_chain_stays_whole_under_concurrent_writers(cluster, make_user,
                                                              make_customer, system):
    supervisor = make_user("supervisor")
    token = accounts.token_create(actor=system, user=supervisor, name="t").secret
    customers = [make_customer() for _ in range(5)]
    before = AuditEvent.objects.filter(action="customer.view").count()
    calls = [(cluster.bases[i % 3], f"/api/v1/customers/{customers[i % 5].id}")
             for i in range(90)]
    with ThreadPoolExecutor(max_workers=9) as pool:
        statuses = list(pool.map(lambda c: request(c[0], c[1], token=token)[0], calls))
    assert statuses == [200] * len(calls)
    # The workers' chainers link every event; nothing is left pending, nothing lost.
    _until(lambda: not AuditPending.objects.exists(), 30, "the chainer")
    assert AuditEvent.objects.filter(action="customer.view").count() - before == len(calls)
    result = verify.verify(chain_first=False, save=False)
    assert result.ok, result


def test_two_workers_run_each_job_once(cluster):
    names = [f"replica-job-{i}" for i in range(40)]
    for name in names:
        registry.enqueue(sample_jobs.note, name)
    _until(lambda: all(sample_jobs.marks(n) for n in names), 60, "the jobs")
    time.sleep(1)  # a duplicate, if any, would have landed by now
    assert all(sample_jobs.marks(n) == ["ran"] for n in names)
