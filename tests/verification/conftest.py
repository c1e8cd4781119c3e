"""A desk for caller-verification tests: an agent whose team has the customer's ticket,
a customer with an email address, a phone number and an account number on file, mail
into Django's locmem outbox, text messages into files, and a clock that can be moved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from trustdesk.core import clock
from verification.callers import ACCOUNT, EMAIL, PHONE, PUBLIC


@dataclass
class Desk:
    team: object
    agent: object
    customer: object
    ticket: object
    actor: object


@pytest.fixture(autouse=True)
def _channels(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "trustdesk.customers.delivery.FileSms"
    settings.SMS_FILE_DIR = tmp_path / "sms"
    settings.PUBLIC_URL = PUBLIC
    settings.VERIFICATION_FACTS_CSV = None
    settings.VERIFICATION_FACTS_URL = ""


@pytest.fixture(autouse=True)
def _fresh_counters():
    # The verification counters are chosen once per process (database or Redis).
    from trustdesk.verification import services

    services._counters.cache_clear()
    yield
    services._counters.cache_clear()


@pytest.fixture
def desk(make_team, make_user, make_customer, make_ticket, as_actor) -> Desk:
    team = make_team()
    agent = make_user("agent", teams=[team])
    customer = make_customer(full_name="Orla Kinsella", email=EMAIL, phone=PHONE,
                             account_number=ACCOUNT)
    ticket = make_ticket(customer, team=team)
    return Desk(team=team, agent=agent, customer=customer, ticket=ticket,
                actor=as_actor(agent))


@pytest.fixture
def move_clock(monkeypatch):
    """``move_clock(minutes=…)``: TrustDesk's clock that far from the real now."""
    def move(**delta):
        real = dt.datetime.now(dt.UTC)
        monkeypatch.setattr(clock, "now", lambda: real + dt.timedelta(**delta))
    return move


@pytest.fixture
def payment_on_file(settings, tmp_path):
    """The company's records hold the desk customer's last payment, 42.50 (a CSV)."""
    from verification.callers import write_facts

    path = tmp_path / "facts.csv"
    write_facts(path, [(EMAIL, "payment_amount", "42.50", "2026-11-30")])
    settings.VERIFICATION_FACTS_CSV = path
    return "42.50"
