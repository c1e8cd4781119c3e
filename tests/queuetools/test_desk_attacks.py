"""Attacks on the queue tools (macros, merging, saved views, service levels, collisions)
from an attacker's review: each test states a promise of docs/helpdesk.md against a way
round it that once worked."""

from __future__ import annotations

import pytest

from planted import PAN, PROFILE
from trustdesk.accounts.actors import actor_for_user
from trustdesk.core.errors import ValidationError
from trustdesk.tickets import macros, merge, saved_views, services
from trustdesk.tickets.errors import ReplyNeedsConfirmation
from trustdesk.tickets.models import Macro, Message, SavedView

pytestmark = pytest.mark.django_db


# --- Saved views: names and words follow the tag rule ----------------------------------

@pytest.mark.parametrize("label", [
    "Ada.Lovelace",             # the name, joined by a dot
    "Ada.Lovelace refunds",
    "Lovelace,Ada",             # surname first, a comma and no space
    "Ada/Lovelace",
    "Ada+Lovelace",
    "Ada\u200bLovelace",        # a zero-width space: reads "AdaLovelace"
])
@pytest.mark.parametrize("where", ["name", "q"])
def test_a_saved_view_cannot_carry_a_customers_name_joined_by_punctuation(
        where, label, make_user, make_team, make_customer):
    """docs: a view's name and search words "follow the tag rule: ... no customer's name".
    clear_labels splits words only on ``-``, ``_`` and whitespace, while the name-claim key
    splits on every non-word character: "Ada.Lovelace" is one word to the label check (no
    two-word run to look up) but "ada lovelace" to the hash. Stored and, shared, listed in
    clear to the whole desk."""
    make_customer(**PROFILE)  # Ada Lovelace
    who = actor_for_user(make_user("senior_agent", teams=[make_team("Orders")]))
    name, filters = (label, {}) if where == "name" else ("Mine", {"q": label})
    with pytest.raises(ValidationError):
        saved_views.view_create(actor=who, name=name, filters=filters, shared=True)
    assert not SavedView.objects.exists()


@pytest.mark.parametrize("label", ["4111/1111/1111/1111", "4111x1111x1111x1111",
                                   "\uff14\uff11\uff11\uff11" + "\uff11" * 12])
def test_a_saved_view_name_cannot_hold_a_card_number_a_tag_refuses(label, make_user,
                                                                   make_team):
    """docs: views follow the tag rule, "no ... card number". A tag with the same text is
    refused (six digits or more with any single character between them), but views call
    the check with ``numbers=False`` and the PII detector misses these separators and
    full-width digits: the PAN is saved and listed in clear."""
    who = actor_for_user(make_user("senior_agent", teams=[make_team("Orders")]))
    with pytest.raises(ValidationError):
        saved_views.view_create(actor=who, name=f"Card {label}", filters={}, shared=True)
    assert not SavedView.objects.exists()


# --- Macros: nothing that may not be stored in clear -----------------------------------

@pytest.mark.parametrize("name", [f"Card {PAN} refund", "SSN 536-22-8726"])
def test_a_macro_name_cannot_hold_a_card_number_or_national_id(name, make_user):
    """docs: macros are "stored in clear and may be shared: what intake never keeps in a
    message (card numbers, secrets, national identity ...) is refused in it". Only the
    body is scanned: the name, listed in every agent's macro picker on every ticket page
    and in the API, takes a card number or an SSN as is."""
    who = actor_for_user(make_user("supervisor"))
    with pytest.raises(ValidationError):
        macros.macro_save(actor=who, name=name, body="Hello {{ customer.first_name }}",
                          shared=True)
    assert not Macro.objects.exists()


@pytest.mark.parametrize("pan", [
    "4111\u00a01111\u00a01111\u00a01111",       # no-break spaces (pasted from a PDF)
    "4111\u200b1111\u200b1111\u200b1111",       # zero-width spaces
    "\uff14\uff11\uff11\uff11" + "\uff11" * 12,  # full-width digits
    "4111\n1111\n1111\n1111",                   # one group a line
])
def test_a_macro_body_cannot_hold_a_card_number_with_odd_separators(pan, make_user):
    """The body scan runs the PII detector on the raw text: a PAN whose groups are
    separated by a no-break or zero-width space, a line break, or written in full-width
    digits is not found, and the card number is stored in clear and shared. (Intake has
    the same blind spot, but a message is at least sealed under its customer's key; a
    macro is plain text for the whole desk.) The clear-label rule catches all of these."""
    who = actor_for_user(make_user("supervisor"))
    with pytest.raises(ValidationError):
        macros.macro_save(actor=who, name="Card on file",
                          body=f"We have your card {pan} on file.", shared=True)
    assert not Macro.objects.exists()


