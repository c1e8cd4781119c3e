"""The gateway's active support addresses, as the record of processing activities lists
them (``privacy/processing_sources.py``): customers get every reply from one, so each is
an official email channel; whether replies from it are DKIM-signed is a measure the
record reports. Registered in ``apps.py``."""

from __future__ import annotations

from trustdesk.mailgateway.models import Route
from trustdesk.privacy.processing_sources import ChannelEntry, register


def _addresses() -> list[ChannelEntry]:
    # Public by nature (the From of every reply), so read without an actor, as
    # ``routes.published_addresses`` is.
    return [ChannelEntry(kind="email", value=address, label=name,
                         dkim_signed=bool(selector and public))
            for address, name, selector, public in Route.objects.filter(active=True)
            .order_by("address").values_list("address", "name", "dkim_selector",
                                             "dkim_public")]


def connect() -> None:
    register("mailgateway", _addresses, rank=1)
