"""Customer satisfaction: when a ticket is first solved, a one-question survey (a rating
from 1 to 5) goes to the customer by email through a signed link; the results are
counted per agent and team.

The link carries a signature over the survey's id (Django's signing, under the
installation's secret key, valid ``VALID_DAYS``): unguessable, and it names no customer.
The survey page shows the ticket's number only — a forwarded link tells nobody what the
ticket was about — and accepts one answer. A rating is all it takes: no free text, so
nothing personal arrives through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.db.models import Avg, Count, F, Q

from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, Gone, NotFound, ValidationError
from trustdesk.customers.consent_selectors import allowed
from trustdesk.tickets import hooks
from trustdesk.tickets.models import Survey, Ticket

SALT = "trustdesk.csat"
VALID_DAYS = 30
RATINGS = {1: "Very poor", 2: "Poor", 3: "Okay", 4: "Good", 5: "Excellent"}
SURVEYS = Actor.system("customer survey")
# The inventory's purpose (legitimate interests): a customer who objected gets none.
PURPOSE = "satisfaction_surveys"


def offer(ticket: Ticket) -> Survey | None:
    """Called when a ticket becomes solved (in the change's transaction): its survey,
    once per ticket; the layers above send it (``hooks.on_survey``). None for a
    customer who objected to surveys (or whose processing is restricted): not made,
    so neither sent nor counted."""
    if Survey.objects.filter(ticket_id=ticket.pk).exists():
        return None
    if not allowed(ticket.customer_id, PURPOSE):
        return None
    survey = Survey.objects.create(ticket_id=ticket.pk, agent_user_id=ticket.assignee_id,
                                   team_id=ticket.team_id)
    for hook in hooks.on_survey:
        hook(survey)
    return survey


def token(survey: Survey) -> str:
    return signing.dumps(survey.pk, salt=SALT, compress=False)


def _survey(signed: str) -> Survey:
    try:
        survey_id = signing.loads(signed, salt=SALT, max_age=dt.timedelta(days=VALID_DAYS))
    except signing.SignatureExpired:
        raise Gone("This survey link has expired.") from None
    except signing.BadSignature:
        raise NotFound() from None
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound()
    return survey


def survey_for(signed: str) -> Survey:
    """The survey a link opens (NotFound for a forged one, Gone for an old one)."""
    return _survey(signed)


@transaction.atomic
def answer(*, signed: str, rating) -> Survey:
    survey = _survey(signed)
    try:
        value = int(rating)
    except (TypeError, ValueError):
        raise ValidationError("Choose a rating from 1 to 5.", field="rating") from None
    if value not in RATINGS:
        raise ValidationError("Choose a rating from 1 to 5.", field="rating")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.answered_at is not None:
        raise Conflict("Thank you: this survey was answered already.")
    survey.rating, survey.answered_at = value, clock.now()
    survey.save(update_fields=["rating", "answered_at"])
    record(actor=SURVEYS, action="survey.answer", object_type="ticket",
           object_id=survey.ticket_id, context={"rating": value})
    return survey


@dataclass(frozen=True)
class Score:
    label: str
    sent: int
    answered: int
    average: float | None
    satisfied: float | None  # share of answers rated 4 or 5


def _scores(rows, names) -> list[Score]:
    out = []
    for row in rows:
        answered = row["answered"]
        out.append(Score(names.get(row["key"], "Unassigned" if row["key"] is None
                                   else "(removed)"),
                         row["sent"], answered, row["average"],
                         row["happy"] / answered if answered else None))
    return sorted(out, key=lambda s: (-s.answered, s.label))


def results(tickets, *, since: dt.datetime, until: dt.datetime):
    """(per team, per agent) scores of surveys created in the period on ``tickets`` (the
    reader's visible tickets, already narrowed)."""
    from trustdesk.accounts.models import Team, User

    surveys = Survey.objects.filter(ticket__in=tickets, created_at__gte=since,
                                    created_at__lt=until)
    agg = {"sent": Count("id"), "answered": Count("id", filter=Q(answered_at__isnull=False)),
           "average": Avg("rating"), "happy": Count("id", filter=Q(rating__gte=4))}
    by_team = list(surveys.values(key=F("team_id")).annotate(**agg).order_by())
    by_agent = list(surveys.values(key=F("agent_user_id")).annotate(**agg).order_by())
    teams = dict(Team.objects.values_list("pk", "name"))
    users = dict(User.objects.filter(pk__in=[r["key"] for r in by_agent if r["key"]])
                 .values_list("pk", "full_name"))
    return _scores(by_team, teams), _scores(by_agent, users)
