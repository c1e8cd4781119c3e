"""Changes to the official-channel registry: admins with ``channel.manage``, each change
audited in its transaction (``channel.create`` / ``channel.update`` / ``channel.delete``,
with the public values: nothing here is secret or personal)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.channels import validation as v
from trustdesk.channels.models import OfficialChannel
from trustdesk.channels.selectors import get_for_change
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict

UNSET = object()  # "leave as it is"
_DUPLICATE = "This channel is already in the registry."


def _audit(actor: Actor, action: str, channel: OfficialChannel, changed=()) -> None:
    record(actor=actor, action=action, object_type="channel", object_id=channel.pk,
           context={"kind": channel.kind, "value": channel.value,
                    "active": channel.active, "changed": sorted(changed)})


def channel_create(*, actor: Actor, kind: str, value: str, label: str = "",
                   may_ask=(), never_asks=(), active: bool = True) -> OfficialChannel:
    policy.require(actor, "channel.manage")
    kind = v.clean_kind(kind)
    channel = OfficialChannel(kind=kind, value=v.clean_value(kind, value),
                              label=v.clean_label(label), may_ask=v.clean_may_ask(may_ask),
                              never_asks=v.clean_never_asks(never_asks), active=bool(active))
    try:
        with transaction.atomic():
            channel.save()
            _audit(actor, "channel.create", channel)
    except IntegrityError:
        raise Conflict(_DUPLICATE, field="value") from None
    return channel


def channel_update(*, actor: Actor, channel_id, value=UNSET, label=UNSET, may_ask=UNSET,
                   never_asks=UNSET, active=UNSET) -> OfficialChannel:
    """Change what is given; the kind stays (a phone number does not become a URL)."""
    policy.require(actor, "channel.manage")
    try:
        with transaction.atomic():
            channel = get_for_change(channel_id)
            cleaned = {}
            if value is not UNSET:
                cleaned["value"] = v.clean_value(channel.kind, value)
            if label is not UNSET:
                cleaned["label"] = v.clean_label(label)
            if may_ask is not UNSET:
                cleaned["may_ask"] = v.clean_may_ask(may_ask)
            if never_asks is not UNSET:
                cleaned["never_asks"] = v.clean_never_asks(never_asks)
            if active is not UNSET:
                cleaned["active"] = bool(active)
            changed = [k for k, new in cleaned.items() if getattr(channel, k) != new]
            for k, new in cleaned.items():
                setattr(channel, k, new)
            channel.save()
            _audit(actor, "channel.update", channel, changed)
    except IntegrityError:
        raise Conflict(_DUPLICATE, field="value") from None
    return channel


def channel_delete(*, actor: Actor, channel_id) -> None:
    policy.require(actor, "channel.manage")
    with transaction.atomic():
        channel = get_for_change(channel_id)
        _audit(actor, "channel.delete", channel)
        channel.delete()
