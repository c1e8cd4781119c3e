"""Incident use cases (docs/incidents.md): open one (its playbook's steps and its
notification clocks with it), change its state, severity, risk and links, tick off a
plain playbook step, write the post-incident report.

Each is permission-checked and audited in its own transaction; the events name the
incident, its type and what changed, never customer data (affected customers are ids)."""

from __future__ import annotations

from django.db import transaction

from trustdesk.access import policy
from trustdesk.access.models import Alert
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.customers.models import Customer
from trustdesk.grc import clocks, validation
from trustdesk.grc.models import Incident, NoticeClock, Step
from trustdesk.grc.playbooks import playbooks
from trustdesk.tickets.models import Ticket

ORDER = [s for s, _ in Incident.Status.choices]  # open → contained → resolved → closed
REPORT_FIELDS = ("cause", "consequences", "impact", "actions_taken", "actions_planned")


def locked(incident_id, *, open_only: bool = True) -> Incident:
    try:
        pk = int(incident_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    row = (Incident.objects.select_for_update().filter(pk=pk).first()
           if 0 < pk < 2**63 else None)
    if row is None:
        raise NotFound()
    if open_only and row.status == Incident.Status.CLOSED:
        raise Conflict("This incident is closed.")
    return row


def audit(actor: Actor, action: str, row: Incident, **context) -> None:
    record(actor=actor, action=action, object_type="incident", object_id=row.pk,
           context={"kind": row.kind, **context})


def _check_links(alert_ids, ticket_ids, customer_ids) -> None:
    if alert_ids and Alert.objects.filter(pk__in=alert_ids).count() != len(alert_ids):
        raise ValidationError("No such alert.", field="alert_ids")
    if ticket_ids and Ticket.objects.filter(pk__in=ticket_ids).count() != len(ticket_ids):
        raise ValidationError("No such ticket.", field="ticket_ids")
    if customer_ids and Customer.objects.filter(
            pk__in=customer_ids).count() != len(customer_ids):
        raise ValidationError("No such customer.", field="customer_ids")


def _sync_clocks(row: Incident) -> list[str]:
    """Start the clocks this incident now needs (a breach judged high-risk later gains
    the people's clock, from the same awareness). A clock once started stays: its
    deadline was real from the moment it applied."""
    have = set(row.clocks.values_list("kind", flat=True))
    added = []
    for kind, period in clocks.periods(kind=row.kind, categories=row.categories,
                                       high_risk=row.high_risk).items():
        if kind not in have:
            NoticeClock.objects.create(incident=row, kind=kind, due_at=row.aware_at + period)
            added.append(kind)
    return added


@transaction.atomic
def incident_open(*, actor: Actor, kind: str, severity: str, title: str, owner_id,
                  aware_at, high_risk: bool = False, categories=(), alert_ids=(),
                  ticket_ids=(), customer_ids=()) -> Incident:
    policy.require(actor, "incident.manage")
    kind = validation.choice(kind, validation.KINDS, "kind", "incident type")
    severity = validation.choice(severity, validation.SEVERITIES, "severity", "severity")
    owner = _owner(owner_id)
    alerts, tickets = validation.ids(alert_ids, "alert_ids"), validation.ids(ticket_ids,
                                                                              "ticket_ids")
    customers = validation.uuids(customer_ids)
    _check_links(alerts, tickets, customers)
    row = Incident.objects.create(
        kind=kind, severity=severity, title=validation.title(title), owner=owner,
        aware_at=validation.aware_at(aware_at), opened_at=clock.now(), opened_by=actor.label,
        high_risk=bool(high_risk), categories=validation.categories(categories),
        alert_ids=alerts, ticket_ids=tickets, customer_ids=customers)
    book = playbooks().get(kind)
    for n, step in enumerate(book.steps if book else (), start=1):
        Step.objects.create(incident=row, position=n, title=step.title,
                            owner_role=step.owner, action=step.action)
    started = _sync_clocks(row)
    audit(actor, "incident.open", row, severity=severity, owner=owner.pk,
          aware_at=row.aware_at.isoformat(), high_risk=row.high_risk,
          categories=row.categories, alerts=alerts, tickets=tickets,
          customers=len(customers), steps=row.steps.count(), clocks=started)
    return row


def _owner(owner_id):
    owner = validation.owner(owner_id)
    if not policy.has_permission(_as_actor(owner), "incident.view"):
        raise ValidationError("The owner must be a member of staff who may see incidents.",
                              field="owner_id")
    return owner


def _as_actor(user) -> Actor:
    from trustdesk.accounts.actors import actor_for_user

    return actor_for_user(user)


@transaction.atomic
def incident_update(*, actor: Actor, incident_id, status: str | None = None,
                    severity: str | None = None, high_risk: bool | None = None,
                    categories=None, owner_id=None) -> Incident:
    """Move the state forward (never back: a closed incident is reopened as a new one),
    change severity, risk, categories or owner; the clocks follow."""
    policy.require(actor, "incident.manage")
    row = locked(incident_id)
    changed = []
    if status is not None and status != row.status:
        status = validation.choice(status, Incident.Status.choices, "status", "status")
        if ORDER.index(status) < ORDER.index(row.status):
            raise Conflict(f"An incident moves forward only: it is {row.status}.",
                           field="status")
        row.status = status
        row.closed_at = clock.now() if status == Incident.Status.CLOSED else None
        changed.append("status")
    if severity is not None and severity != row.severity:
        row.severity = validation.choice(severity, validation.SEVERITIES, "severity",
                                         "severity")
        changed.append("severity")
    if high_risk is not None and bool(high_risk) != row.high_risk:
        row.high_risk = bool(high_risk)
        changed.append("high_risk")
    if categories is not None:
        found = validation.categories(categories)
        if found != row.categories:
            row.categories = found
            changed.append("categories")
    if owner_id is not None and str(owner_id) != str(row.owner_id):
        row.owner = _owner(owner_id)
        changed.append("owner")
    row.save()
    started = _sync_clocks(row)
    audit(actor, "incident.update", row, changed=changed, status=row.status,
          severity=row.severity, high_risk=row.high_risk, clocks=started)
    return row


@transaction.atomic
def incident_link(*, actor: Actor, incident_id, alert_ids=(), ticket_ids=(),
                  customer_ids=()) -> Incident:
    """Add alerts, tickets and affected customers (ids, counted in the audit)."""
    policy.require(actor, "incident.manage")
    row = locked(incident_id)
    alerts, tickets = validation.ids(alert_ids, "alert_ids"), validation.ids(ticket_ids,
                                                                              "ticket_ids")
    customers = validation.uuids(customer_ids)
    _check_links(alerts, tickets, customers)
    new = {"alerts": sorted(set(alerts) - set(row.alert_ids)),
           "tickets": sorted(set(tickets) - set(row.ticket_ids)),
           "customers": sorted(set(customers) - set(row.customer_ids))}
    row.alert_ids = sorted({*row.alert_ids, *alerts})
    row.ticket_ids = sorted({*row.ticket_ids, *tickets})
    row.customer_ids = sorted({*row.customer_ids, *customers})
    row.save(update_fields=["alert_ids", "ticket_ids", "customer_ids"])
    audit(actor, "incident.link", row, alerts=new["alerts"], tickets=new["tickets"],
          customers=len(new["customers"]))
    return row


def step_locked(row: Incident, step_id) -> Step:
    try:
        pk = int(step_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    step = Step.objects.select_for_update().filter(incident=row, pk=pk).first() \
        if 0 < pk < 2**63 else None
    if step is None:
        raise NotFound()
    if step.done_at is not None:
        raise Conflict(f"This step was done on {step.done_at:%Y-%m-%d %H:%M} UTC by "
                       f"{step.done_by}.")
    return step


@transaction.atomic
def step_done(*, actor: Actor, incident_id, step_id) -> Step:
    """Tick off a checklist line. An acting step is done by acting (``actions``)."""
    policy.require(actor, "incident.manage")
    row = locked(incident_id)
    step = step_locked(row, step_id)
    if step.action:
        raise Conflict("This step acts: carry it out on the people it names.")
    step.done_at, step.done_by = clock.now(), actor.label
    step.save(update_fields=["done_at", "done_by"])
    audit(actor, "incident.step", row, step=step.pk, position=step.position)
    return step


@transaction.atomic
def report_save(*, actor: Actor, incident_id, **fields) -> Incident:
    """The post-incident report: its owner or a security officer writes it."""
    policy.require(actor, "incident.view")
    row = locked(incident_id, open_only=False)
    if row.owner_id != actor.user_id and not policy.has_permission(actor, "incident.manage"):
        raise PermissionDenied(permission="incident.manage")
    changed = []
    for name in REPORT_FIELDS:
        if fields.get(name) is not None:
            value = validation.text(fields[name], name)
            if value != getattr(row, name):
                setattr(row, name, value)
                changed.append(name)
    row.save(update_fields=REPORT_FIELDS)
    audit(actor, "incident.report", row, changed=changed)
    return row
