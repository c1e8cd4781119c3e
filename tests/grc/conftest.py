"""Incident tests: officers as actors, a frozen clock, an alert to open an incident from."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from trustdesk.access.services import alert_search_burst
from trustdesk.core import clock

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def freeze(monkeypatch):
    """``freeze(at)``: clock.now() answers ``at`` from now on."""
    def move(at: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: at)
    return move


@pytest.fixture
def officer_user(make_user):
    return make_user("security_officer")


@pytest.fixture
def officer(officer_user, as_actor):
    return as_actor(officer_user)


@pytest.fixture
def unconfirmed(officer):
    """The same officer, not re-authenticated (a bearer token, an old session)."""
    return dataclasses.replace(officer, reauthenticated=False)


@pytest.fixture
def alert(db, system):
    from django.db import transaction

    with transaction.atomic():
        return alert_search_burst(actor=system, field="email", searches=40, window=60)
