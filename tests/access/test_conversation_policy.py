"""Conversations follow the field policy: a value written in a message is shown to each
reader as their role's decision on the matching profile field says (hidden, masked,
revealable with a reason, in clear), and locked without a need to know."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from planted import PAN, PROFILE
from trustdesk.access import fields as fp
from trustdesk.audit.models import AuditEvent
from trustdesk.tickets import selectors, services
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Message, Ticket
from trustdesk.tickets.sealing import open_messages, seal_body
from trustdesk.vault import tokens as vault_tokens
from trustdesk.vault.models import PiiToken

pytestmark = pytest.mark.django_db
EMAIL, PHONE = PROFILE["email"], PROFILE["phone"]
DOB, ADDRESS = PROFILE["date_of_birth"], PROFILE["postal_address"]
BODY = (f"Hello, my email is {EMAIL}, phone {PHONE}, DOB: {DOB}, "
        f"address: {ADDRESS}. Please update my account.")
CLEAR = [EMAIL, PHONE, "2079460958", DOB, ADDRESS, "Secret Street"]
REASON = "Customer asked to confirm the details"


@pytest.fixture
def ticket(make_ticket, customer, team):
    """The customer's ticket, routed to the agent's team (a need to know), with contact
    details, a birth date and an address in the first message."""
    return make_ticket(customer, team=team, body=BODY)


def _body(client, ticket) -> str:
    response = client.get(f"/api/v1/tickets/{ticket.pk}")
    assert response.status_code == 200, response.content
    [message] = [m for m in response.json()["messages"] if m["direction"] == "inbound"][:1]
    return message["body"]


def _token(ticket, entity) -> str:
    return PiiToken.objects.get(subject=f"customer:{ticket.customer_id}",
                                entity=entity).token


def _reveal(client, ticket, token):
    return client.post(f"/api/v1/tickets/{ticket.pk}/reveal",
                       data={"token": token, "reason": REASON}, content_type="application/json")


def test_intake_tokenizes_contact_details_birth_dates_and_addresses(ticket, system):
    [message] = selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages
    assert message.redactions == {"DATE_TIME": 1, "EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1,
                                  "STREET_ADDRESS": 1}
    for value in CLEAR:
        assert value not in message.body
    for entity, value in (("EMAIL_ADDRESS", EMAIL), ("PHONE_NUMBER", PHONE),
                          ("DATE_TIME", DOB), ("STREET_ADDRESS", ADDRESS)):
        assert vault_tokens.detokenize(f"customer:{ticket.customer_id}",
                                       _token(ticket, entity)).value == value


def test_admin_reads_none_of_them_in_clear(ticket, make_user, api_client, console_client):
    admin = make_user("admin")  # sees every ticket; the policy hides most fields
    body = _body(api_client(admin), ticket)
    for value in CLEAR:
        assert value not in body
    # Email is masked for admins, the rest hidden: not even masked, no token.
    assert "[EMAIL_ADDRESS a***@example.org]" in body
    assert "[phone number withheld]" in body and "0958" not in body
    assert "[date of birth withheld]" in body and "[address withheld]" in body
    assert "token" not in body
    html = console_client(admin).get(reverse("console:ticket", args=[ticket.pk])
                                     ).content.decode()
    for value in CLEAR:
        assert value not in html
    assert "0958" not in html and "Reveal" not in html


def test_an_agent_sees_each_as_the_profile_shows_it(ticket, agent, api_client):
    client = api_client(agent)
    body = _body(client, ticket)
    for value in CLEAR:
        assert value not in body
    # Email and phone are masked for agents: shown masked, with no token to reveal.
    assert "[EMAIL_ADDRESS a***@example.org]" in body
    assert "[PHONE_NUMBER •••• 0958]" in body
    # Birth date and address are revealable: masked, with the token for a reveal.
    assert f"[DATE_TIME ••••-••-••, token {_token(ticket, 'DATE_TIME')}]" in body
    assert f", token {_token(ticket, 'STREET_ADDRESS')}]" in body
    response = _reveal(client, ticket, _token(ticket, "STREET_ADDRESS"))
    assert response.status_code == 200, response.content
    assert response.json()["value"] == ADDRESS
    # A masked field is not revealable from a message either; a restricted one (date of
    # birth) needs a re-authentication, which a bearer token cannot give.
    assert _reveal(client, ticket, _token(ticket, "EMAIL_ADDRESS")).status_code == 403
    assert _reveal(client, ticket, _token(ticket, "DATE_TIME")).status_code == 403
    [event] = AuditEvent.objects.filter(action="message.reveal")
    assert event.fields == ["STREET_ADDRESS"] and ADDRESS not in json.dumps(event.context)


def test_a_senior_agent_reveals_the_email_with_a_reason(ticket, make_user, team, api_client,
                                                        console_client):
    senior = make_user("senior_agent", teams=[team])
    token = _token(ticket, "EMAIL_ADDRESS")
    assert f"[EMAIL_ADDRESS a***@example.org, token {token}]" in _body(api_client(senior),
                                                                       ticket)
    response = _reveal(api_client(senior), ticket, token)
    assert response.status_code == 200 and response.json()["value"] == EMAIL
    # The console offers the reveal control next to it.
    html = console_client(senior).get(reverse("console:ticket", args=[ticket.pk])
                                      ).content.decode()
    assert reverse("console:ticket_token_reveal", args=[ticket.pk, token]) in html
    assert EMAIL not in html


def test_without_a_need_to_know_values_are_locked(make_user, make_ticket, customer,
                                                  api_client, console_client):
    stranger = make_user("agent")  # in no team: the unrouted ticket is not theirs
    unrouted = make_ticket(customer, body=BODY)
    body = _body(api_client(stranger), unrouted)
    for value in CLEAR:
        assert value not in body
    assert "a***@" not in body and "0958" not in body
    # Withheld; only what the role could reveal carries a token, for a break-glass.
    assert "[email withheld]" in body and "[phone number withheld]" in body
    address = _token(unrouted, "STREET_ADDRESS")
    assert f"[address withheld, token {address}]" in body
    html = console_client(stranger).get(reverse("console:ticket", args=[unrouted.pk])
                                        ).content.decode()
    assert "Break the glass" in html and EMAIL not in html


def test_a_role_the_policy_shows_in_clear_reads_the_value(settings, ticket, make_user,
                                                          team, api_client):
    settings.ACCESS_FIELD_POLICY = {"supervisor": {"phone": "visible"}}
    supervisor = make_user("supervisor", teams=[team])
    body = _body(api_client(supervisor), ticket)
    assert PHONE in body
    assert EMAIL not in body and ADDRESS not in body


def test_the_mapping_follows_the_inventory_types():
    from trustdesk.customers import entities
    assert entities.field_for("EMAIL_ADDRESS") == "email"
    assert entities.field_for("CREDIT_CARD") == "payment_card"
    assert entities.field_for("DATE_TIME") == "date_of_birth"
    assert entities.field_for("STREET_ADDRESS") == "postal_address"
    assert entities.field_for("US_SSN") == "identity_number"
    assert entities.field_for("IBAN_CODE") == "bank_account"
    assert entities.field_for("EMPLOYEE_ID") == "other_value"
    from trustdesk.customers.visibility import field_policy
    assert field_policy().decide("admin", "identity_number") == fp.HIDDEN
    assert field_policy().decide("agent", "identity_number") == fp.REVEALABLE
    assert "identity_number" not in field_policy().fields  # not a profile field


def test_a_card_typed_into_a_reply_is_stored_as_a_token_and_hidden_from_admin(
        ticket, make_user, team, as_actor, api_client, console_client, system):
    supervisor = make_user("supervisor", teams=[team])
    reply = services.ticket_reply(actor=as_actor(supervisor), ticket_id=ticket.pk,
                                  body=f"We refunded your card {PAN} today.")
    # The sealed body, opened: a token where the card number was.
    stored = Message.objects.get(pk=reply.pk)
    open_messages(ticket.customer_id, [stored], erased=False)
    assert PAN not in stored.body and "4111 1111" not in stored.body
    assert "[card 411111••••••1111, token card_" in stored.body
    assert reply.redactions == {"CREDIT_CARD": 1}
    admin = make_user("admin")
    response = api_client(admin).get(f"/api/v1/tickets/{ticket.pk}")
    text = json.dumps(response.json(), ensure_ascii=False)
    assert PAN not in text and "411111" not in text and "card number withheld" in text
    html = console_client(admin).get(reverse("console:ticket", args=[ticket.pk])
                                     ).content.decode()
    assert PAN not in html and "411111" not in html
    # The customer's copy (what the sending path mails) has the number back.
    from trustdesk.tickets.withhold import customer_text
    assert PAN in customer_text(ticket.customer_id, stored.body)


def test_a_reply_through_the_api_answers_with_the_rendered_body(ticket, make_user, team,
                                                                api_client):
    senior = make_user("senior_agent", teams=[team])
    response = api_client(senior).post(
        f"/api/v1/tickets/{ticket.pk}/messages",
        data={"body": f"Noted, we will write to {EMAIL}.", "direction": "note"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    assert EMAIL not in response.json()["body"]
    assert "[EMAIL_ADDRESS a***@example.org, token pii_email_address_" in \
        response.json()["body"]


def test_the_customers_own_values_are_not_foreign_to_the_reply_guard(ticket, make_user,
                                                                     team, as_actor):
    supervisor = make_user("supervisor", teams=[team])
    reply = services.ticket_reply(actor=as_actor(supervisor), ticket_id=ticket.pk,
                                  body=f"We will call you on {PHONE} and write to {EMAIL}.")
    assert reply.guard_warnings == []


def test_text_attachments_render_per_reader(make_ticket, customer, team, make_user,
                                            api_client):
    ticket = make_ticket(customer, team=team, body="See the attached form.", attachments=[
        NewAttachment("form.txt", "text/plain", f"Phone: {PHONE}\nDOB: {DOB}\n".encode())])
    attachment = ticket.messages.first().attachments.first()
    response = api_client(make_user("admin")).get(f"/api/v1/attachments/{attachment.pk}")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert b"2079460958" not in data and b"0958" not in data and b"1961" not in data
    assert b"[phone number withheld]" in data


def test_messages_stored_before_the_change_still_render(ticket, agent, api_client):
    # An older message: an SSN fragment with the detector's mask, and an email kept in
    # clear by the policy of the time (history is not re-scanned).
    subject = f"customer:{ticket.customer_id}"
    ssn = vault_tokens.tokenize(subject, "US_SSN", "536-22-8726")
    old = Message(ticket=ticket, direction="inbound", channel="web")
    seal_body(ticket.customer_id, old, f"SSN [US_SSN ***-**-8726, token {ssn}], bye")
    old.save()
    response = api_client(agent).get(f"/api/v1/tickets/{ticket.pk}")
    bodies = [m["body"] for m in response.json()["messages"]]
    assert f"SSN [US_SSN ***-**-8726, token {ssn}], bye" in bodies
    assert _reveal(api_client(agent), ticket, ssn).json()["value"] == "536-22-8726"


def test_a_masked_form_the_renderer_could_not_parse_is_never_written(
        monkeypatch, make_ticket, customer, team, make_user, api_client):
    # A custom recognizer's value may hold brackets and line breaks; its fragment must
    # still be one the renderer finds, or it would be shown as written to every reader.
    from trustdesk import pii
    from trustdesk.tickets import intake
    value = "EMP[7]\n" + "x" * 400 + "]end"
    monkeypatch.setattr(intake.pii, "scan", lambda text: [
        pii.Finding("EMPLOYEE_ID", text.index("EMP"), text.index("EMP") + len(value), 0.9,
                    "test")] if value in text else [])
    monkeypatch.setattr(intake, "DEFAULTS", {**intake.DEFAULTS, "EMPLOYEE_ID": "tokenize"})
    ticket = make_ticket(customer, team=team, body=f"My badge is {value} thanks")
    body = _body(api_client(make_user("admin")), ticket)
    assert body == "My badge is [personal data withheld] thanks"


# --- the reply guard runs before sending ------------------------------------------------
FOREIGN = "Please write to bob.other@example.net about it."


def test_console_warns_before_sending_and_keeps_the_draft(ticket, make_user, team,
                                                         console_client):
    supervisor = make_user("supervisor", teams=[team])
    client = console_client(supervisor)
    url = reverse("console:ticket_reply", args=[ticket.pk])
    before = Message.objects.count()
    response = client.post(url, {"body": FOREIGN})
    html = response.content.decode()
    assert response.status_code == 400
    assert Message.objects.count() == before  # nothing stored, nothing sent
    assert "Not sent yet" in html and "Send anyway" in html
    assert f"{FOREIGN}</textarea>" in html  # the draft, kept in the box
    assert not AuditEvent.objects.filter(action="ticket.reply").exists()
    warning = response.context["reply_warnings"][0]
    # Sending again without acknowledging asks again; with it, the reply goes.
    assert client.post(url, {"body": FOREIGN}).status_code == 400
    response = client.post(url, {"body": FOREIGN, "send_anyway": "on",
                                 "acknowledged": [warning]})
    assert response.status_code == 302
    assert Message.objects.count() == before + 1
    event = AuditEvent.objects.get(action="ticket.reply")
    assert event.context["reply_guard"]["mode"] == "warn"


def test_a_changed_draft_with_new_warnings_is_checked_again(ticket, make_user, team,
                                                             console_client):
    client = console_client(make_user("supervisor", teams=[team]))
    url = reverse("console:ticket_reply", args=[ticket.pk])
    response = client.post(url, {"body": "Your card 4111 1111 1111 1111 is fine."})
    assert response.status_code == 400
    acknowledged = response.context["reply_warnings"]
    before = Message.objects.count()
    response = client.post(url, {"body": "Your card is fine. Also ask +1 202 555 0143.",
                                 "send_anyway": "on", "acknowledged": acknowledged})
    assert response.status_code == 400 and Message.objects.count() == before


def test_console_refuses_a_blocked_reply_and_keeps_the_draft(ticket, make_user, team,
                                                            console_client):
    client = console_client(make_user("supervisor", teams=[team]))
    draft = "Please send us your password so we can check."
    before = Message.objects.count()
    response = client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                           {"body": draft, "send_anyway": "on"})
    assert response.status_code == 400 and Message.objects.count() == before
    assert draft in response.content.decode()


def test_api_can_check_before_sending(ticket, make_user, team, api_client, api_error):
    client = api_client(make_user("supervisor", teams=[team]))
    url = f"/api/v1/tickets/{ticket.pk}/messages"
    before = Message.objects.count()
    error = api_error(client.post(url, data={"body": FOREIGN, "send_despite_warnings": False},
                                  content_type="application/json"), 400, "reply_guard_warning")
    assert "do not appear" in error["message"] and Message.objects.count() == before
    response = client.post(url, data={"body": FOREIGN}, content_type="application/json")
    assert response.status_code == 201 and response.json()["guard_warnings"]


# --- subjects ---------------------------------------------------------------------------
def test_a_changed_subject_is_redacted_like_the_first(ticket, make_user, team, api_client):
    client = api_client(make_user("supervisor", teams=[team]))
    response = client.patch(f"/api/v1/tickets/{ticket.pk}", data={
        "subject": f"Refund card {PAN}, call {PHONE}, SSN 536-22-8726"},
        content_type="application/json")
    assert response.status_code == 200, response.content
    stored = Ticket.objects.get(pk=ticket.pk).subject
    assert PAN not in stored and "2079460958" not in stored and "536-22" not in stored
    assert stored == "Refund card ************1111, call [phone number], SSN ***-**-8726"
    assert response.json()["subject"] == stored
    event = AuditEvent.objects.filter(action="pii.redact", object_type="ticket").last()
    assert event.context["field"] == "subject"
    assert set(event.fields) == {"CREDIT_CARD", "PHONE_NUMBER", "US_SSN"}


def test_a_first_subject_leaves_out_contact_details(make_ticket, customer):
    ticket = make_ticket(customer, subject=f"Write to {EMAIL} please")
    assert Ticket.objects.get(pk=ticket.pk).subject == "Write to [email] please"
