"""Parallel sign-in attempts get no more password checks than the lockout allows: each
attempt is counted before its password is checked, atomically, in the database (SQLite or
PostgreSQL) and in Redis."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from hashers import CountingArgon2PasswordHasher
from trustdesk.accounts.lockout import is_locked
from trustdesk.audit.models import AuditEvent

from .test_lockout import GENERIC, PASSWORD, _login, backend  # noqa: F401 (fixture)

PARALLEL = 14


def _burst(email: str, password: str, n: int = PARALLEL) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def attempt(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = _login(Client(), email, password)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["hashers.CountingArgon2PasswordHasher"]
    CountingArgon2PasswordHasher.checks = 0
    yield CountingArgon2PasswordHasher
    CountingArgon2PasswordHasher.checks = 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("role", "limit"), [("admin", 5), ("agent", 10)])
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(
        backend, counting_hasher, make_user, role, limit):  # noqa: F811
    user = make_user(role)
    counting_hasher.checks = 0
    results = _burst(user.email, "wrong password!", n=limit + 9)
    assert all(r is not None and r.status_code == 200 and GENERIC in r.content
               for r in results)
    assert 1 <= counting_hasher.checks <= limit
    # Only the checked attempts reached the password, and so the audit trail's failures.
    assert AuditEvent.objects.filter(action="auth.login_failed",
                                     actor_label=user.email).count() <= limit
    assert is_locked(user.email)
    counting_hasher.checks = 0
    refused = _login(Client(), user.email, PASSWORD)  # the right password, while locked
    assert GENERIC in refused.content and counting_hasher.checks == 0


@pytest.mark.django_db(transaction=True)
def test_a_right_password_in_a_burst_gives_its_count_back(
        backend, counting_hasher, make_user):  # noqa: F811
    user = make_user("agent")  # limit 10
    results = _burst(user.email, PASSWORD, n=6)
    assert all(r.status_code == 302 for r in results)
    assert not is_locked(user.email)
    for _ in range(9):  # the successes left the whole allowance
        _login(Client(), user.email, "wrong password!")
    assert _login(Client(), user.email, PASSWORD).status_code == 302
