"""Customers signing in to the portal by a link to their own address, and the portal
session the link starts.

The request answers the same whether or not a customer has the address: a link goes
only to the address on file (found through the blind index), and the work done — a
keyed hash, a row, a message — is padded to one duration for both answers
(``PORTAL_ANSWER_SECONDS``), so that neither the page nor its timing tells who is a
customer. Links are single-use, expire after ``PORTAL_LINK_MINUTES`` and are kept only
as a keyed hash of their secret in a scope of their own; they are confirmed by a POST
from the link's page, so that a mail scanner fetching the link signs nobody in.
The address typed is checked first, on its text alone (``checked_address``): nothing
goes to an IP literal or through a source route (``%``, ``!``), and a malformed one is
told so — the same for everyone, so the check tells nothing about who is a customer.
Requests are limited per address, per client and in total, through the counters the
sign-in lockout uses. The address is counted in the form the customer lookup compares
(``address_key``), so no other spelling of it earns a fresh allowance; a client is its
IPv4 address or its IPv6 /64 (``client_key``), so rotating through one's own network
does not either.

A confirmed link starts a portal session: its own cookie, its own keyed hash, its own
expiry, nothing shared with the staff session. The customer themself passed an email
factor (``verified.factor_passed`` with no member of staff).

What a signed-in customer sends — tickets opened, answers, privacy requests — is
limited per customer too (``count_write``, ``PORTAL_WRITES_PER_HOUR``).

Access through the portal is access through a mailbox, so it ends when the address
does: a change of the customer's email address, or their erasure, revokes every
session and every unused link of theirs (``revoke``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import ipaddress
import random
import re
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from trustdesk import vault
from trustdesk.accounts.counters import Counters, DatabaseCounters, RedisCounters
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.clients import client_key
from trustdesk.core.errors import NotFound, RateLimited, ValidationError
from trustdesk.core.publicurl import public_url
from trustdesk.customers import delivery, verified
from trustdesk.customers.errors import AddressRefused, TooManyWrites
from trustdesk.customers.models import Customer, PortalLink
from trustdesk.customers.selectors import customer_for_contact
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.values import normalise_value

SCOPE = "portal.link"
SESSION_SCOPE = "portal.session"
HOUR = 3600
SYSTEM = Actor.system("portal")
SIGNIN_TEXT = ("Someone asked to sign in to our customer portal with this address. To sign "
               "in, open this link and press Sign in. It expires in {minutes} minutes and "
               "works once.\n\n{url}\n\nIf it was not you, ignore this message: nothing "
               "happens unless the link is used.")


@dataclass(frozen=True)
class Session:
    customer_id: uuid.UUID
    cookie: str  # "<link id>.<secret>": only its keyed hash is stored
    expires_at: dt.datetime


@cache
def counters() -> Counters:
    if settings.REDIS_URL:
        return RedisCounters(settings.REDIS_URL, f"{settings.REDIS_PREFIX}portal:")
    return DatabaseCounters()


def limit(key: str, per_hour: int) -> bool:
    """Count one under ``key``; whether the hour's allowance is spent."""
    return counters().hit(f"portal:{key}", HOUR) > per_hour


def count_write(customer_id) -> None:
    """Count one write of a signed-in customer (a ticket opened, an answer, a privacy
    request); ``TooManyWrites`` past the hour's allowance. Call first, before anything
    is checked or written and outside the write's transaction: a refused or failed
    attempt counts as well (rolled back, it would not), and a refused one writes
    nothing."""
    if limit(f"writes:{customer_id}", settings.PORTAL_WRITES_PER_HOUR):
        raise TooManyWrites(retry_after=HOUR)


def _numeric_host(domain: str) -> bool:
    """Whether ``domain`` is an IP address written bare: any form ``ipaddress`` reads, or
    a last label of digits or ``0x`` hex — no top-level domain is, and resolvers
    read ``0177.0.0.1`` or ``127.1`` as an address (``inet_aton``)."""
    try:
        ipaddress.ip_address(domain)
        return True
    except ValueError:
        return re.fullmatch(r"[0-9]+|0x[0-9a-f]*", domain.rstrip(".").rsplit(".", 1)[-1],
                            re.IGNORECASE) is not None


def checked_address(email: str) -> str:
    """The address typed, without surrounding whitespace, if the portal will mail it.
    ``ValidationError`` (field ``email``) when it is no address — as the profile's
    email field takes them, with a dot in the domain — and ``AddressRefused`` for an IP
    literal or a source route. Decided on the text only, never on who has it."""
    address = (email or "").strip()
    local, at, domain = address.rpartition("@")
    malformed = ValidationError("Enter your email address.", field="email")
    if not at or not local or not domain:
        raise malformed
    if domain.startswith("[") or _numeric_host(domain):
        raise AddressRefused("Enter an address with a domain name: we send nothing to "
                             "an IP address.", reason="ip_literal")
    if "%" in local or "!" in local:
        raise AddressRefused("Enter an address without % or ! before the @: we send "
                             "nothing through another server.", reason="source_route")
    # No dot: a name on our own network (localhost), nobody's mailbox out there.
    if "." not in domain or len(address) > 254 or \
            any(c.isspace() or c in ',;<>"\\' for c in address):
        raise malformed
    spec = get_inventory().get(delivery.CHANNEL_FIELDS["email"])
    try:
        if spec is not None:
            normalise_value(spec, address)
    except ValidationError:
        raise malformed from None
    return address


