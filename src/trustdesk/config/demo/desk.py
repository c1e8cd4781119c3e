"""The demo's working tools: service levels and business hours, a few macros and saved
views, and tags on tickets by their team, through the same services as real use."""

from __future__ import annotations

import random

from trustdesk.accounts.actors import actor_for_cli
from trustdesk.core.actor import Actor
from trustdesk.tickets import macros, saved_views, sla, sla_settings, tagging
from trustdesk.tickets.models import Direction, Message, Status, Ticket

POLICIES = (
    # name, priority, first response, resolution (minutes), business hours, position
    ("Urgent", "urgent", 60, 8 * 60, False, 10),
    ("High", "high", 4 * 60, 2 * 8 * 60, True, 20),
    ("Standard", "", 8 * 60, 5 * 8 * 60, True, 50),
)
WEEKDAYS = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
TAGS = {"Billing": ("refund", "invoice", "double-charge"),
        "Technical": ("sync", "bug", "android"),
        "Accounts": ("sign-in", "2fa", "profile")}
MACROS = (
    ("Thanks, solved", "Hello {{ customer.first_name }},\n\nThanks for your patience: this "
     "is sorted now. If anything else comes up, just reply to this message.\n\n"
     "{{ agent.first_name }}", "solved"),
    ("Need more detail", "Hello {{ customer.first_name }},\n\nCould you tell us the steps "
     "that led to this, and what you expected to happen? A screenshot helps too.\n\n"
     "{{ agent.first_name }}", "pending"),
)


def setup(system: Actor, teams: dict, admin, supervisor) -> None:
    boss = actor_for_cli(admin, command="demo")
    for name, priority, first, solve, business, position in POLICIES:
        sla_settings.policy_save(actor=boss, name=name, priority=priority,
                                 first_response_minutes=first, resolution_minutes=solve,
                                 business_hours=business, position=position)
    for team in teams.values():
        sla_settings.hours_set(actor=boss, team_id=team.pk, timezone="Europe/London",
                               schedule=WEEKDAYS, holidays=["2026-12-25", "2026-12-26"])
    lead = actor_for_cli(supervisor, command="demo")
    for name, body, status in MACROS:
        macros.macro_save(actor=lead, name=name, body=body, status=status, shared=True)
    saved_views.view_create(actor=lead, name="Urgent, unassigned", shared=True,
                            filters={"priority": "urgent", "assignee": "none"})
    saved_views.view_create(actor=lead, name="Due first", shared=True,
                            filters={"order": "due"})


def tag(system: Actor, ticket: Ticket, team_name: str, rng: random.Random) -> None:
    if rng.random() < 0.5:
        names = rng.sample(TAGS[team_name], k=rng.randint(1, 2))
        tagging.ticket_tags_change(actor=system, ticket_id=ticket.pk, add=names)


def restart_clocks(ticket_id: int) -> None:
    """After back-dating: the targets from the ticket's new creation time, the first
    reply as it now stands, and a pending ticket paused since its last message."""
    ticket = Ticket.objects.get(pk=ticket_id)
    ticket.first_responded_at = Message.objects.filter(
        ticket=ticket, direction=Direction.OUTBOUND).order_by("created_at").values_list(
        "created_at", flat=True).first()
    ticket.paused_at = ticket.last_message_at if ticket.status == Status.PENDING else None
    sla.apply_policy(ticket)
    ticket.save(update_fields=["sla_policy", "first_response_due_at", "first_responded_at",
                               "resolution_due_at", "paused_at", "next_due_at"])


def organisations(system: Actor, people) -> None:
    """The demo's companies as organisations, their people in them (a demo domain each,
    under the reserved .test domain: no real sender ever matches)."""
    from trustdesk.customers import organisations as orgs

    by_company: dict[str, list] = {}
    for person in people:
        if company := person.profile.get("company"):
            by_company.setdefault(company, []).append(person)
    for company, members in sorted(by_company.items()):
        label = "".join(c for c in company.lower() if c.isalnum())[:40] or "company"
        org = orgs.organisation_save(actor=system, name=company,
                                     domains=[f"{label}.demo.test"])
        for person in members:
            orgs.customer_set_organisation(actor=system, customer_id=person.id,
                                           organisation_id=org.pk)
