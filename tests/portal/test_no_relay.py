"""Writing to us without signing in: the address gets one plain, fixed-text confirmation
link and nothing else until it is used; no ticket exists until then; the subject and
body are never echoed; confirmations are limited per address, per client and in total."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from trustdesk.customers.models import Customer, PortalLink
from trustdesk.tickets.models import Ticket

from .conftest import link_in

pytestmark = pytest.mark.django_db
ATTACK = {"subject": "WIN A PRIZE at http://evil.example",
          "body": "Call +1 555 0100 now, visit http://evil.example/claim"}


def _contact(client=None, email="victim@example.org", **extra):
    return (client or Client()).post("/help/contact/", {"email": email, **ATTACK}, **extra)


def _all_mail_text() -> str:
    return "\n".join(f"{m.subject}\n{m.body}\n{m.extra_headers}" for m in mail.outbox)


def test_only_a_fixed_text_link_goes_out_and_no_ticket_exists_yet():
    response = _contact()
    assert response.status_code == 200 and b"data-sent" in response.content
    (message,) = mail.outbox
    assert message.to == ["victim@example.org"]
    assert message.subject == "Confirm your message to us"
    text = _all_mail_text()
    for words in ("PRIZE", "evil.example", "555 0100", "claim"):
        assert words not in text
    assert not Ticket.objects.exists()
    assert not Customer.objects.exists()  # nobody is made a customer by a stranger
    link = PortalLink.objects.get()
    for column in (link.subject_sealed, link.body_sealed, link.address_sealed):
        assert b"PRIZE" not in bytes(column) and b"victim" not in bytes(column)


def test_the_answer_is_the_same_for_a_customer_and_a_stranger(make_customer):
    make_customer(email="known@example.org")
    import re

    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    known = strip.sub("", _contact(email="known@example.org").content.decode())
    unknown = strip.sub("", _contact(email="stranger@example.org").content.decode())
    assert known == unknown


def test_a_confirmed_link_makes_the_ticket_and_signs_in():
    _contact()
    path = link_in(mail.outbox[0])
    assert "/help/confirm/" in path
    assert Client().get(path).status_code == 200 and not Ticket.objects.exists()
    client = Client()
    response = client.post(path)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.subject == ATTACK["subject"] and ticket.customer_wrote
    assert response["Location"].startswith(f"/help/tickets/{ticket.pk}/")
    assert b"WIN A PRIZE" in client.get(response["Location"]).content
    link = PortalLink.objects.get()
    assert link.ticket_id == ticket.pk and link.body_sealed is None
    assert len(mail.outbox) == 1  # confirming sends nothing
    assert Client().post(path).status_code == 404  # once


def test_a_known_address_files_under_its_customer(make_customer):
    customer = make_customer(email="mine@example.org")
    _contact(email="mine@example.org")
    Client().post(link_in(mail.outbox[0]))
    assert Ticket.objects.get().customer_id == customer.id
    assert Customer.objects.count() == 1


def test_a_flood_at_one_address_sends_it_a_few_links_only(settings):
    settings.PORTAL_LINKS_PER_ADDRESS = 2
    for n in range(6):
        assert _contact(REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 200
    assert len(mail.outbox) == 2
    # Sign-in links to the same address share the allowance.
    Client().post("/help/", {"email": "victim@example.org"})
    assert len(mail.outbox) == 2


def test_one_client_and_everyone_together_are_limited(settings):
    settings.PORTAL_CONTACTS_PER_IP = 2
    settings.PORTAL_CONTACTS_TOTAL = 4
    statuses = [_contact(email=f"v{n}@example.org", REMOTE_ADDR="198.51.100.9").status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]
    statuses = [_contact(email=f"w{n}@example.org", REMOTE_ADDR=f"203.0.113.{n}").status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == 4


def test_a_malformed_form_is_refused_whoever_the_address_is():
    response = Client().post("/help/contact/", {"email": "not an address", **ATTACK})
    assert response.status_code == 400 and b'role="alert"' in response.content
    response = Client().post("/help/contact/", {"email": "a@example.org", "subject": "",
                                                "body": "x"})
    assert response.status_code == 400
    assert mail.outbox == [] and not PortalLink.objects.exists()


def test_a_sign_in_link_does_not_confirm_a_contact_nor_the_reverse(make_customer):
    make_customer(email="both@example.org")
    Client().post("/help/", {"email": "both@example.org"})
    signin_path = link_in(mail.outbox[0])
    _contact(email="both@example.org")
    contact_path = link_in(mail.outbox[1])
    token_a = signin_path.split("/")[3]
    token_b = contact_path.split("/")[3]
    assert Client().post(f"/help/confirm/{token_a}/").status_code == 404
    assert Client().post(f"/help/link/{token_b}/").status_code == 404
    assert not Ticket.objects.exists()
