"""Macros: canned replies whose placeholders never expand a field the agent may not see,
personal or shared, with the text checked for what may never be stored in clear."""

from __future__ import annotations

import pytest

from planted import PAN, PROFILE
from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.tickets import macros
from trustdesk.tickets.models import Macro

pytestmark = pytest.mark.django_db
TEXT = ("Hello {{ customer.first_name }},\n\nWe will call you on {{ customer.phone }} about "
        "ticket #{{ticket.id}} ({{ ticket.subject }}).\nYour card {{ customer.payment_card }}."
        "\n\n{{ agent.first_name }} of {{ customer.company }}'s support")


@pytest.fixture
def desk(make_user, make_team, make_customer, make_ticket):
    team = make_team("Orders")
    agent = make_user("agent", teams=[team], name="Grace Hopper")
    lead = make_user("supervisor", teams=[team], name="Lena Lead")
    ada = make_customer(**PROFILE)
    ticket = make_ticket(ada, team=team, subject="Card charged twice")
    return {"agent": agent, "lead": lead, "ticket": ticket, "ada": ada}


def test_a_field_the_agent_may_not_see_is_never_filled_in(desk):
    who = actor_for_user(desk["agent"])
    macro = macros.macro_save(actor=who, name="Call back", body=TEXT, status="pending")
    draft = macros.macro_apply(actor=who, macro_id=macro.pk, ticket_id=desk["ticket"].pk)
    assert draft.body.startswith("Hello Ada,")
    assert f"ticket #{desk['ticket'].pk} (Card charged twice)" in draft.body
    assert "Grace of Engines Ltd's support" in draft.body
    # Masked for an agent (phone) and hidden (card): markers, never a value or a mask.
    assert "[phone number: not shown to you]" in draft.body
    assert "[payment card: not shown to you]" in draft.body
    assert PROFILE["phone"] not in draft.body and PAN[-4:] not in draft.body
    assert draft.withheld == ("phone number", "payment card") and draft.status == "pending"
    applied = AuditEvent.objects.get(action="macro.apply")
    assert applied.object_id == str(desk["ticket"].pk)
    assert AuditEvent.objects.filter(action="customer.view",
                                     object_id=str(desk["ada"].id)).exists()


def test_a_role_that_sees_the_phone_revealable_still_gets_no_value(desk):
    who = actor_for_user(desk["lead"])
    macro = macros.macro_save(actor=who, name="Phone", body="{{ customer.phone }}")
    draft = macros.macro_apply(actor=who, macro_id=macro.pk, ticket_id=desk["ticket"].pk)
    # Revealable is not visible: a reveal takes a reason, a macro is no way round it.
    assert draft.body == "[phone number: not shown to you]"


def test_a_ticket_out_of_reach_or_someone_elses_macro_is_not_found(desk, make_user,
                                                                   make_ticket, make_team):
    who = actor_for_user(desk["agent"])
    mine = macros.macro_save(actor=who, name="Hi", body="Hi {{ customer.full_name }}")
    elsewhere = make_ticket(team=make_team("Billing"))
    with pytest.raises(NotFound):
        macros.macro_apply(actor=who, macro_id=mine.pk, ticket_id=elsewhere.pk)
    other = actor_for_user(make_user("agent", teams=[desk["agent"].teams.first()]))
    with pytest.raises(NotFound):
        macros.macro_apply(actor=other, macro_id=mine.pk, ticket_id=desk["ticket"].pk)


@pytest.mark.parametrize("body, why", [
    (f"Your card {PAN} is blocked", "credit card"), ("SSN 536-22-8726 on file", "us ssn"),
    ("Hi {{ customer.password }}", "Unknown placeholder"),
    ("Hi {{ vault.key }}", "Unknown placeholder"), ("", "needs its text"),
    ("x" * 10_001, "at most"),
])
def test_bad_text_is_refused(desk, body, why):
    with pytest.raises(ValidationError, match=why):
        macros.macro_save(actor=actor_for_user(desk["agent"]), name="Bad", body=body)
    assert not Macro.objects.exists()