def address_key(address: str) -> str:
    """The counter key of an address: a keyed hash (the address itself never becomes a
    counter's key) of the form the customer lookup compares — Unicode NFC, no
    surrounding whitespace, lower case, as ``privacy.values`` stores it — so every
    spelling that finds one customer shares one limit. Folded further still
    (compatibility forms, full case folding): coarser than the lookup, never finer."""
    spec = get_inventory().get(delivery.CHANNEL_FIELDS["email"])
    # Not an address at all (or no email field): the same steps, unchecked.
    value = unicodedata.normalize("NFC", address or "").strip().lower()
    if spec is not None:
        with contextlib.suppress(ValidationError):
            value = normalise_value(spec, address or "")
    value = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return vault.blind_index(SCOPE, "address:" + value)[:32]


def minutes() -> int:
    return int(getattr(settings, "PORTAL_LINK_MINUTES", 15))


def pad(started: float) -> None:
    """Sleep until the answer has taken ``PORTAL_ANSWER_SECONDS``, with a little jitter,
    so a request that sent a message and one that did not take as long."""
    floor = float(getattr(settings, "PORTAL_ANSWER_SECONDS", 0.4))
    if floor > 0:
        time.sleep(max(0.0, floor - (time.monotonic() - started))
                   + random.uniform(0, floor / 10))


def new_link(purpose: str, customer_id) -> tuple[PortalLink, str]:
    nonce = secrets.token_urlsafe(24)
    now = clock.now()
    link = PortalLink(purpose=purpose, customer_id=customer_id, created_at=now,
                      expires_at=now + dt.timedelta(minutes=minutes()))
    link.secret = _hash(SCOPE, link.pk, nonce)
    return link, f"{link.pk}.{nonce}"


def link_url(token: str, page: str = "link") -> str:
    return f"{public_url()}/help/{page}/{token}/"


def signin_request(*, email: str, ip: str | None) -> None:
    """Mail a sign-in link to ``email`` if, and only if, a customer has it on file. Says
    nothing either way: ``ValidationError`` only for an address the portal would mail
    nobody at (``checked_address``), ``RateLimited`` only for the client or the total,
    none of which tells anything about who has the address."""
    started = time.monotonic()
    try:
        email = checked_address(email)
        per_ip = int(getattr(settings, "PORTAL_LINKS_PER_IP", 10))
        if limit(f"ip:{client_key(ip)}", per_ip) or \
                limit("total", int(getattr(settings, "PORTAL_LINKS_TOTAL", 500))):
            raise RateLimited("Too many sign-in requests; try again later.", retry_after=HOUR)
        over = limit(f"address:{address_key(email)}",
                     int(getattr(settings, "PORTAL_LINKS_PER_ADDRESS", 3)))
        found = customer_for_contact(actor=SYSTEM, field="email", value=email)
        link, token = new_link(PortalLink.Purpose.SIGNIN, found)
        to = delivery.on_file(found, "email") if found is not None and not over else None
        if to is None:
            return
        with transaction.atomic():
            # Under the customer's row lock, which a change of address takes too: the
            # link is saved only while the address is still theirs, so the change
            # either finds it (and revokes it) or came first (and there is none).
            Customer.objects.select_for_update().filter(pk=found).first()
            if customer_for_contact(actor=SYSTEM, field="email", value=email) != found:
                return
            link.save()
            record(actor=SYSTEM, action="portal.link_sent", object_type="customer",
                   object_id=found, context={"link": str(link.pk)})
        # Undeliverable: the same answer; the link simply never arrives.
        with contextlib.suppress(delivery.Undeliverable):
            delivery.send("email", to, subject="Your sign-in link",
                          text=SIGNIN_TEXT.format(minutes=minutes(), url=link_url(token)))
    finally:
        pad(started)


def contact_key(link: PortalLink) -> str:
    """The vault subject a contact link's sealed message is kept under."""
    return f"portal:{link.pk}"


