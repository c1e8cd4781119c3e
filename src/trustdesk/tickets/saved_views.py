"""Saved views: a queue's filters kept under a name, personal or shared.

A view is only filters: applied, it runs the reader's own queue (``ticket_list`` with
their visibility), so a shared view grants nothing. Its name and its search words are
stored and listed in clear, so they may not hold personal data (the tag rule). Sharing
one with the whole desk, or deleting someone else's shared view, takes ``ticket.assign``
(supervisors and senior agents).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.tickets import clear_labels, tagging
from trustdesk.tickets.models import Channel, Priority, SavedView, Status
from trustdesk.tickets.selectors import ORDERINGS, TicketFilters

MAX_PER_PERSON = 50
FILTER_KEYS = ("status", "priority", "channel", "assignee", "team_id", "tag", "q", "order")


def clean_filters(filters: dict) -> dict:
    """The filters as stored: known keys only, each checked; empty values dropped."""
    if not isinstance(filters, dict):
        raise ValidationError("filters must be an object.", field="filters")
    unknown = sorted(set(filters) - set(FILTER_KEYS))
    if unknown:
        raise ValidationError(f"Unknown filter: {', '.join(unknown)}.", field="filters")
    out: dict[str, object] = {}
    for key in FILTER_KEYS:
        value = filters.get(key)
        if value in (None, ""):
            continue
        if key == "team_id":
            if isinstance(value, bool) or not str(value).isdigit() or int(value) >= 2**62:
                raise ValidationError("team_id must be a team's id.", field="filters")
            out[key] = int(value)
            continue
        value = str(value)
        allowed = {"status": ["active", "all", *Status.values], "priority": Priority.values,
                   "channel": Channel.values, "order": list(ORDERINGS)}.get(key)
        if allowed is not None and value not in allowed:
            raise ValidationError(f"{key} must be one of {', '.join(allowed)}.",
                                  field="filters")
        if key == "assignee" and value not in ("me", "none") and not (
                value.isascii() and value.isdigit() and len(value) < 19):
            raise ValidationError("assignee must be 'me', 'none' or an agent id.",
                                  field="filters")
        if key == "tag":
            value = tagging.normalise(value)
        if key == "q":
            value = " ".join(value.replace("\x00", "").split())[:200]
        out[key] = value
    return out


def as_filters(view: SavedView) -> TicketFilters:
    """The view's filters for ``ticket_list``, checked again (a view outlives a rule).
    Status "all" is every status; no status at all is the queue's default (active)."""
    filters = clean_filters(view.filters)
    filters.setdefault("status", "active")
    if filters["status"] == "all":
        filters["status"] = None
    return TicketFilters(**filters)


def _clean_name(name: str) -> str:
    name = " ".join(str(name or "").replace("\x00", "").split())
    if not name:
        raise ValidationError("A view needs a name.", field="name")
    if len(name) > 60:
        raise ValidationError("A view's name is at most 60 characters.", field="name")
    return name


def view_create(*, actor: Actor, name: str, filters: dict, shared: bool = False
                ) -> SavedView:
    """Save a view. Its name, words and tag are stored in clear: checked for personal
    data (``clear_labels.check``, counted and audited) before the write transaction."""
    policy.require(actor, "ticket.view")
    if actor.user_id is None:
        raise PermissionDenied("A saved view belongs to a person.")
    if shared:
        policy.require(actor, "ticket.assign")
    name, filters = _clean_name(name), clean_filters(filters)
    clear_labels.check(actor, [name], what="A view's name is listed in clear",
                       field="name", numbers=False)
    clear_labels.check(actor, [filters.get("q", ""), filters.get("tag", "")],
                       what="A saved view's filters are stored in clear", field="filters",
                       numbers=False)
    return _create(actor, name, filters, shared)


@transaction.atomic
def _create(actor: Actor, name: str, filters: dict, shared: bool) -> SavedView:
    if SavedView.objects.filter(owner_id=actor.user_id).count() >= MAX_PER_PERSON:
        raise ValidationError(f"At most {MAX_PER_PERSON} saved views each.", field="name")
    try:
        with transaction.atomic():
            view = SavedView.objects.create(name=name, owner_id=actor.user_id,
                                            shared=bool(shared), filters=filters)
    except IntegrityError:
        raise Conflict(f"You already have a view named “{name}”.") from None
    record(actor=actor, action="view.create", object_type="saved_view", object_id=view.pk,
           context={"shared": view.shared, "filters": sorted(filters)})
    return view


@transaction.atomic
def view_delete(*, actor: Actor, view_id: int) -> None:
    view = visible_views(actor).select_for_update().filter(pk=view_id).first()
    if view is None:
        raise NotFound()
    if view.owner_id != actor.user_id and not policy.has_permission(actor, "ticket.assign"):
        raise PermissionDenied("Only its owner or a supervisor removes a shared view.")
    record(actor=actor, action="view.delete", object_type="saved_view", object_id=view.pk,
           context={"shared": view.shared, "owner": view.owner_id})
    view.delete()


def visible_views(actor: Actor) -> QuerySet[SavedView]:
    """The actor's own views and the shared ones."""
    policy.require(actor, "ticket.view")
    return SavedView.objects.filter(Q(owner_id=actor.user_id) | Q(shared=True)) \
        .select_related("owner")


def view_list(*, actor: Actor) -> list[SavedView]:
    return list(visible_views(actor).order_by("-shared", "name", "id")[:200])


def view_get(*, actor: Actor, view_id: int) -> SavedView:
    view = visible_views(actor).filter(pk=view_id).first()
    if view is None:
        raise NotFound()
    return view
