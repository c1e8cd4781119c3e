"""The registry's published channels, as the record of processing activities lists them
(``privacy/processing_sources.py``); registered in ``apps.py``."""

from __future__ import annotations

from trustdesk.channels.selectors import published
from trustdesk.privacy.processing_sources import ChannelEntry, register


def _published() -> list[ChannelEntry]:
    return [ChannelEntry(kind=c.kind, value=c.value, label=c.label,
                         may_ask=tuple(c.may_ask), never_asks=tuple(c.never_asks))
            for c in published()]


def connect() -> None:
    register("channels", _published, rank=0)