def revoke(*, actor: Actor, customer_id, reason: str, erased: bool = False) -> None:
    """End every portal session of the customer and void every sign-in link of theirs
    not yet used, in the caller's transaction: their email address changed (or they
    were erased), and whoever reads the old mailbox must keep nothing of it. Erased,
    the messages waiting for confirmation go too, their keys shredded once the erasure
    commits: the words and the address they came from outlive no erasure. (Waiting
    after a mere change, such a message would become a ticket of whoever has its
    address then, not of this customer.)"""
    now = clock.now()
    unused = Q(used_at__isnull=True, purpose=PortalLink.Purpose.SIGNIN, expires_at__gt=now)
    if erased:
        unused |= Q(used_at__isnull=True, purpose=PortalLink.Purpose.CONTACT)
    # Locked first: a confirmation running now either finished (its session is in
    # these rows) or waits and then finds its link voided.
    rows = list(PortalLink.objects.select_for_update().filter(
        ~Q(session_secret="") | unused, customer_id=customer_id))
    if not rows:
        return
    sessions = [r.pk for r in rows if r.session_secret]
    links = [r for r in rows if r.used_at is None]
    PortalLink.objects.filter(pk__in=sessions).update(session_secret="",
                                                      session_expires_at=None)
    PortalLink.objects.filter(pk__in=[r.pk for r in links]).update(
        expires_at=now, address_sealed=None, subject_sealed=None, body_sealed=None)
    keys = [contact_key(r) for r in links if r.purpose == PortalLink.Purpose.CONTACT]

    def shred() -> None:
        for key in keys:
            vault.shred(key)
    if keys:
        transaction.on_commit(shred)
    record(actor=actor, action="portal.revoke", object_type="customer",
           object_id=customer_id, context={"reason": reason, "sessions": len(sessions),
                                           "links": len(links)})


def _hash(scope: str, link_id, secret: str) -> str:
    return vault.blind_index(scope, f"{link_id}:{secret}")


def token_parts(token: str) -> tuple[uuid.UUID, str] | None:
    link_id, dot, nonce = (token or "").partition(".")
    if not dot or not nonce or len(token) > 120:
        return None
    try:
        return uuid.UUID(link_id), nonce
    except ValueError:
        return None


def count_confirmation(ip: str | None) -> None:
    """Count one confirmation from the client; ``RateLimited`` past the hour's
    allowance. Call before the confirmation's transaction: a wrong link rolls that back,
    and its attempt must still count."""
    if limit(f"confirm-ip:{client_key(ip)}",
             int(getattr(settings, "PORTAL_CONFIRMS_PER_IP", 30))):
        raise RateLimited("Too many attempts; try again later.", retry_after=HOUR)


def use_link(token: str, *, purpose: str) -> PortalLink:
    """The unused, unexpired link ``token`` names, marked used (call inside the use
    case's transaction, after ``count_confirmation``). ``NotFound`` for anything else:
    wrong, used, expired, alike."""
    parts = token_parts(token)
    link = None if parts is None else PortalLink.objects.select_for_update().filter(
        pk=parts[0], purpose=purpose).first()
    if link is None or link.used_at is not None or link.expires_at <= clock.now() or \
            not hmac.compare_digest(_hash(SCOPE, link.pk, parts[1]), link.secret):
        raise NotFound("This link is not valid: it was used already, it expired, or it "
                       "was mistyped.")
    link.used_at = clock.now()
    return link


def start_session(link: PortalLink, customer: Customer, *, ip: str | None,
                  method: str) -> Session:
    """Begin the portal session of ``customer`` on ``link`` (inside the transaction)."""
    secret = secrets.token_urlsafe(32)
    hours = float(getattr(settings, "PORTAL_SESSION_HOURS", 8))
    link.customer = customer
    link.session_secret = _hash(SESSION_SCOPE, link.pk, secret)
    link.session_expires_at = clock.now() + dt.timedelta(hours=hours)
    link.save()
    actor = Actor.customer(customer.pk, ip=ip)
    verified.factor_passed(actor=actor, customer=customer, kind="email", method=method)
    record(actor=actor, action="portal.signin", object_type="customer", object_id=customer.pk,
           context={"link": str(link.pk), "method": method})
    return Session(customer_id=customer.pk, cookie=f"{link.pk}.{secret}",
                   expires_at=link.session_expires_at)


def signin_confirm(*, token: str, ip: str | None) -> Session:
    count_confirmation(ip)
    with transaction.atomic():
        link = use_link(token, purpose=PortalLink.Purpose.SIGNIN)
        customer = Customer.objects.filter(pk=link.customer_id,
                                           status=Customer.Status.ACTIVE).first()
        if customer is None:
            raise NotFound("This link is not valid.")
        return start_session(link, customer, ip=ip, method="portal_link")


def session_actor(cookie: str, *, ip: str | None = None, user_agent: str = "") -> Actor | None:
    """The customer whose live portal session ``cookie`` is, or None."""
    parts = token_parts(cookie)
    if parts is None:
        return None
    link = PortalLink.objects.filter(pk=parts[0]).exclude(session_secret="").select_related(
        "customer").first()
    if link is None or link.session_expires_at is None or \
            link.session_expires_at <= clock.now() or link.customer is None or \
            link.customer.status != Customer.Status.ACTIVE or \
            not hmac.compare_digest(_hash(SESSION_SCOPE, link.pk, parts[1]),
                                    link.session_secret):
        return None
    return Actor.customer(link.customer_id, ip=ip, user_agent=user_agent,
                          session_key=str(link.pk))


@transaction.atomic
def signout(*, actor: Actor) -> None:
    if actor.is_customer and actor.session_key:
        PortalLink.objects.filter(pk=actor.session_key).update(session_secret="",
                                                               session_expires_at=None)
        record(actor=actor, action="portal.signout", object_type="customer",
               object_id=actor.customer_id)
