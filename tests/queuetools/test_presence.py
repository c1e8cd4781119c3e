"""Collisions: who else has the ticket open or is writing, live; and a reply written
while a colleague answered first is warned about before it is sent."""

from __future__ import annotations

import datetime as dt

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.core import clock
from trustdesk.core.errors import NotFound
from trustdesk.tickets import presence, services
from trustdesk.tickets.errors import ReplyNeedsConfirmation
from trustdesk.tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_user, make_team, make_ticket):
    team = make_team("Orders")
    grace = make_user("agent", teams=[team], name="Grace Agent")
    ravi = make_user("agent", teams=[team], name="Ravi Agent")
    return {"grace": grace, "ravi": ravi, "ticket": make_ticket(team=team),
            "g": actor_for_user(grace), "r": actor_for_user(ravi)}


def test_each_sees_the_other_and_who_is_writing(pair, monkeypatch):
    t = pair["ticket"].pk
    assert presence.beat(actor=pair["g"], ticket_id=t) == []
    assert presence.beat(actor=pair["r"], ticket_id=t, replying=True) == [
        presence.Other("Grace Agent", False)]
    assert presence.beat(actor=pair["g"], ticket_id=t) == [
        presence.Other("Ravi Agent", True)]
    later = clock.now() + dt.timedelta(seconds=45)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert presence.beat(actor=pair["g"], ticket_id=t) == []  # Ravi's page went quiet


def test_a_ticket_out_of_reach_is_not_found(pair, make_ticket, make_team):
    hidden = make_ticket(team=make_team("Billing"))
    with pytest.raises(NotFound):
        presence.beat(actor=pair["g"], ticket_id=hidden.pk)


def test_the_second_reply_is_warned_before_it_is_sent(pair):
    t = pair["ticket"].pk
    seen = Message.objects.filter(ticket_id=t).latest("pk").pk
    services.ticket_reply(actor=pair["r"], ticket_id=t, body="Ravi here: refunded.")
    with pytest.raises(ReplyNeedsConfirmation) as raised:
        services.ticket_reply(actor=pair["g"], ticket_id=t, body="Grace: refunding now.",
                              acknowledged=[], seen_up_to=seen)
    assert raised.value.warnings == [
        "Ravi Agent replied to the customer after you opened this ticket."]
    assert Message.objects.filter(ticket_id=t, author=pair["grace"]).count() == 0
    # Confirmed, it goes; one's own replies since are no collision.
    services.ticket_reply(actor=pair["g"], ticket_id=t, body="Grace: refunding now.",
                          acknowledged=raised.value.warnings, seen_up_to=seen)
    latest = Message.objects.filter(ticket_id=t).latest("pk").pk
    services.ticket_reply(actor=pair["g"], ticket_id=t, body="And the receipt.",
                          acknowledged=[], seen_up_to=latest - 1)


def test_console_heartbeat_and_reply_warning(pair, console_client):
    t = pair["ticket"].pk
    grace, ravi = console_client(pair["grace"]), console_client(pair["ravi"])
    page = grace.get(f"/tickets/{t}/").content.decode()
    assert "data-presence-beat" in page and 'name="seen_up_to"' in page
    seen = Message.objects.filter(ticket_id=t).latest("pk").pk
    assert grace.post(f"/tickets/{t}/presence/").content.strip() == b""
    beat = ravi.post(f"/tickets/{t}/presence/", {"replying": "1"}).content.decode()
    assert "Grace Agent" in beat and "is viewing" in beat
    assert "is writing a reply" in grace.post(f"/tickets/{t}/presence/").content.decode()
    ravi.post(f"/tickets/{t}/reply/", {"body": "Ravi: done.", "seen_up_to": seen})
    second = grace.post(f"/tickets/{t}/reply/", {"body": "Grace: doing it.",
                                                 "seen_up_to": seen})
    assert second.status_code == 400
    assert "Ravi Agent replied to the customer" in second.content.decode()
    assert not Message.objects.filter(ticket_id=t, author=pair["grace"]).exists()


def test_api(pair, api_client):
    t = pair["ticket"].pk
    assert api_client(pair["grace"]).post(f"/api/v1/tickets/{t}/presence", {},
                                          content_type="application/json").json() == []
    others = api_client(pair["ravi"]).post(f"/api/v1/tickets/{t}/presence",
                                           {"replying": True},
                                           content_type="application/json").json()
    assert others == [{"name": "Grace Agent", "replying": False}]
