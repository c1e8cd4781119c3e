"""Report phishing: an agent's one click on a ticket, and what follows.

The ticket is held out of every queue at once (``tickets.services.ticket_hold``), the
report is recorded and audited, and the sender's address (as a keyed digest) and domain
gain a report in their reputation, which the gateway weighs later mail with. A security
officer then confirms it (the ticket is closed where it is, out of sight) or releases it
(back in its queue, and the reputation gives the report back).

Officers also see how their teams report: of the messages the gateway warned about, how
many agents reported and how fast — the figure security-awareness training needs.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db import transaction

from trustdesk import vault
from trustdesk.access import policy
from trustdesk.accounts.models import Team
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, ValidationError
from trustdesk.customers.profiles import read_profile
from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.models import InboundMail, PhishingReport, Reputation
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import Direction, Ticket
from trustdesk.tickets.selectors import visible_tickets

SYSTEM = Actor.system("phishing report")
FLAGGED = ("suspicious", "phishing")


def address_key(address: str) -> str:
    return vault.blind_index("mail.reputation", (address or "").strip().lower())


def _sender(ticket: Ticket) -> tuple[str, str]:
    """The reported sender: the ticket's customer is who wrote in (intake made them
    from the sender), as a digest of their address and its organisational domain."""
    profile = read_profile(ticket.customer_id)
    address = (profile.profile.get("email", "") if profile is not None else "").lower()
    domain = domains.organisational(address.rpartition("@")[2]) or ""
    return (address_key(address) if address else ""), domain


def _bump(kind: str, key: str, by: int) -> None:
    if not key:
        return
    row, _ = Reputation.objects.select_for_update().get_or_create(kind=kind, key=key)
    row.reports = max(0, row.reports + by)
    if by > 0:
        row.last_reported_at = clock.now()
    row.save()


@transaction.atomic
def report_phishing(*, actor: Actor, ticket_id: int, reason: str = "") -> PhishingReport:
    """Report a ticket the actor can see as phishing; it leaves every queue at once."""
    policy.require(actor, "ticket.view")
    reason = " ".join((reason or "").split())[:300]
    ticket = visible_tickets(actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    message = ticket.messages.filter(direction=Direction.INBOUND).order_by("-id").first()
    mail = (InboundMail.objects.filter(message_id=message.pk).first()
            if message is not None else None)
    digest, domain = _sender(ticket)
    verdict = ((mail.checks or {}).get("phishing") or {}).get("verdict") if mail else None
    report = PhishingReport.objects.create(
        ticket_id=ticket.pk, message_id=message.pk if message else None, mail=mail,
        reporter_user_id=actor.user_id or 0, team_id=ticket.team_id, reason=reason,
        sender_digest=digest, sender_domain=domain, flagged=verdict in FLAGGED,
        delivered_at=message.created_at if message else None)
    _bump(Reputation.Kind.ADDRESS, digest, 1)
    _bump(Reputation.Kind.DOMAIN, domain, 1)
    tickets.ticket_hold(actor=actor, ticket_id=ticket.pk, reason="reported_phishing")
    record(actor=actor, action="mail.phishing.report", object_type="ticket",
           object_id=ticket.pk,
           context={"report": report.pk, "domain": domain, "flagged": report.flagged,
                    "customer": str(ticket.customer_id), "reason": reason})
    return report


def report_list(*, actor: Actor, state: str | None = PhishingReport.State.OPEN,
                limit: int = 100) -> list[PhishingReport]:
    policy.require(actor, "mail.view")
    if state is not None and state not in PhishingReport.State.values:
        raise ValidationError(f"state must be one of "
                              f"{', '.join(PhishingReport.State.values)}.", field="state")
    rows = PhishingReport.objects.all()
    if state is not None:
        rows = rows.filter(state=state)
    with transaction.atomic():
        found = list(rows[: max(1, min(limit, 500))])
        subjects = dict(Ticket.objects.filter(pk__in=[r.ticket_id for r in found])
                        .values_list("pk", "subject"))
        for report in found:
            # The subject as intake stored it (cards masked): what the queue shows.
            report.subject = subjects.get(report.ticket_id, "")
        record(actor=actor, action="mail.phishing.list", object_type="ticket",
               context={"state": state or "all", "count": len(found)})
    return found


def _open_report(report_id: int) -> PhishingReport:
    report = PhishingReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    if report.state != PhishingReport.State.OPEN:
        raise Conflict("This report has been decided already.")
    return report


@transaction.atomic
def report_decide(*, actor: Actor, report_id: int, phishing: bool) -> PhishingReport:
    """Confirm a report (the ticket is closed where it is, held out of every queue) or
    release it (the ticket is back in its queue; the sender's reputation gives the report
    back). Other open reports of the same ticket are decided with it."""
    policy.require(actor, "mail.release")
    report = _open_report(report_id)
    tickets.ticket_unhold(actor=SYSTEM, ticket_id=report.ticket_id, close=phishing)
    state = PhishingReport.State.CONFIRMED if phishing else PhishingReport.State.RELEASED
    same = PhishingReport.objects.filter(ticket_id=report.ticket_id,
                                         state=PhishingReport.State.OPEN)
    if not phishing:
        for other in same:
            _bump(Reputation.Kind.ADDRESS, other.sender_digest, -1)
            _bump(Reputation.Kind.DOMAIN, other.sender_domain, -1)
    same.update(state=state, decided_by_user_id=actor.user_id, decided_at=clock.now())
    record(actor=actor, action="mail.phishing.confirm" if phishing else
           "mail.phishing.release", object_type="ticket", object_id=report.ticket_id,
           context={"report": report.pk, "domain": report.sender_domain})
    report.refresh_from_db()
    return report


def reputation_for(address: str, domain: str) -> dict[str, int]:
    """What later mail from this sender is weighed with (``Context.reputation``)."""
    rows = dict(Reputation.objects.filter(
        kind=Reputation.Kind.ADDRESS, key=address_key(address)).values_list("kind", "reports"))
    domain_rows = dict(Reputation.objects.filter(
        kind=Reputation.Kind.DOMAIN, key=domain).values_list("kind", "reports")) if domain \
        else {}
    return {"sender_reports": rows.get(Reputation.Kind.ADDRESS, 0),
            "domain_reports": domain_rows.get(Reputation.Kind.DOMAIN, 0)}


@dataclass(frozen=True)
class TeamRate:
    team_id: int | None
    team: str
    flagged: int  # messages the gateway warned about (suspicious), delivered to the team
    reported: int  # of those, how many an agent reported
    reports: int  # every report the team's agents made, flagged or not
    median_minutes: float | None  # from delivery to report, for flagged ones

    @property
    def rate(self) -> float | None:
        return round(self.reported / self.flagged, 3) if self.flagged else None


def report_rate(*, actor: Actor, days: int = 90) -> list[TeamRate]:
    """Per team, over the last ``days``: how many warned-about messages agents reported,
    and how fast."""
    policy.require(actor, "mail.view")
    if not 1 <= days <= 366:
        raise ValidationError("days must be between 1 and 366.", field="days")
    since = clock.now() - dt.timedelta(days=days)
    delivered = InboundMail.objects.filter(received_at__gte=since, ticket_id__isnull=False,
                                           state=InboundMail.State.DELIVERED)
    flagged_tickets = [m.ticket_id for m in delivered.only("ticket_id", "checks")
                       if ((m.checks or {}).get("phishing") or {}).get("verdict") in FLAGGED]
    team_of = dict(Ticket.objects.filter(pk__in=flagged_tickets).values_list("pk", "team_id"))
    reports = list(PhishingReport.objects.filter(reported_at__gte=since))
    names = dict(Team.objects.values_list("pk", "name"))
    teams = sorted({*team_of.values(), *(r.team_id for r in reports)},
                   key=lambda t: (t is None, names.get(t, "")))
    out = []
    for team_id in teams:
        flagged = [t for t, tm in team_of.items() if tm == team_id]
        hits = [r for r in reports if r.team_id == team_id and r.ticket_id in flagged]
        minutes = [(r.reported_at - r.delivered_at).total_seconds() / 60 for r in hits
                   if r.delivered_at]
        out.append(TeamRate(
            team_id=team_id, team=names.get(team_id, "No team"), flagged=len(flagged),
            reported=len({r.ticket_id for r in hits}),
            reports=sum(1 for r in reports if r.team_id == team_id),
            median_minutes=round(statistics.median(minutes), 1) if minutes else None))
    with transaction.atomic():
        record(actor=actor, action="mail.phishing.rate", object_type="team",
               context={"days": days, "teams": len(out)})
    return out
