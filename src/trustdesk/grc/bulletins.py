"""Security bulletins (docs/incidents.md): a security officer's word to the team about an
incident or a near miss (``bulletin.publish``), which every member of staff reads and
acknowledges (``bulletin.read``). Each acknowledgement is a read receipt kept per
person, so the officer sees who has read it and who has not yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from trustdesk.access import grants, policy
from trustdesk.accounts.models import User
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, ValidationError
from trustdesk.grc import validation
from trustdesk.grc.models import Bulletin, BulletinRead, Incident


@dataclass(frozen=True)
class BulletinRow:
    id: int
    title: str
    body: str
    incident_id: int | None
    near_miss: bool
    published_at: dt.datetime
    published_by: str
    read_at: dt.datetime | None  # by the reader asking


@dataclass(frozen=True)
class Receipts:
    bulletin: BulletinRow
    read: tuple[tuple[str, dt.datetime], ...]   # (person, when)
    unread: tuple[str, ...]


def _row(b: Bulletin, read_at=None) -> BulletinRow:
    return BulletinRow(id=b.pk, title=b.title, body=b.body, incident_id=b.incident_id,
                       near_miss=b.near_miss, published_at=b.published_at,
                       published_by=b.published_by, read_at=read_at)


@transaction.atomic
def bulletin_publish(*, actor: Actor, title: str, body: str, incident_id=None,
                     near_miss: bool = False) -> BulletinRow:
    policy.require(actor, "bulletin.publish")
    body = validation.text(body, "body")
    if not body:
        raise ValidationError("Write what the team should know.", field="body")
    incident = None
    if incident_id not in (None, ""):
        try:
            incident = Incident.objects.filter(pk=int(incident_id)).first()
        except (TypeError, ValueError):
            incident = None
        if incident is None:
            raise ValidationError("No such incident.", field="incident_id")
    b = Bulletin.objects.create(title=validation.title(title), body=body, incident=incident,
                                near_miss=bool(near_miss), published_at=clock.now(),
                                published_by=actor.label)
    record(actor=actor, action="bulletin.publish", object_type="bulletin", object_id=b.pk,
           context={"incident": b.incident_id, "near_miss": b.near_miss})
    if incident is not None:  # on the incident's timeline too
        record(actor=actor, action="bulletin.publish", object_type="incident",
               object_id=incident.pk, context={"kind": incident.kind, "bulletin": b.pk})
    return _row(b)


def bulletin_list(*, actor: Actor) -> list[BulletinRow]:
    """Every bulletin, newest first, with whether the reader has acknowledged it."""
    policy.require(actor, "bulletin.read")
    mine = dict(BulletinRead.objects.filter(user_id=actor.user_id).values_list(
        "bulletin_id", "read_at")) if actor.user_id else {}
    return [_row(b, mine.get(b.pk)) for b in Bulletin.objects.all()[:200]]


def unread_count(actor: Actor) -> int:
    if not actor.user_id or not policy.has_permission(actor, "bulletin.read"):
        return 0
    return Bulletin.objects.exclude(reads__user_id=actor.user_id).count()


def _bulletin(bulletin_id) -> Bulletin:
    try:
        pk = int(bulletin_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    b = Bulletin.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if b is None:
        raise NotFound()
    return b


@transaction.atomic
def bulletin_acknowledge(*, actor: Actor, bulletin_id) -> BulletinRow:
    """The reader's receipt; a second acknowledgement keeps the first one's time."""
    policy.require(actor, "bulletin.read")
    b = _bulletin(bulletin_id)
    if not actor.user_id:
        raise ValidationError("Only a person acknowledges a bulletin.")
    existing = BulletinRead.objects.filter(bulletin=b, user_id=actor.user_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = BulletinRead.objects.create(bulletin=b, user_id=actor.user_id,
                                                       read_at=clock.now())
        except IntegrityError:  # the same person's second tab, at the same moment
            existing = BulletinRead.objects.get(bulletin=b, user_id=actor.user_id)
        record(actor=actor, action="bulletin.read", object_type="bulletin", object_id=b.pk)
    return _row(b, existing.read_at)


def bulletin_receipts(*, actor: Actor, bulletin_id) -> Receipts:
    """Who has read it (and when), and who, among active staff, has not yet."""
    policy.require(actor, "bulletin.publish")
    b = _bulletin(bulletin_id)
    read = [(r.user.full_name or r.user.email, r.read_at)
            for r in b.reads.select_related("user").order_by("read_at")]
    roles = [role for role, perms in grants.table().items() if "bulletin.read" in perms]
    unread = (User.objects.filter(is_active=True, role__in=roles)
              .exclude(pk__in=b.reads.values("user_id")).order_by("full_name", "email"))
    return Receipts(bulletin=_row(b), read=tuple(read),
                    unread=tuple(u.full_name or u.email for u in unread))
