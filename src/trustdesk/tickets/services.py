"""Use cases that change tickets and their conversations."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from trustdesk.access import policy
from trustdesk.accounts.actors import actor_for_user
from trustdesk.accounts.models import Team, User
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied, ValidationError
from trustdesk.customers.models import Customer
from trustdesk.search import services as search
from trustdesk.tickets import (
    contacts,
    csat,
    hooks,
    intake,
    notifications,
    presence,
    reply_guard,
    sla,
    withhold,
)
from trustdesk.tickets.attachments import NewAttachment, check_attachments, store_attachments
from trustdesk.tickets.errors import ReplyNeedsConfirmation, TicketClosed
from trustdesk.tickets.models import Channel, Direction, Message, Priority, Status, Ticket
from trustdesk.tickets.sealing import seal_body
from trustdesk.tickets.selectors import visible_tickets

UNSET = object()  # "leave as it is", distinct from None ("clear it")


def _choice(value: str, choices: type, field: str) -> str:
    if value not in choices.values:
        raise ValidationError(
            f"{field} must be one of {', '.join(choices.values)}.", field=field
        )
    return value


def _clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError("The message is empty.", field="body")
    if len(body) > settings.MESSAGE_MAX_CHARS:
        raise ValidationError(
            f"The message is longer than {settings.MESSAGE_MAX_CHARS} characters.", field="body"
        )
    return body


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").replace("\x00", "").split())
    if not subject:
        raise ValidationError("A ticket needs a subject.", field="subject")
    if len(subject) > 200:
        raise ValidationError("The subject is longer than 200 characters.", field="subject")
    return subject


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationError("Unknown team.", field="team_id")
    return team


def _assignee(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not policy.has_permission(actor_for_user(user), "ticket.reply"):
        raise ValidationError("Tickets can be assigned only to active agents.",
                              field="assignee_id")
    return user


def locked_ticket(actor: Actor, ticket_id: int) -> Ticket:
    """The ticket, locked for this transaction, if the actor may see it (else NotFound:
    a ticket out of reach is not confirmed to exist)."""
    ticket = visible_tickets(actor).select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    return ticket


def _add_message(
    ticket: Ticket, *, actor: Actor, direction: str, channel: str, body: str,
    attachments: Sequence[NewAttachment],
) -> Message:
    check_attachments(attachments)
    message = Message(
        ticket=ticket, direction=direction, channel=channel,
        author_id=actor.user_id if direction != Direction.INBOUND else None,
    )
    # Scanned before anything is stored: the clear values never reach the database.
    # Replies and notes too: what an agent types is redacted like what a customer sends.
    # Files too, whoever attaches them: an agent's file holds the customer's data as
    # much as the customer's own, and one that cannot be scanned is quarantined.
    redacted = intake.redact_body(ticket.customer_id, body)
    body, counts = redacted.text, redacted.counts
    attachments, in_files = intake.redact_attachments(ticket.customer_id, attachments)
    counts += in_files
    message.redactions = dict(sorted(counts.items()))
    seal_body(ticket.customer_id, message, body)
    message.save()
    # Found by its words, never by what intake withheld: the fragments (a masked value
    # and its token) are left out of the index.
    search.index_message(customer_id=ticket.customer_id, ticket_id=ticket.pk,
                         message_id=message.pk, text=withhold.FRAGMENT.sub(" ", body))
    store_attachments(ticket.customer_id, message, attachments)
    if direction != Direction.NOTE:
        ticket.last_message_at = message.created_at
    if message.redactions:
        record(actor=actor, action="pii.redact", object_type="message",
               object_id=message.pk, fields=message.redactions.keys(),
               context={"ticket": ticket.pk, "customer": str(ticket.customer_id),
                        "entities": message.redactions})
    return message


@intake.scans_attachments_first("ticket.create")  # files are read outside the transaction
@transaction.atomic
def ticket_create(
    *, actor: Actor, customer_id: uuid.UUID, subject: str, body: str,
    channel: str = Channel.WEB, priority: str = Priority.NORMAL, team_id: int | None = None,
    attachments: Sequence[NewAttachment] = (), reason: str | None = None,
    assignee_id: int | None = None,
) -> Ticket:
    """Open a ticket with the customer's first message: delivered by a channel (the
    system actor), or taken down by a person on the customer's behalf, which is a
    declared contact and needs ``reason`` (``tickets.contacts``). ``team_id``: one of the
    person's own teams (any, with ``ticket.view_all``); ``assignee_id``: themself, or
    anyone who can take tickets with ``ticket.assign``, as for ``ticket_update``."""
    policy.require(actor, "ticket.create")
    reason = contacts.contact_reason(actor, reason)
    customer = Customer.objects.filter(pk=customer_id, status=Customer.Status.ACTIVE).first()
    if customer is None or not policy.has_permission(actor, "customer.view"):
        raise ValidationError("Unknown customer.", field="customer_id")
    if (team_id is not None and team_id not in actor.team_ids
            and not policy.has_permission(actor, "ticket.view_all")):
        # Filing into another team's queue would hide the new ticket from its creator.
        raise PermissionDenied("You can open tickets only in your own teams' queues.")
    subject = _clean_subject(subject)
    # The subject is stored in clear (it is listed and searched): cards are masked there.
    redacted_subject = intake.redact_subject(customer.pk, subject)
    ticket = Ticket(
        subject=redacted_subject.text, channel=_choice(channel, Channel, "channel"),
        priority=_choice(priority, Priority, "priority"), customer=customer,
        team=_team(team_id), last_message_at=clock.now(),
        customer_wrote=not contacts.is_declared(actor),
        routed_by_user_id=actor.user_id if team_id is not None else None,
    )
    if assignee_id is not None:
        if assignee_id != actor.user_id and not policy.has_permission(actor, "ticket.assign"):
            raise PermissionDenied("Only supervisors can assign tickets to others.")
        ticket.assignee = _assignee(assignee_id)
        ticket.assigned_by_user_id = actor.user_id  # as ticket_update: need-to-know's ground
    ticket.save()
    _index_subject(ticket)
    if redacted_subject.counts:
        record(actor=actor, action="pii.redact", object_type="ticket", object_id=ticket.pk,
               fields=redacted_subject.counts.keys(),
               context={"field": "subject", "customer": str(customer.pk),
                        "entities": dict(redacted_subject.counts)})
    message = _add_message(ticket, actor=actor, direction=Direction.INBOUND,
                           channel=ticket.channel, body=_clean_body(body),
                           attachments=attachments)
    sla.apply_policy(ticket)
    ticket.save()
    if reason is not None:
        contacts.declare(actor=actor, ticket=ticket, reason=reason, message_id=message.pk)
    notifications.on_assigned(ticket, by=actor)
    record(actor=actor, action="ticket.create", object_type="ticket", object_id=ticket.pk,
           context={"customer": str(customer.pk), "attachments": len(attachments),
                    "team_id": ticket.team_id, "assignee_id": ticket.assignee_id})
    return ticket


def ticket_reply(
    *, actor: Actor, ticket_id: int, body: str, internal: bool = False,
    status: str | None = None, attachments: Sequence[NewAttachment] = (),
    acknowledged: Sequence[str] | None = None, seen_up_to: int | None = None,
    seen_count: int | None = None,
) -> Message:
    """Answer the customer (or, with ``internal``, leave a note for colleagues).

    A reply moves a new or open ticket to pending unless ``status`` says otherwise.
    Replies (not notes) pass the reply guard first, before anything is stored: raises
    ``ReplyBlocked`` when it blocks. With ``acknowledged`` (the warnings the agent has
    seen), a warning not among them raises ``ReplyNeedsConfirmation`` and nothing is
    sent; without it (None) warnings let the reply go. Either way the warnings are on
    the returned message as ``guard_warnings``.

    ``seen_up_to``: the last message id the sender's page showed (``seen_count``: how
    many). A reply by a colleague (or the customer writing again, or messages merged in)
    since is a warning of the same kind: the second reply is confirmed, never sent
    unawares (``tickets.presence``).
    """
    policy.require(actor, "ticket.reply")
    verdict = None
    if not internal:
        ticket = visible_tickets(actor).filter(pk=ticket_id).first()
        if ticket is None:
            raise NotFound()
        verdict = reply_guard.inspect(ticket, _clean_body(body), actor=actor)
        if verdict.blocked:
            reply_guard.refuse(actor, ticket, verdict)  # raises ReplyBlocked
        if seen_up_to is not None:
            verdict = dataclasses.replace(verdict, warnings=[
                *verdict.warnings, *presence.replies_since(
                    ticket_id=ticket.pk, seen_up_to=seen_up_to, user_id=actor.user_id,
                    seen_count=seen_count)])
        if acknowledged is not None and not set(verdict.warnings) <= set(acknowledged):
            raise ReplyNeedsConfirmation(verdict.warnings)
    # Files are read (a PDF can take seconds) before the write transaction, as on intake.
    attachments = intake.prepare_attachments(attachments)
    return _ticket_reply(actor=actor, ticket_id=ticket_id, body=body, internal=internal,
                         status=status, attachments=attachments, verdict=verdict)


@transaction.atomic
def _ticket_reply(*, actor, ticket_id, body, internal, status, attachments, verdict
                  ) -> Message:
    ticket = locked_ticket(actor, ticket_id)
    if ticket.status == Status.CLOSED:
        raise TicketClosed()
    direction = Direction.NOTE if internal else Direction.OUTBOUND
    message = _add_message(ticket, actor=actor, direction=direction, channel=ticket.channel,
                           body=_clean_body(body), attachments=attachments)
    if status is not None:
        set_status(ticket, _choice(status, Status, "status"))
    elif not internal and ticket.status in (Status.NEW, Status.OPEN):
        set_status(ticket, Status.PENDING)
    if not internal:
        sla.responded(ticket, message.created_at)
    if ticket.assignee_id is None and not internal:
        # Answering takes the ticket: the actor assigned themself, which grants nothing.
        ticket.assignee_id = actor.user_id
        ticket.assigned_by_user_id = actor.user_id
    ticket.save()
    context = {"message": message.pk, "attachments": len(attachments),
               "customer": str(ticket.customer_id)}
    message.guard_warnings = verdict.warnings if verdict else []
    if message.guard_warnings:
        context["reply_guard"] = {**verdict.context, "mode": "warn"}
    record(actor=actor, action="ticket.note" if internal else "ticket.reply",
           object_type="ticket", object_id=ticket.pk, context=context)
    if not internal:
        for hook in hooks.on_reply:
            hook(message, actor=actor)
    return message


@intake.scans_attachments_first("ticket.create")  # files are read outside the transaction
@transaction.atomic
def ticket_add_inbound(
    *, actor: Actor, ticket_id: int, body: str, attachments: Sequence[NewAttachment] = (),
    reason: str | None = None,
) -> Message:
    """Record a further message from the customer; a solved or pending ticket reopens.
    Taken down by a person, it is a declared contact and needs ``reason``."""
    policy.require(actor, "ticket.create")
    reason = contacts.contact_reason(actor, reason)
    ticket = locked_ticket(actor, ticket_id)
    if ticket.status == Status.CLOSED:
        raise TicketClosed()
    message = _add_message(ticket, actor=actor, direction=Direction.INBOUND,
                           channel=ticket.channel, body=_clean_body(body),
                           attachments=attachments)
    if ticket.status in (Status.PENDING, Status.SOLVED):
        set_status(ticket, Status.OPEN)
    if reason is None:
        ticket.customer_wrote = True
    ticket.save()
    notifications.on_customer_wrote(ticket, by=actor)
    if reason is not None:
        contacts.declare(actor=actor, ticket=ticket, reason=reason, message_id=message.pk)
    record(actor=actor, action="ticket.inbound", object_type="ticket", object_id=ticket.pk,
           context={"message": message.pk, "attachments": len(attachments),
                    "customer": str(ticket.customer_id)})
    return message


def _index_subject(ticket: Ticket) -> None:
    search.index_subject(customer_id=ticket.customer_id, ticket_id=ticket.pk,
                         text=withhold.FRAGMENT.sub(" ", ticket.subject))


def set_status(ticket: Ticket, status: str) -> None:
    before, ticket.status = ticket.status, status
    ticket.solved_at = clock.now() if status in (Status.SOLVED, Status.CLOSED) else None
    sla.status_changed(ticket, before)
    if status == Status.SOLVED and before != Status.SOLVED:
        csat.offer(ticket)


def _update_subject(actor: Actor, ticket: Ticket, subject: str, changed: dict) -> None:
    # Redacted like the first subject: an edit is no way round intake.
    redacted = intake.redact_subject(ticket.customer_id, _clean_subject(subject))
    if redacted.text == ticket.subject:
        return
    ticket.subject = redacted.text
    changed["subject"] = True
    _index_subject(ticket)
    if redacted.counts:
        record(actor=actor, action="pii.redact", object_type="ticket", object_id=ticket.pk,
               fields=redacted.counts.keys(),
               context={"field": "subject", "customer": str(ticket.customer_id),
                        "entities": dict(redacted.counts)})


@transaction.atomic
def ticket_update(
    *, actor: Actor, ticket_id: int, subject=UNSET, status=UNSET, priority=UNSET,
    team_id=UNSET, assignee_id=UNSET,
) -> Ticket:
    """Change a ticket's fields. Taking a ticket (assigning it to oneself) needs only
    ``ticket.update``; giving it to someone else or moving it to a team needs
    ``ticket.assign``. The returned ticket's ``changes`` names what changed."""
    policy.require(actor, "ticket.update")
    ticket = locked_ticket(actor, ticket_id)
    if ticket.status == Status.CLOSED:
        raise TicketClosed()
    # Fields given with their current value are not changes (a form sends them all).
    changed: dict[str, object] = {}
    if subject is not UNSET:
        _update_subject(actor, ticket, subject, changed)
    if status is not UNSET and status != ticket.status:
        set_status(ticket, _choice(status, Status, "status"))
        changed["status"] = ticket.status
    if priority is not UNSET and priority != ticket.priority:
        ticket.priority = _choice(priority, Priority, "priority")
        changed["priority"] = ticket.priority
    if assignee_id is not UNSET and assignee_id != ticket.assignee_id:
        # Taking an unowned ticket, or letting go of one's own, is part of the daily work.
        own = {actor.user_id, None}
        taking = assignee_id in own and ticket.assignee_id in own
        if not taking and not policy.has_permission(actor, "ticket.assign"):
            raise PermissionDenied("Only supervisors can assign tickets to others.")
        ticket.assignee = _assignee(assignee_id)
        ticket.assigned_by_user_id = actor.user_id  # grants need-to-know if not oneself
        changed["assignee_id"] = assignee_id
    if team_id is not UNSET and team_id != ticket.team_id:
        policy.require(actor, "ticket.assign")
        ticket.team = _team(team_id)
        ticket.routed_by_user_id = actor.user_id
        changed["team_id"] = team_id
    if "priority" in changed or "team_id" in changed:
        sla.apply_policy(ticket)  # the targets of the priority (and team hours) it has now
    if changed:
        ticket.save()
        if "assignee_id" in changed:
            notifications.on_assigned(ticket, by=actor)
        record(actor=actor, action="ticket.update", object_type="ticket",
               object_id=ticket.pk, fields=changed.keys(),
               context={**{k: v for k, v in changed.items() if k != "subject"},
                        "customer": str(ticket.customer_id)})
    ticket.changes = sorted(changed)
    return ticket


