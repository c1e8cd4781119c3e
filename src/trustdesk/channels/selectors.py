"""Reads of the official-channel registry.

``channel_list`` is the staff's view (every channel, active or not, for any signed-in
person or token). ``published`` is what the world may know: the active channels, read by
the public trust page and the mail footer without an actor and without an audit event,
as a static page would be (it holds nothing personal). ``promise_for`` is the reply
guard's question: what does this kind of channel promise never to ask for?
"""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.channels.models import OfficialChannel
from trustdesk.channels.vocabulary import DEFAULT_NEVER_ASKS, KINDS, NEVER_ASK
from trustdesk.core.actor import Actor
from trustdesk.core.errors import AuthenticationFailed, NotFound


def _signed_in(actor: Actor) -> None:
    if actor.kind == "anonymous":
        raise AuthenticationFailed()


def channel_list(*, actor: Actor) -> list[OfficialChannel]:
    _signed_in(actor)
    return list(OfficialChannel.objects.all())


def channel_get(*, actor: Actor, channel_id) -> OfficialChannel:
    _signed_in(actor)
    return get_for_change(channel_id, lock=False)


def get_for_change(channel_id, *, lock: bool = True) -> OfficialChannel:
    try:
        pk = int(channel_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    rows = OfficialChannel.objects.filter(pk=pk)
    channel = (rows.select_for_update() if lock else rows).first()
    if channel is None:
        raise NotFound()
    return channel


def published() -> list[OfficialChannel]:
    return list(OfficialChannel.objects.filter(active=True))


@dataclass(frozen=True)
class Promise:
    kind: str  # a registry kind, or "" when the ticket's channel has none
    kind_label: str  # "email"
    never_asks: frozenset[str]  # keys of vocabulary.NEVER_ASK

    def says(self, key: str) -> str:
        """'Our email channel never asks for passwords.'"""
        where = f"Our {self.kind_label} channel" if self.kind else "We"
        verb = "never asks" if self.kind else "never ask"
        return f"{where} {verb} for {NEVER_ASK[key]}."


def promise_for(kind: str | None) -> Promise:
    """The union of what the active channels of ``kind`` promise never to ask, and always
    the defaults: if the registry says nothing (or cannot say: no such kind), the
    defaults still hold. Several email addresses share one promise because a reply may
    leave by any of them."""
    keys = set(DEFAULT_NEVER_ASKS)
    if kind in KINDS:
        for declared in OfficialChannel.objects.filter(kind=kind, active=True).values_list(
                "never_asks", flat=True):
            keys |= {k for k in declared or () if k in NEVER_ASK}
        return Promise(kind, KINDS[kind], frozenset(keys))
    return Promise("", "", frozenset(keys))
