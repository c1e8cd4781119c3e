"""Role-aware lockout (PCI DSS 8.3.4) with counters shared by every server process."""

from __future__ import annotations

import pytest
from django.test import Client

import counters_backend
from trustdesk.accounts import counters, services
from trustdesk.audit.models import AuditEvent

PASSWORD = "a long enough passphrase for tests"
GENERIC = b"The email address and/or password you specified are not correct."


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    counters_backend.use(request.param, settings)
    counters.counters.cache_clear()
    yield request.param
    counters.counters.cache_clear()


def _login(client, email, password=PASSWORD, ip="192.0.2.10"):
    return client.post("/accounts/login/", {"login": email, "password": password},
                       REMOTE_ADDR=ip)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "limit"), [("agent", 10), ("admin", 5),
                                             ("security_officer", 5)])
def test_privileged_accounts_lock_sooner(backend, make_user, role, limit):
    user = make_user(role)
    client = Client()
    for _ in range(limit - 1):
        assert GENERIC in _login(client, user.email, "wrong password!").content
    assert _login(client, user.email).status_code == 302  # not locked yet: success resets
    client.logout()
    for _ in range(limit):
        _login(client, user.email, "wrong password!")
    refused = _login(client, user.email)  # the right password, while locked
    assert refused.status_code == 200 and GENERIC in refused.content
    assert AuditEvent.objects.filter(action="auth.lockout", object_id=user.email).exists()


@pytest.mark.django_db
def test_same_answer_for_unknown_wrong_and_locked(backend, make_user):
    user = make_user("admin")
    client = Client()
    unknown = _login(client, "nobody@example.com", "whatever it is").content
    wrong = _login(client, user.email, "wrong password!").content
    for _ in range(5):
        _login(client, user.email, "wrong password!")
    locked = _login(client, user.email).content
    assert GENERIC in unknown and GENERIC in wrong and GENERIC in locked


@pytest.mark.django_db
def test_admin_unlock_is_audited(backend, make_user, as_actor):
    user, admin = make_user("supervisor"), make_user("admin")
    client = Client()
    for _ in range(5):
        _login(client, user.email, "wrong password!")
    assert services_locked(user)
    services.user_unlock(actor=as_actor(admin), user_id=user.pk)
    assert _login(client, user.email).status_code == 302
    event = AuditEvent.objects.get(action="agent.unlock")
    assert event.context == {"was_locked": True} and event.actor_label == admin.email


def services_locked(user) -> bool:
    from trustdesk.accounts.lockout import is_locked

    return is_locked(user.email)


@pytest.mark.django_db
def test_an_address_that_keeps_failing_is_throttled(backend, make_user, settings):
    settings.LOCKOUT = {**settings.LOCKOUT, "ip": {"attempts": 4, "window": 900, "lock": 900}}
    victim = make_user("agent")
    client = Client()
    for n in range(4):  # spraying different accounts from one address
        _login(client, f"guess{n}@example.com", "wrong password!", ip="198.51.100.99")
    assert GENERIC in _login(client, victim.email, ip="198.51.100.99").content
    assert _login(client, victim.email, ip="198.51.100.100").status_code == 302


@pytest.mark.django_db
def test_an_ipv6_subscriber_is_one_address_however_it_rotates(backend, make_user, settings):
    settings.LOCKOUT = {**settings.LOCKOUT, "ip": {"attempts": 4, "window": 900, "lock": 900}}
    victim = make_user("agent")
    client = Client()
    # Four addresses of one /64, written every which way: one client's four failures.
    for n, ip in enumerate(("2001:db8:5:7::1", "2001:DB8:5:7:0:0:0:2",
                            "2001:db8:5:7:ffff::9", "2001:0db8:0005:0007::a")):
        _login(client, f"guess{n}@example.com", "wrong password!", ip=ip)
    assert GENERIC in _login(client, victim.email, ip="2001:db8:5:7:abcd::1").content
    assert _login(client, victim.email, ip="2001:db8:5:8::1").status_code == 302


@pytest.mark.django_db
def test_an_ipv4_address_is_the_same_client_when_mapped_into_ipv6(backend, make_user,
                                                                  settings):
    settings.LOCKOUT = {**settings.LOCKOUT, "ip": {"attempts": 2, "window": 900, "lock": 900}}
    victim = make_user("agent")
    client = Client()
    _login(client, "guess1@example.com", "wrong password!", ip="198.51.100.7")
    _login(client, "guess2@example.com", "wrong password!", ip="::ffff:198.51.100.7")
    assert GENERIC in _login(client, victim.email, ip="198.51.100.7").content


@pytest.mark.django_db
def test_per_role_override(backend, make_user, settings):
    settings.LOCKOUT = {**settings.LOCKOUT, "roles": {"agent": {"attempts": 2}}}
    user = make_user("agent")
    client = Client()
    for _ in range(2):
        _login(client, user.email, "wrong password!")
    assert GENERIC in _login(client, user.email).content


@pytest.mark.django_db
def test_unlock_needs_agent_management(make_user, as_actor):
    from trustdesk.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.user_unlock(actor=as_actor(make_user("supervisor")),
                             user_id=make_user("agent").pk)


@pytest.mark.django_db
def test_guessing_on_the_confirm_password_page_locks_the_account(backend, make_user,
                                                                settings):
    # A stolen session must not be a way to guess the password without a limit.
    settings.LOCKOUT = {**settings.LOCKOUT, "roles": {"agent": {"attempts": 3}}}
    user = make_user("agent")
    client = Client()
    assert _login(client, user.email).status_code == 302
    for _ in range(3):
        page = client.post("/accounts/reauthenticate/", {"password": "wrong password!"},
                           REMOTE_ADDR="192.0.2.10")
        assert page.status_code == 200
    assert services_locked(user)
    page = client.post("/accounts/reauthenticate/", {"password": PASSWORD},
                       REMOTE_ADDR="192.0.2.10")
    assert page.status_code == 200  # refused: the right password, while locked
