"""The portal against an attacker: what the old mailbox keeps once the address changes,
what a held ticket shows, how many links one address or one network can ask for, how
much a signed-in customer can write, and which addresses get mail at all."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils.html import escape

from trustdesk import vault
from trustdesk.api import errors as api_errors
from trustdesk.audit.models import AuditEvent
from trustdesk.core.actor import Actor
from trustdesk.core.errors import RateLimited
from trustdesk.customers import delivery, requests
from trustdesk.customers import portal as signin
from trustdesk.customers import services as customers
from trustdesk.customers.models import DataRequest, PortalLink
from trustdesk.tickets import portal
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import Ticket
from trustdesk.vault.errors import SubjectErased

from .conftest import link_in

pytestmark = pytest.mark.django_db


def _ask(email, client=None, **extra):
    return (client or Client()).post("/help/", {"email": email}, **extra)


def _contact(email, client=None, **extra):
    return (client or Client()).post("/help/contact/", {
        "email": email, "subject": "My order", "body": "It has not arrived."}, **extra)


# --- 1. a changed or erased address keeps nothing ---------------------------------------
def test_an_email_change_ends_the_old_mailboxs_sessions_and_links(make_customer,
                                                                   portal_client, system):
    customer = make_customer(email="old@example.org")
    client = portal_client(customer)
    assert client.get("/help/data/").status_code == 200
    _ask("old@example.org")
    waiting = link_in(mail.outbox[-1])  # mailed, not yet used
    customers.customer_update(actor=system, customer_id=customer.id,
                              changes={"email": "new@example.org"})
    assert client.get("/help/data/").status_code == 302  # signed out
    assert Client().post(waiting).status_code == 404
    assert not PortalLink.objects.exclude(session_secret="").exists()
    event = AuditEvent.objects.get(action="portal.revoke")
    assert event.customer == str(customer.id)
    # The new address signs in as any would.
    _ask("new@example.org")
    assert mail.outbox[-1].to == ["new@example.org"]
    assert Client().post(link_in(mail.outbox[-1])).status_code == 302


def test_a_change_landing_while_a_link_is_made_leaves_no_link(make_customer, system,
                                                              monkeypatch):
    customer = make_customer(email="race@example.org")
    on_file = delivery.on_file

    def read_then_moved(customer_id, kind):
        address = on_file(customer_id, kind)
        customers.customer_update(actor=system, customer_id=customer.id,
                                  changes={"email": "moved@example.org"})
        return address
    monkeypatch.setattr(delivery, "on_file", read_then_moved)
    assert _ask("race@example.org").status_code == 200
    assert not PortalLink.objects.exists()
    assert "Your sign-in link" not in [m.subject for m in mail.outbox]


def test_other_changes_and_the_same_address_keep_the_session(make_customer, portal_client,
                                                              system):
    customer = make_customer(email="same@example.org")
    client = portal_client(customer)
    customers.customer_update(actor=system, customer_id=customer.id,
                              changes={"company": "Same Address Ltd"})
    customers.customer_update(actor=system, customer_id=customer.id,
                              changes={"email": " Same@Example.org"})
    assert client.get("/help/data/").status_code == 200
    assert not AuditEvent.objects.filter(action="portal.revoke").exists()


def test_erasure_ends_sessions_and_voids_links_and_waiting_messages(
        make_customer, portal_client, system, django_capture_on_commit_callbacks):
    customer = make_customer(email="gone@example.org")
    client = portal_client(customer)
    _ask("gone@example.org")
    _contact("gone@example.org")
    waiting = link_in(mail.outbox[-1])
    pending = PortalLink.objects.get(purpose=PortalLink.Purpose.CONTACT)
    body = bytes(pending.body_sealed)
    with django_capture_on_commit_callbacks(execute=True):
        customers.customer_erase(actor=system, customer_id=customer.id,
                                 reason="Asked to be forgotten")
    with pytest.raises(SubjectErased):  # its key is gone: no copy of the words opens
        vault.open_text(signin.contact_key(pending), "portal.body", body)
    assert client.get("/help/data/").status_code == 302
    links = PortalLink.objects.filter(customer_id=customer.id)
    assert links.count() == 3
    assert all(not x.session_secret and x.session_expires_at is None for x in links)
    # What was written and the address it came from do not outlive the erasure.
    contact = links.get(purpose=PortalLink.Purpose.CONTACT)
    assert contact.address_sealed is None and contact.body_sealed is None
    assert Client().post(waiting).status_code == 404
    assert not Ticket.objects.exclude(customer_id=customer.id).exists()
    assert AuditEvent.objects.filter(action="portal.revoke",
                                     customer=str(customer.id)).count() == 1


# --- 2. a held ticket is in nobody's view, the customer's included -----------------------
def test_a_held_ticket_is_hidden_from_the_portal_until_released(make_customer, make_ticket,
                                                                 portal_client, system):
    customer = make_customer()
    shown = make_ticket(customer, subject="Parcel missing")
    held = make_ticket(customer, subject="Your account is locked",
                       body="Confirm your password at http://evil.example/login")
    tickets.ticket_hold(actor=system, ticket_id=held.pk, reason="phishing")
    client = portal_client(customer)
    home = client.get("/help/").content.decode()
    assert "Parcel missing" in home and "Your account is locked" not in home
    assert client.get(f"/help/tickets/{held.pk}/").status_code == 404
    assert client.post(f"/help/tickets/{held.pk}/answer/",
                       {"body": "Here is my password"}).status_code == 404
    assert held.messages.count() == 1
    assert client.get(f"/help/tickets/{shown.pk}/").status_code == 200
    tickets.ticket_unhold(actor=system, ticket_id=held.pk)
    assert "Your account is locked" in client.get("/help/").content.decode()
    assert client.get(f"/help/tickets/{held.pk}/").status_code == 200


def test_a_confirmed_phishing_ticket_stays_hidden(make_customer, make_ticket, portal_client,
                                                  system):
    customer = make_customer()
    held = make_ticket(customer, subject="Your account is locked")
    tickets.ticket_hold(actor=system, ticket_id=held.pk, reason="phishing")
    tickets.ticket_unhold(actor=system, ticket_id=held.pk, close=True)
    client = portal_client(customer)
    assert "Your account is locked" not in client.get("/help/").content.decode()
    assert client.get(f"/help/tickets/{held.pk}/").status_code == 404


# --- 3. one limit per address however it is typed, one per IPv6 /64 ----------------------
def test_every_spelling_of_an_address_shares_its_limit(make_customer, settings):
    settings.PORTAL_LINKS_PER_ADDRESS = 2
    make_customer(email="ada@bücher.example")
    spellings = ("ada@bücher.example",  # as stored (NFC)
                 " Ada@Bücher.Example ",
                 "ADA@BU\u0308CHER.EXAMPLE",  # the ü decomposed (NFD), as the lookup takes it
                 "ada@bu\u0308cher.example")
    for n, email in enumerate(spellings):
        assert _ask(email, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 200
    assert len(mail.outbox) == 2
    # The contact form counts against the same address.
    _contact("Ada@Bu\u0308cher.example", REMOTE_ADDR="192.0.2.9")
    assert len(mail.outbox) == 2


def test_the_address_key_follows_the_lookups_normalisation():
    same = {signin.address_key(e) for e in (
        "Ada@Example.com ", "ada@example.com", "\tADA@EXAMPLE.COM\n",
        "ada@exa\u0301mple.com".replace("a\u0301", "á"), "ada@exa\u0301mple.com")}
    assert len(same) == 2  # the plain and the accented domain: two addresses
    assert signin.address_key("ada@example.com") != signin.address_key("bob@example.com")


def test_an_ipv6_client_is_counted_by_its_64(settings):
    settings.PORTAL_LINKS_PER_IP = 2
    statuses = [_ask(f"a{n}@example.org", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}").status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]
    # Anywhere in the /64, written any way: one client.
    refused = _ask("b@example.org", REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert _ask("c@example.org", REMOTE_ADDR="2001:0db8:0001:0002:0:0:0:99").status_code == 429
    assert _ask("d@example.org", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200  # next /64


def test_an_ipv4_client_is_its_address_also_mapped(settings):
    settings.PORTAL_LINKS_PER_IP = 1
    assert _ask("a@example.org", REMOTE_ADDR="198.51.100.7").status_code == 200
    assert _ask("b@example.org", REMOTE_ADDR="::ffff:198.51.100.7").status_code == 429
    assert _ask("c@example.org", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_the_contact_form_and_confirmations_count_an_ipv6_64_too(settings):
    settings.PORTAL_CONTACTS_PER_IP = 1
    settings.PORTAL_CONFIRMS_PER_IP = 1
    assert _contact("a@example.org", REMOTE_ADDR="2001:db8:9::1").status_code == 200
    assert _contact("b@example.org", REMOTE_ADDR="2001:db8:9::2").status_code == 429
    assert Client().post("/help/link/x/", REMOTE_ADDR="2001:db8:9::3").status_code == 404
    assert Client().post("/help/link/x/", REMOTE_ADDR="2001:db8:9::4").status_code == 429


# --- 4. a signed-in customer writes at most so much an hour --------------------------------
def test_portal_writes_are_limited_per_customer(make_customer, make_ticket, portal_client,
                                                settings):
    settings.PORTAL_WRITES_PER_HOUR = 3
    customer, other = make_customer(), make_customer()
    mine = make_ticket(customer)
    client = portal_client(customer)
    assert client.post("/help/new/", {"subject": "One", "body": "First."}).status_code == 302
    assert client.post(f"/help/tickets/{mine.pk}/answer/",
                       {"body": "Second."}).status_code == 302
    assert client.post("/help/requests/new/", {"kind": "access"}).status_code == 200
    tickets_before = Ticket.objects.count()
    messages_before = mine.messages.count()
    # The fourth write of the hour, of any kind: refused, said so, nothing written.
    opened = client.post("/help/new/", {"subject": "Flood", "body": "Words kept here."})
    assert opened.status_code == 429 and opened["Retry-After"] == "3600"
    page = opened.content.decode()
    assert 'role="alert"' in page and "in the last hour" in page
    assert "Words kept here." in page  # what was typed is not lost
    answered = client.post(f"/help/tickets/{mine.pk}/answer/", {"body": "Flood."})
    assert answered.status_code == 429 and answered["Retry-After"] == "3600"
    assert "in the last hour" in answered.content.decode()
    filed = client.post("/help/requests/new/", {"kind": "erasure", "details": "Kept."})
    assert filed.status_code == 429 and "in the last hour" in filed.content.decode()
    assert Ticket.objects.count() == tickets_before
    assert mine.messages.count() == messages_before
    assert DataRequest.objects.filter(customer_id=customer.id).count() == 1
    # Another customer has their own allowance.
    assert portal_client(other).post("/help/new/", {"subject": "Mine", "body": "Mine."}
                                     ).status_code == 302


def test_the_write_limit_is_a_use_case_rule(make_customer, make_ticket, settings):
    settings.PORTAL_WRITES_PER_HOUR = 1
    customer = make_customer()
    actor = Actor.customer(customer.id)
    first = portal.my_ticket_open(actor=actor, subject="One", body="First.")
    for attempt in (lambda: portal.my_ticket_open(actor=actor, subject="Two", body="x"),
                    lambda: portal.my_ticket_answer(actor=actor, ticket_id=first, body="x"),
                    lambda: requests.request_file(actor=actor, kind="access")):
        with pytest.raises(RateLimited) as refused:
            attempt()
        assert refused.value.retry_after == 3600
        response = api_errors.from_exception(refused.value)
        assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert Ticket.objects.filter(customer_id=customer.id).count() == 1


def test_the_write_limit_defaults_to_thirty_an_hour():
    from django.conf import settings

    assert settings.PORTAL_WRITES_PER_HOUR == 30


# --- 5. no mail to an IP literal or through a source route --------------------------------
REFUSED = {
    "ada@[192.0.2.1]": "not to an IP address",
    "ada@[IPv6:2001:db8::1]": "not to an IP address",
    "ada@192.0.2.1": "not to an IP address",
    "ada@0177.0.0.01": "not to an IP address",  # 127.0.0.1 to inet_aton
    "ada@127.1": "not to an IP address",
    "ada@0x7f.0x1": "not to an IP address",
    "victim%other.example@example.org": "per cent sign (%)",
    "other.example!victim@example.org": "exclamation mark (!)",
}


def _visible(response, *typed) -> str:
    import re

    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    for text in typed:
        page = page.replace(escape(text), "")
    return page


@pytest.mark.parametrize("email", sorted(REFUSED))
def test_the_signin_form_refuses_ip_literals_and_source_routes(email):
    response = _ask(email)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and REFUSED[email] in page
    assert escape(email) in page  # what was typed, to correct
    assert mail.outbox == [] and not PortalLink.objects.exists()


@pytest.mark.parametrize("email", sorted(REFUSED))
def test_the_contact_form_refuses_them_too(email):
    response = _contact(email)
    assert response.status_code == 400 and REFUSED[email] in response.content.decode()
    assert mail.outbox == [] and not PortalLink.objects.exists()


def test_a_refused_address_answers_alike_for_a_customer_and_a_stranger(make_customer):
    # Both stored before this rule (the profile accepts them): refused all the same.
    make_customer(email="ops%team@example.org")
    make_customer(email="ada@[192.0.2.1]")
    for known, stranger in (("ops%team@example.org", "who%ever@example.org"),
                            ("ada@[192.0.2.1]", "bob@[192.0.2.1]")):
        a, b = _ask(known), _ask(stranger)
        assert a.status_code == b.status_code == 400
        assert _visible(a, known) == _visible(b, stranger)
    assert mail.outbox == [] and not PortalLink.objects.exists()


def test_a_malformed_address_is_told_so_and_a_good_one_still_gets_the_same_answer(
        make_customer):
    for email in ("", "no-at-sign", "two words@example.org", "a@localhost",
                  '"quoted@evil.example"@example.org', "a" * 250 + "@example.org"):
        response = _ask(email)
        assert response.status_code == 400, email
        assert "Enter your email address." in response.content.decode()
    make_customer(email="fine@example.org")
    known, unknown = _ask("fine@example.org"), _ask("nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert _visible(known) == _visible(unknown)
    assert [m.to for m in mail.outbox] == [["fine@example.org"]]


def test_the_refusals_are_in_chinese_too():
    response = _ask("ada@[192.0.2.1]", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 400 and "IP" in response.content.decode()
    assert "not to an IP address" not in response.content.decode()
