"""Greylisting: the first delivery attempt of an unknown (client network, sender,
recipient) triplet is deferred with ``451``; a real mail server retries after a few
minutes and is let through from then on, while most spam software never retries.

The network is the client's /24 or /64, so a sender whose retries leave from another
address of its pool is still recognised. Clients in ``TRUSTDESK_GREYLIST_ALLOW`` (loopback
by default) and the gateway's allow-listed networks are never deferred; a delay of 0
turns greylisting off. A triplet that never came back within a day starts again; one
that passed stays known for 36 days after its last message (``prune``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction

from trustdesk import vault
from trustdesk.core import clock
from trustdesk.mailgateway import geo, lists
from trustdesk.mailgateway.limits import network_of
from trustdesk.mailgateway.models import Greylist

DEFER = "451 4.7.1 Greylisted: please try again in a few minutes"
RETRY_WINDOW = dt.timedelta(hours=24)
KEEP = dt.timedelta(days=36)


def _allowed(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    # An IPv4 client seen through an IPv6 socket is still the IPv4 client (as in
    # ``network_of``): an IPv4 network in the allow list must cover it.
    addr = getattr(addr, "ipv4_mapped", None) or addr
    return any(addr in net for net in settings.GREYLIST_ALLOW)


def key(ip: str, sender: str, recipient: str) -> str:
    return vault.blind_index("mail.greylist",
                             f"{network_of(ip)}|{sender.lower()}|{recipient.lower()}")


def check(ip: str, sender: str, recipient: str) -> str | None:
    """None when the triplet may pass now, else the reply that defers it."""
    delay = settings.GREYLIST_DELAY_SECONDS
    if delay <= 0 or _allowed(ip) or lists.greylist_exempt(
            lists.current(), peer_ip=ip, country=geo.country_of(ip), mail_from=sender):
        return None
    digest, now = key(ip, sender, recipient), clock.now()
    with transaction.atomic():
        row = Greylist.objects.select_for_update().filter(key=digest).first()
        if row is None:
            try:
                with transaction.atomic():
                    Greylist.objects.create(key=digest, first_seen=now, last_seen=now)
            except IntegrityError:  # a parallel session saw it first: the same answer
                pass
            return DEFER
        row.last_seen = now
        if row.passed_at is None:
            waited = now - row.first_seen
            if waited > RETRY_WINDOW:
                row.first_seen = now  # came back too late: start again
            elif waited >= dt.timedelta(seconds=delay):
                row.passed_at = now
        row.save(update_fields=["first_seen", "last_seen", "passed_at"])
        return None if row.passed_at else DEFER


def prune() -> int:
    return Greylist.objects.filter(last_seen__lt=clock.now() - KEEP).delete()[0]
