"""Shared fixtures: real database, real services, no mocks of our own code."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from trustdesk.accounts import services as accounts
from trustdesk.accounts.actors import actor_for_cli
from trustdesk.accounts.mfa import policy as mfa_policy
from trustdesk.core.actor import Actor
from trustdesk.customers import services as customers
from trustdesk.tickets import services as tickets

PASSWORD = "a long enough passphrase for tests"
SYSTEM = Actor.system("tests")
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _audit_witness_per_test(settings, tmp_path):
    # Each test has its own database state, so each gets its own witnessed chain head.
    settings.AUDIT_WITNESS_PATH = tmp_path / "audit-head.json"


@pytest.fixture(autouse=True)
def _verification_gates(request, settings):
    """Caller verification gates reveals, contact and payment changes and erasure (on
    by default). Tests of other features act as if every caller had proved who they
    are; the gates' own tests (marked ``verification_gates``, as in tests/verification
    and the matrix's gate cases) keep the shipped defaults."""
    if request.node.get_closest_marker("verification_gates") is None:
        settings.VERIFICATION_GATES = dict.fromkeys(settings.VERIFICATION_GATES, 0)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's per-process flood limits live in the cache; one test's sign-ins must not
    # spend the next test's allowance.
    from django.core.cache import cache

    from trustdesk.access import grants
    from trustdesk.accounts import token_cache

    cache.clear()
    grants.settled()  # a role edited by the last test was rolled back with it
    token_cache.clear()  # tokens resolved in the last test's (rolled back) database


@pytest.fixture
def system() -> Actor:
    return SYSTEM


def enrol_totp(user, secret: str | None = None) -> str:
    """Give ``user`` an authenticator app, as enrolling in the console would (allauth's
    own activation, the secret sealed by the vault); returns the base32 secret, which is
    also kept as ``user.totp_secret``."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    user.totp_secret = secret
    return secret


@pytest.fixture
def make_user(db):
    """``make_user(role, ...)`` → a new account. Accounts whose role requires MFA come
    with an authenticator app enrolled (``user.totp_secret``), as they would have after
    their first sign-in; ``mfa=False`` leaves it out, ``mfa=True`` adds it to any role."""
    def make(role: str = "agent", *, teams=(), email: str | None = None, name: str = "",
             mfa: bool | None = None, password: str = PASSWORD):
        n = next(_seq)
        user = accounts.user_create(
            actor=SYSTEM, email=email or f"{role}{n}@example.com",
            full_name=name or f"{role.title()} {n}", role=role, password=password,
            team_ids=[t.pk for t in teams],
        )
        user.totp_secret = None
        if mfa or (mfa is None and mfa_policy.required(user)):
            enrol_totp(user)
        return user
    return make


@pytest.fixture
def make_team(db):
    def make(name: str | None = None):
        return accounts.team_create(actor=SYSTEM, name=name or f"Team {next(_seq)}")
    return make


@pytest.fixture
def as_actor():
    def build(user) -> Actor:
        return actor_for_cli(user, command="tests")
    return build


@pytest.fixture
def make_customer(db):
    def make(consent_how: str | None = None, **profile):
        n = next(_seq)
        profile.setdefault("full_name", f"Customer Number{n}")
        profile.setdefault("email", f"customer{n}@example.org")
        return customers.customer_create(actor=SYSTEM, profile=profile,
                                         consent_how=consent_how)
    return make


@pytest.fixture
def make_ticket(db, make_customer):
    def make(customer=None, *, subject="Help with my order", body="It has not arrived.",
             team=None, **kwargs):
        customer = customer or make_customer()
        return tickets.ticket_create(actor=SYSTEM, customer_id=customer.id, subject=subject,
                                     body=body, team_id=team.pk if team else None, **kwargs)
    return make


@pytest.fixture
def api_client(db):
    """``api_client(user, scopes=...)`` → a test client that sends that user's bearer token."""
    def make(user, *, scopes=("*",)):
        issued = accounts.token_create(actor=SYSTEM, user=user, name="tests", scopes=scopes)
        return Client(headers={"Authorization": f"Bearer {issued.secret}"})
    return make


@pytest.fixture
def console_client(db):
    """``console_client(user)`` → a test client signed in as ``user``, who has also just
    confirmed their password on the confirm page (as a person does before a sensitive
    action); ``confirmed=False`` leaves that out."""
    def make(user, *, confirmed: bool = True, password: str = PASSWORD):
        client = Client()
        client.force_login(user)
        if confirmed:
            response = client.post("/accounts/reauthenticate/", {"password": password})
            assert response.status_code == 302, "the password confirmation failed"
        return client
    return make


_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences",
                                "django_db_serialized_rollback", "live_server"})


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only", action="store_true",
        help="run only the tests that use the test database (or are marked postgres): "
             "make test runs these on each database")
    parser.addoption(
        "--no-database-tests", action="store_true",
        help="run only the tests that never touch the test database: make test runs "
             "these once, beside the two database runs")


def _uses_the_database(item) -> bool:
    return bool(item.get_closest_marker("django_db") or item.get_closest_marker("postgres")
                or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` are about a PostgreSQL deployment (several replicas on
    one database): on SQLite they are skipped with the reason said. ``make test``'s
    SQLite run leaves them out (``-m "not postgres"``) and its PostgreSQL run runs them.

    ``--database-tests-only`` keeps the tests that touch the test database, and
    ``--no-database-tests`` the others: a test that never does (a pure analyser, a
    subprocess on its own SQLite file) gives the same answer whichever database the run
    is on, so one run of it is enough."""
    import os

    for option, keep in (("--database-tests-only", True), ("--no-database-tests", False)):
        if config.getoption(option):
            left = [item for item in items if _uses_the_database(item) != keep]
            if left:
                config.hook.pytest_deselected(items=left)
                items[:] = [item for item in items if _uses_the_database(item) == keep]
    if os.environ.get("TRUSTDESK_TEST_DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (TRUSTDESK_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
