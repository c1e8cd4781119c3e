"""PII redaction on intake: what customers write is scanned before it is stored."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import ConfigurationError
from trustdesk.tickets import intake, selectors, services
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Message, Ticket
from trustdesk.vault.models import CardToken

pytestmark = pytest.mark.django_db
API = "/api/v1"
BODY = ("My card 4111 1111 1111 1111 was charged twice, password: hunter22! "
        "SSN 536-22-8726, mail ada@example.org")


def _stored_bytes(message: Message) -> bytes:
    return bytes(Message.objects.get(pk=message.pk).body_sealed)


def _opened(system, ticket):
    return selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages


def test_inbound_message_is_redacted_before_it_is_stored(make_ticket, system):
    ticket = make_ticket(body=BODY)
    message = _opened(system, ticket)[0]
    assert "4111 1111 1111 1111" not in message.body
    assert "hunter22" not in message.body and "[PASSWORD removed]" in message.body
    assert "***-**-8726" in message.body  # masked, last four kept
    # Contact details are tokenized too, with the profile's own mask.
    assert "ada@example.org" not in message.body
    assert "[EMAIL_ADDRESS a***@example.org, token pii_email_address_" in message.body
    assert "[card 411111••••••1111, token card_" in message.body
    assert message.redactions == {"CREDIT_CARD": 1, "EMAIL_ADDRESS": 1, "PASSWORD": 1,
                                  "US_SSN": 1}
    # The card is in the vault, reversible, bound to this customer.
    assert CardToken.objects.filter(field="message").count() == 1


def test_redaction_is_audited_with_entities_never_values(make_ticket):
    ticket = make_ticket(body=BODY)
    event = AuditEvent.objects.get(action="pii.redact", object_type="message")
    assert event.fields == ["CREDIT_CARD", "EMAIL_ADDRESS", "PASSWORD", "US_SSN"]
    assert event.context["entities"] == {"CREDIT_CARD": 1, "EMAIL_ADDRESS": 1, "PASSWORD": 1,
                                         "US_SSN": 1}
    assert event.context["ticket"] == ticket.pk
    dumped = str(event.context) + str(event.fields) + event.reason
    assert "4111" not in dumped and "hunter22" not in dumped and "8726" not in dumped
    assert "ada@" not in dumped


def test_subject_is_masked_not_tokenized(make_ticket):
    ticket = make_ticket(subject="Refund to card 4111-1111-1111-1111 please")
    assert Ticket.objects.get(pk=ticket.pk).subject == "Refund to card ****-****-****-1111 please"
    assert AuditEvent.objects.filter(action="pii.redact", object_type="ticket").exists()


def test_further_inbound_messages_and_text_attachments_are_redacted(make_ticket, system):
    ticket = make_ticket()
    notes = NewAttachment("notes.txt", "text/plain",
                          b"backup card 5555 5555 5555 4444\npwd=s3cr3t!\n")
    photo = NewAttachment("photo.png", "image/png", b"\x89PNG 4111111111111111")
    message = services.ticket_add_inbound(actor=system, ticket_id=ticket.pk,
                                          body="see attached", attachments=[notes, photo])
    assert message.redactions == {"CREDIT_CARD": 1, "PASSWORD": 1}
    detail = _opened(system, ticket)[-1]
    files = {a.filename: a for a in detail.attachment_list}
    from trustdesk.tickets.sealing import open_attachment_data
    text = open_attachment_data(ticket.customer_id, files["notes.txt"]).decode()
    assert "5555 5555 5555 4444" not in text and "s3cr3t" not in text
    # Binary files are not rewritten.
    assert open_attachment_data(ticket.customer_id, files["photo.png"]) == photo.data


def test_agent_replies_and_notes_are_redacted_like_inbound_messages(
        make_ticket, make_user, as_actor, system):
    ticket = make_ticket()
    agent = make_user("supervisor")
    reply = services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk,
                                  body="We refunded card 4111 1111 1111 1111, password: "
                                       "hunter22! Your reference is ada@example.org")
    note = services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk, internal=True,
                                 body="Customer said her card is 5555 5555 5555 4444")
    assert reply.redactions == {"CREDIT_CARD": 1, "EMAIL_ADDRESS": 1, "PASSWORD": 1}
    assert note.redactions == {"CREDIT_CARD": 1}
    for message in (reply, note):
        sealed = _stored_bytes(message)
        assert b"4111" not in sealed and b"5555" not in sealed
    # The sealed bodies, opened: tokens where the values were, secrets gone.
    stored = _opened(system, ticket)
    assert "4111 1111 1111 1111" not in stored[-2].body and "hunter22" not in stored[-2].body
    assert "[card 411111••••••1111, token card_" in stored[-2].body
    assert "ada@example.org" not in stored[-2].body
    assert "5555 5555 5555 4444" not in stored[-1].body
    assert "[card 555555••••••4444, token card_" in stored[-1].body
    assert AuditEvent.objects.filter(action="pii.redact", object_type="message",
                                     object_id=str(reply.pk)).exists()


def test_console_shows_that_redaction_happened(make_ticket, make_user, console_client):
    ticket = make_ticket(body=BODY)
    client = console_client(make_user("supervisor"))
    html = client.get(reverse("console:ticket", args=[ticket.pk])).content.decode()
    assert "Protected on intake" in html
    assert "CREDIT_CARD" in html and "PASSWORD" in html
    assert "4111 1111 1111 1111" not in html and "hunter22" not in html


def test_api_intake_and_redactions_in_the_message(make_customer, make_user, api_client):
    client = api_client(make_user("supervisor"))
    customer = make_customer()
    attachment = {"filename": "card.txt", "content_type": "text/plain",
                  "content_base64": base64.b64encode(b"4111-1111-1111-1111").decode()}
    response = client.post(f"{API}/tickets", {
        "customer_id": str(customer.id), "subject": "Help", "body": BODY,
        "attachments": [attachment], "reason": "Caller on the line"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    message = response.json()["messages"][0]
    assert message["redactions"] == {"CREDIT_CARD": 2, "EMAIL_ADDRESS": 1, "PASSWORD": 1,
                                     "US_SSN": 1}
    assert "4111 1111 1111 1111" not in response.content.decode()


@pytest.mark.parametrize(("override", "problem"), [
    ({"CREDIT_CARD": "keep"}, "cannot keep CREDIT_CARD"),
    ({"PASSWORD": "keep"}, "cannot keep PASSWORD"),
    ({"US_SSN": "shred"}, "must be one of"),
    ({"PASSWORD": "tokenize"}, "cannot tokenize PASSWORD"),
    ({"API_KEY": "tokenize"}, "cannot tokenize API_KEY"),
    ({"PRIVATE_KEY": "tokenize"}, "cannot tokenize PRIVATE_KEY"),
    ({"HTTP_COOKIE": "keep"}, "cannot keep HTTP_COOKIE"),
    ({"HTTP_AUTHORIZATION": "keep"}, "cannot keep HTTP_AUTHORIZATION"),
    ({"SESSION_ID": "tokenize"}, "cannot tokenize SESSION_ID"),
])
def test_unsafe_or_unknown_policies_are_refused(settings, override, problem):
    settings.PII_REDACTION = override
    with pytest.raises(ConfigurationError, match=problem):
        intake.policy()


def test_policy_from_settings(settings, make_ticket, system):
    settings.PII_REDACTION = {"EMAIL_ADDRESS": "replace", "US_SSN": "keep",
                              "CREDIT_CARD": "mask"}
    ticket = make_ticket(body=BODY)
    body = _opened(system, ticket)[0].body
    assert "<" not in body and "[EMAIL_ADDRESS removed]" in body
    assert "536-22-8726" in body
    assert "**** **** **** 1111" in body
    assert CardToken.objects.count() == 0


def _pdf(text: str) -> bytes:
    """A one-page PDF whose text is ``text``, written by hand (offsets computed)."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_is_scanned_and_a_pdf_with_secrets_is_replaced_by_its_redacted_text(
        make_ticket, system):
    from trustdesk.tickets.sealing import open_attachment_data

    ticket = make_ticket()
    secret = NewAttachment("statement.pdf", "application/pdf",
                           _pdf("Card 4111 1111 1111 1111 password: hunter22!"))
    plain = NewAttachment("invoice.pdf", "application/pdf", _pdf("Invoice for March"))
    message = services.ticket_add_inbound(actor=system, ticket_id=ticket.pk, body="attached",
                                          attachments=[secret, plain])
    assert message.redactions == {"CREDIT_CARD": 1, "PASSWORD": 1}
    files = {a.filename: a for a in _opened(system, ticket)[-1].attachment_list}
    assert set(files) == {"statement.pdf.redacted.txt", "invoice.pdf"}
    text = open_attachment_data(ticket.customer_id, files["statement.pdf.redacted.txt"])
    assert b"4111" not in text.replace(b"411111", b"") and b"hunter22" not in text
    assert open_attachment_data(ticket.customer_id, files["invoice.pdf"]) == plain.data
