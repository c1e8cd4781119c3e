"""A lockout holds across server processes: two `trustdesk serve` processes share the
database (and, in the second case, Redis), and failures on either count for both."""

from __future__ import annotations

import pytest

import counters_backend
from helpers import server_env, start_server
from signin import http_login

from .test_lockout import GENERIC, PASSWORD


def _login(base: str, email: str, password: str) -> tuple[int, bytes]:
    return http_login(base, email, password)


@pytest.mark.parametrize("shared", ["database", "redis"])
@pytest.mark.django_db(transaction=True)
def test_lockout_holds_across_two_server_processes(shared, make_user):
    env = {**server_env(), **counters_backend.environment(shared)}
    admin = make_user("admin", email=f"locked-{shared}@example.com")
    (a, base_a), (b, base_b) = start_server(env), start_server(env)
    try:
        for n in range(5):  # the admin limit, spread over both servers
            _login(base_a if n % 2 else base_b, admin.email, "wrong password!")
        for base in (base_a, base_b):
            status, body = _login(base, admin.email, PASSWORD)
            assert status == 200 and GENERIC in body  # the right password, refused
    finally:
        for proc in (a, b):
            proc.terminate()
            proc.wait(timeout=10)


@pytest.mark.parametrize("shared", ["database", "redis"])
@pytest.mark.django_db(transaction=True)
def test_a_parallel_burst_on_two_servers_checks_no_more_passwords_than_the_limit(
        shared, make_user):
    from concurrent.futures import ThreadPoolExecutor

    from trustdesk.audit.models import AuditEvent

    env = {**server_env(), **counters_backend.environment(shared)}
    admin = make_user("admin", email=f"burst-{shared}@example.com")  # limit 5
    (a, base_a), (b, base_b) = start_server(env), start_server(env)
    try:
        bases = [base_a, base_b] * 7
        with ThreadPoolExecutor(max_workers=len(bases)) as pool:
            answers = list(pool.map(lambda base: _login(base, admin.email, "wrong password!"),
                                    bases))
        assert all(status == 200 and GENERIC in body for status, body in answers)
        # A failure is recorded only once a password was checked and found wrong; the
        # attempts refused by the count never reached a password.
        checked = AuditEvent.objects.filter(action="auth.login_failed",
                                            actor_label=admin.email).count()
        assert 1 <= checked <= 5
        status, body = _login(base_a, admin.email, PASSWORD)
        assert status == 200 and GENERIC in body
    finally:
        for proc in (a, b):
            proc.terminate()
            proc.wait(timeout=10)