@transaction.atomic
def ticket_hold(*, actor: Actor, ticket_id: int, reason: str) -> Ticket:
    """Take a ticket out of every queue (reported as phishing), in the caller's
    transaction; the caller has checked the actor may see it and records why."""
    ticket = locked_ticket(actor, ticket_id)
    ticket.held_at, ticket.held_reason = clock.now(), reason[:40]
    ticket.save(update_fields=["held_at", "held_reason", "updated_at"])
    record(actor=actor, action="ticket.hold", object_type="ticket", object_id=ticket.pk,
           context={"reason": ticket.held_reason, "customer": str(ticket.customer_id)})
    return ticket


@transaction.atomic
def ticket_unhold(*, actor: Actor, ticket_id: int, close: bool = False) -> Ticket:
    """Put a held ticket back in its queue — or, with ``close``, close it where it is
    (confirmed phishing: it stays out of every queue). For the system actor of the
    suspended queue, whose caller checked the officer's permission."""
    if not actor.is_system:
        raise PermissionDenied("Held tickets are released from the suspended queue.")
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id,
                                                       held_at__isnull=False).first()
    if ticket is None:
        raise NotFound()
    if close:
        set_status(ticket, Status.CLOSED)
    else:
        ticket.held_at, ticket.held_reason = None, ""
    ticket.save()
    record(actor=actor, action="ticket.close_held" if close else "ticket.unhold",
           object_type="ticket", object_id=ticket.pk,
           context={"customer": str(ticket.customer_id)})
    return ticket
