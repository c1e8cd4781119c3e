"""The official channels, as the apps that hold them report them to the record.

The channel registry and the mail gateway's support addresses live in layers above this
one (``.importlinter``), so they register a source here at startup (their ``apps.py``)
instead of the record importing them. A source of lower ``rank`` wins where two report the
same channel: the registry (rank 0) says more about an address than the gateway (rank 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChannelEntry:
    kind: str  # a registry kind: email, phone, chat, portal, social, web
    value: str
    label: str = ""
    may_ask: tuple[str, ...] = ()
    never_asks: tuple[str, ...] = ()  # keys of channels.vocabulary.NEVER_ASK
    # Email sent from it carries a DKIM signature: True or False for a support address
    # of the gateway, None where the question does not arise.
    dkim_signed: bool | None = None


Source = Callable[[], Iterable[ChannelEntry]]
_sources: list[tuple[int, str, Source]] = []


def register(name: str, source: Source, *, rank: int) -> None:
    """Add (or, under the same name, replace) a source; idempotent across reloads."""
    _sources[:] = [s for s in _sources if s[1] != name]
    _sources.append((rank, name, source))
    _sources.sort(key=lambda s: (s[0], s[1]))


def channels() -> list[ChannelEntry]:
    found: dict[tuple[str, str], ChannelEntry] = {}
    for _rank, _name, source in _sources:
        for entry in source():
            found.setdefault((entry.kind, entry.value), entry)
    return list(found.values())