def test_sharing_and_changing_shared_macros(desk, make_user):
    agent, lead = actor_for_user(desk["agent"]), actor_for_user(desk["lead"])
    with pytest.raises(PermissionDenied):
        macros.macro_save(actor=agent, name="For all", body="Hi", shared=True)
    shared = macros.macro_save(actor=lead, name="Thanks", body="Thanks!", shared=True)
    assert [m.pk for m in macros.macro_list(actor=agent)] == [shared.pk]
    with pytest.raises(PermissionDenied):
        macros.macro_save(actor=agent, macro_id=shared.pk, name="Thanks", body="Ha!")
    with pytest.raises(PermissionDenied):
        macros.macro_delete(actor=agent, macro_id=shared.pk)
    changed = macros.macro_save(actor=lead, macro_id=shared.pk, name="Thanks",
                                body="Thank you!", shared=True)
    assert changed.body == "Thank you!"
    with pytest.raises(Conflict):
        macros.macro_save(actor=lead, name="Thanks", body="Again")
    with pytest.raises(PermissionDenied):
        macros.macro_save(actor=actor_for_user(make_user("auditor")), name="x", body="y")
    macros.macro_delete(actor=lead, macro_id=shared.pk)
    assert [e.action for e in AuditEvent.objects.filter(object_type="macro")] == [
        "macro.create", "macro.update", "macro.delete"]


def test_api(desk, api_client):
    client = api_client(desk["agent"])
    made = client.post("/api/v1/macros", {"name": "Call back", "body": TEXT},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    macro_id = made.json()["id"]
    draft = client.post(f"/api/v1/tickets/{desk['ticket'].pk}/macros/{macro_id}")
    assert draft.status_code == 200
    assert draft.json()["withheld"] == ["phone number", "payment card"]
    assert PROFILE["phone"] not in draft.content.decode()
    assert client.put(f"/api/v1/macros/{macro_id}", {"name": "Call", "body": "Hi"},
                      content_type="application/json").json()["name"] == "Call"
    assert client.delete(f"/api/v1/macros/{macro_id}").status_code == 204
    assert client.get("/api/v1/macros").json() == []


def test_console(desk, console_client):
    client = console_client(desk["agent"])
    assert client.get("/macros/").status_code == 200
    made = client.post("/macros/new/", {"name": "Call back", "body": TEXT, "status": ""})
    assert made.status_code == 302
    macro = Macro.objects.get()
    page = client.get(f"/tickets/{desk['ticket'].pk}/").content.decode()
    assert f'<option value="{macro.pk}">Call back</option>' in page
    filled = client.get(f"/tickets/{desk['ticket'].pk}/", {"macro": macro.pk}).content.decode()
    assert "Hello Ada," in filled and "data-macro-withheld" in filled
    assert PROFILE["phone"] not in filled
    refused = client.post("/macros/new/", {"name": "Card", "body": f"Card {PAN}"})
    assert refused.status_code == 400 and "cannot hold" in refused.content.decode()
    client.post(f"/macros/{macro.pk}/delete/")
    assert not Macro.objects.exists()


@pytest.mark.parametrize("role", ["agent", "senior_agent", "supervisor", "billing"])
def test_no_role_gets_a_withheld_value_through_a_macro(role, desk, make_user, api_client,
                                                       console_client):
    from trustdesk.access import fields as fp
    from trustdesk.customers.visibility import field_policy

    lead = actor_for_user(desk["lead"])
    everything = macros.macro_save(actor=lead, name="All", shared=True, body=" | ".join(
        f"{{{{ customer.{f} }}}}" for f in PROFILE))
    user = make_user(role, teams=[desk["agent"].teams.first()], mfa=True)
    not_shown = [v for f, v in PROFILE.items()
                 if field_policy().decide(role, f) != fp.VISIBLE]
    api = api_client(user).post(
        f"/api/v1/tickets/{desk['ticket'].pk}/macros/{everything.pk}").content.decode()
    page = console_client(user).get(f"/tickets/{desk['ticket'].pk}/",
                                    {"macro": everything.pk}).content.decode()
    # (The page's customer card may show a masked card; the draft never does.)
    for body in (api, page):
        assert [v for v in not_shown if v in body] == []
    assert PAN[-4:] not in api
    assert "Ada Lovelace" in api  # the visible name is filled in: the test can see a value