# --- Collisions: a merge must not hide a colleague's reply -----------------------------

def test_a_colleagues_reply_merged_in_after_the_page_loaded_is_warned_about(
        make_user, make_team, make_customer, make_ticket, system):
    """docs: "If a colleague replied or added a note since, or the customer wrote again,
    the reply is not sent". ``replies_since`` compares message ids with the page's
    ``seen_up_to``; a merge moves older messages (lower ids) into the ticket, so Ravi's
    reply to the customer, merged in after Grace opened the ticket, is never mentioned and
    Grace's second answer goes out unawares."""
    team = make_team("Orders")
    grace = make_user("agent", teams=[team], name="Grace Agent")
    ravi = make_user("agent", teams=[team], name="Ravi Agent")
    ada = make_customer(full_name="Ada Lovelace")
    target = make_ticket(ada, team=team, subject="Refund?", body="Where is my refund?")
    source = make_ticket(ada, team=team, subject="Refund!!", body="Still no refund.")
    services.ticket_reply(actor=actor_for_user(ravi), ticket_id=source.pk,
                          body="Ravi here: refunded today.")
    services.ticket_add_inbound(actor=system, ticket_id=target.pk, body="Hello?")
    # Grace opens the target: her page shows its messages up to here.
    seen = Message.objects.filter(ticket_id=target.pk).latest("pk").pk
    count = Message.objects.filter(ticket_id=target.pk).count()
    # Meanwhile Ravi merges his ticket into it: his reply is now in Grace's ticket.
    merge.tickets_merge(actor=actor_for_user(ravi), target_id=target.pk,
                        source_ids=[source.pk])
    with pytest.raises(ReplyNeedsConfirmation, match="merged into this one"):
        services.ticket_reply(actor=actor_for_user(grace), ticket_id=target.pk,
                              body="Grace: I am refunding you now.", acknowledged=[],
                              seen_up_to=seen, seen_count=count)


# --- Service levels: team hours cannot make every new ticket take seconds --------------

def test_fragmented_business_hours_are_refused(make_user, make_team, api_client):
    """``business_hours.add`` walks every opening up to the target: hundreds of one-minute
    openings a day with a year's target made every ticket of the team take seconds in
    its write transaction. Openings are bounded in number and length instead."""
    team = make_team("Orders")
    admin = make_user("admin")
    spans = [[f"{h:02d}:{m:02d}", f"{h:02d}:{m + 1:02d}"] for h in range(24)
             for m in range(0, 60, 2)]
    saved = api_client(admin).put(f"/api/v1/teams/{team.pk}/hours", {
        "timezone": "Europe/London", "schedule": {"mon": spans}},
        content_type="application/json")
    assert saved.status_code == 400
    assert "at least 15 minutes" in saved.json()["error"]["message"]
    many = [[f"{h:02d}:00", f"{h:02d}:30"] for h in range(8, 16)]
    saved = api_client(admin).put(f"/api/v1/teams/{team.pk}/hours", {
        "timezone": "Europe/London", "schedule": {"mon": many}},
        content_type="application/json")
    assert saved.status_code == 400 and "at most 6" in saved.json()["error"]["message"]


@pytest.mark.parametrize("field", ["business_hours", "active"])
def test_a_null_flag_in_a_policy_patch_is_refused_as_invalid(field, make_user, api_client):
    """PATCH /api/v1/sla/policies/{id} accepts ``null`` for the two flags (``bool | None``,
    sent explicitly) and ``_check`` does not look at them: the NOT NULL column fails and
    the IntegrityError is reported as 409 "A policy named “VIP” exists already"."""
    api = api_client(make_user("admin"))
    made = api.post("/api/v1/sla/policies", {"name": "VIP", "first_response_minutes": 15},
                    content_type="application/json")
    patched = api.patch(f"/api/v1/sla/policies/{made.json()['id']}", {field: None},
                        content_type="application/json")
    assert patched.status_code == 400, patched.content
