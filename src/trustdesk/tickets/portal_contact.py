"""Writing to us without signing in, and no relay for attackers.

Helpdesks that open a ticket for any address typed into a form have been used to flood
people's inboxes with mail from trusted domains, carrying the attacker's words. Here the
form sends one thing only: a fixed-text confirmation link to the address typed, never
echoing the subject or the body. What was written waits sealed under the link's own key;
nothing becomes a ticket — so no reply, notification or survey can go to the address —
until the link is confirmed (by a POST from its page). Requests are limited per address
(shared with sign-in links), per client address and in total; the answer and its timing
are the same whether or not the address is a customer's.
"""

from __future__ import annotations

import contextlib
import time

from django.conf import settings
from django.db import transaction

from trustdesk import vault
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import RateLimited, ValidationError
from trustdesk.customers import delivery
from trustdesk.customers import portal as signin
from trustdesk.customers import services as customers
from trustdesk.customers.models import Customer, PortalLink
from trustdesk.customers.selectors import customer_for_contact
from trustdesk.tickets import portal
from trustdesk.tickets.services import _clean_body, _clean_subject

HOUR = 3600
CONTACT_TEXT = ("Someone used the contact form of our customer portal with this address. "
                "To send the message to our support team, open this link and press "
                "Send. It expires in {minutes} minutes.\n\n{url}\n\nIf it was not you, "
                "ignore this message: nothing is sent to us, and we will not write to you "
                "about it.")


def contact_request(*, email: str, subject: str, body: str, ip: str | None) -> None:
    """Keep what was written and mail a confirmation link to ``email``. Raises
    ``ValidationError`` for a malformed form or an address mailed nothing
    (``signin.checked_address``; whoever the address is) and
    ``RateLimited`` for the client address or the total only."""
    started = time.monotonic()
    try:
        address = signin.checked_address(email)
        subject, body = _clean_subject(subject), _clean_body(body)
        per_ip = int(getattr(settings, "PORTAL_CONTACTS_PER_IP", 5))
        total = int(getattr(settings, "PORTAL_CONTACTS_TOTAL", 200))
        if signin.limit(f"contact-ip:{signin.client_key(ip)}", per_ip) or \
                signin.limit("contact-total", total):
            raise RateLimited("Too many messages from here; try again later.",
                              retry_after=HOUR)
        if signin.limit(f"address:{signin.address_key(address)}",
                        int(getattr(settings, "PORTAL_LINKS_PER_ADDRESS", 3))):
            return  # the address has had its share this hour: it gets nothing more
        found = customer_for_contact(actor=signin.SYSTEM, field="email", value=address)
        link, token = signin.new_link(PortalLink.Purpose.CONTACT, found)
        key = signin.contact_key(link)
        link.address_sealed = vault.seal_text(key, "portal.address", address)
        link.subject_sealed = vault.seal_text(key, "portal.subject", subject)
        link.body_sealed = vault.seal_text(key, "portal.body", body)
        with transaction.atomic():
            link.save()
            record(actor=Actor.anonymous("portal contact form", ip=ip),
                   action="portal.contact_pending",
                   object_type="portal_link", object_id=link.pk,
                   context={"customer": str(found) if found else ""})
        # Undeliverable: the same answer; the link never arrives, nothing becomes a ticket.
        with contextlib.suppress(delivery.Undeliverable):
            delivery.send("email", address, subject="Confirm your message to us",
                          text=CONTACT_TEXT.format(minutes=signin.minutes(),
                                                   url=signin.link_url(token, "confirm")))
    finally:
        signin.pad(started)


def _customer_for(address: str) -> Customer:
    found = customer_for_contact(actor=signin.SYSTEM, field="email", value=address)
    if found is None:
        try:
            found = customers.customer_create(actor=signin.SYSTEM,
                                              profile={"email": address}).id
        except ValidationError:  # an inventory that requires a name: the address
            found = customers.customer_create(
                actor=signin.SYSTEM, profile={"email": address, "full_name": address}).id
    return Customer.objects.get(pk=found)


def contact_confirm(*, token: str, ip: str | None) -> tuple[signin.Session, int]:
    """The address confirmed: what was written becomes a ticket, the link's key is
    shredded, and the person is signed in to the portal (the link proved the mailbox
    as a sign-in link does). Returns the session and the new ticket's id."""
    signin.count_confirmation(ip)
    with transaction.atomic():
        link = signin.use_link(token, purpose=PortalLink.Purpose.CONTACT)
        key = signin.contact_key(link)
        address = vault.open_text(key, "portal.address", bytes(link.address_sealed))
        subject = vault.open_text(key, "portal.subject", bytes(link.subject_sealed))
        body = vault.open_text(key, "portal.body", bytes(link.body_sealed))
        customer = _customer_for(address)
        ticket_id = portal.release(actor=Actor.customer(customer.pk, ip=ip),
                                   customer_id=customer.pk, subject=subject, body=body)
        link.address_sealed = link.subject_sealed = link.body_sealed = None
        link.ticket_id = ticket_id
        session = signin.start_session(link, customer, ip=ip, method="portal_contact")
        transaction.on_commit(lambda: vault.shred(key))
    return session, ticket_id
