"""Deterministic demo data: a living helpdesk for newcomers and for screenshots.

Everything goes through the same services as real use (validation, audit), as the system
actor. Only the timestamps are back-dated afterwards, so the queue looks lived-in.
"""

from __future__ import annotations

import os
import random
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import phonenumbers
from django.conf import settings
from django.db import transaction

from trustdesk.accounts import services as accounts
from trustdesk.accounts.actors import actor_for_cli
from trustdesk.accounts.models import User
from trustdesk.config.demo import content, desk
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.customers import services as customers
from trustdesk.customers.models import Customer
from trustdesk.mailgateway import routes
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import Message, Ticket

DEMO_DOMAIN = "demo.trustdesk.test"
STATUSES = ("new", "open", "open", "pending", "pending", "solved", "solved", "closed")
PRIORITIES = ("low", "normal", "normal", "normal", "high", "urgent")
CHANNELS = ("email", "email", "web", "web", "phone", "chat", "api")


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    password: str


def logins_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.txt"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _phone(rng: random.Random, region: str) -> str:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    digits = str(example.national_number)
    for _ in range(50):
        tail = "".join(rng.choice("0123456789") for _ in range(3))
        candidate = phonenumbers.PhoneNumber(country_code=example.country_code,
                                             national_number=int(digits[:-3] + tail))
        if phonenumbers.is_valid_number(candidate):
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


def _profile(rng: random.Random, index: int) -> dict[str, str]:
    first, last = rng.choice(content.FIRST_NAMES), rng.choice(content.LAST_NAMES)
    region, language = rng.choice(content.REGIONS)
    local = _ascii(f"{first}.{last}").replace("'", "").replace(" ", "")
    profile = {
        "full_name": f"{first} {last}",
        "email": f"{local}{index}@{rng.choice(content.DOMAINS)}",
        "country": region,
        "preferred_language": language,
        "account_number": f"AC-{rng.randrange(10**6, 10**7)}",
    }
    if rng.random() < 0.7:
        profile["phone"] = _phone(rng, region)
    if rng.random() < 0.35:
        profile["company"] = rng.choice(content.COMPANIES)
    if rng.random() < 0.2:
        profile["payment_card"] = rng.choice(content.TEST_CARDS)
    return profile


def _write_logins(logins: list[Login]) -> None:
    path = logins_path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        for login in logins:
            fh.write(f"{login.role}\t{login.email}\t{login.password}\n")


def read_logins() -> list[Login]:
    path = logins_path()
    if not path.exists():
        return []
    logins = []
    for line in path.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            logins.append(Login(role=parts[0], email=parts[1], password=parts[2]))
    return logins


def already_seeded() -> bool:
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists()


@transaction.atomic
def seed(*, seed: int = 1, customers_count: int = 50, tickets_count: int = 200) -> list[Login]:
    """Create the demo helpdesk. Same seed → same customers, tickets and conversations
    (passwords are random every time and written to the data directory, 0600)."""
    rng = random.Random(seed)
    system = Actor.system("demo")

    teams = {name: accounts.team_create(actor=system, name=name, description=desc)
             for name, desc in content.TEAMS}
    logins, agents = [], []
    for name, role, team_names in content.AGENTS:
        email = f"{_ascii(name.split()[0])}@{DEMO_DOMAIN}"
        password = secrets.token_urlsafe(12)
        user = accounts.user_create(actor=system, email=email, full_name=name, role=role,
                                    password=password,
                                    team_ids=[teams[t].pk for t in team_names])
        logins.append(Login(email=email, role=role, password=password))
        agents.append(user)
    # Demo-only: the team has worked here for months (so the access review has people to
    # judge: nobody is judged before they have existed for its whole window), except the
    # last one named, who joined this week.
    for user in agents[:-1]:
        User.objects.filter(pk=user.pk).update(
            date_joined=clock.now() - timedelta(days=rng.randint(120, 900)))
    User.objects.filter(pk=agents[-1].pk).update(
        date_joined=clock.now() - timedelta(days=rng.randint(1, 6)))
    workers = [u for u in agents if u.role in ("agent", "senior_agent", "supervisor")]
    team_ids = {u.pk: set(u.teams.values_list("pk", flat=True)) for u in workers}

    # The demo's customers chose their language when they signed up elsewhere: their
    # consent to keeping it comes with the import.
    people = [customers.customer_create(actor=system, profile=_profile(rng, i),
                                        consent_how="imported")
              for i in range(customers_count)]
    for person in people:  # demo-only: customers joined over the past two years
        Customer.objects.filter(pk=person.id).update(
            created_at=clock.now() - timedelta(days=rng.randint(31, 730)))

    desk.organisations(system, people)
    by_role = {u.role: u for u in reversed(agents)}
    desk.setup(system, teams, admin=by_role["admin"], supervisor=by_role["supervisor"])
    now = clock.now()
    for n in range(tickets_count):
        team_name, subject, opening, follow_ups = rng.choice(content.SCRIPTS)
        person = rng.choice(people)
        first = person.profile["full_name"].split()[0]
        ticket = tickets.ticket_create(
            actor=system, customer_id=person.id, subject=subject, body=opening,
            channel=rng.choice(CHANNELS), priority=rng.choice(PRIORITIES),
            team_id=teams[team_name].pk if rng.random() < 0.8 else None,
        )
        status = STATUSES[n % len(STATUSES)] if n % 7 else "new"
        team = teams[team_name] if ticket.team_id else None
        able = [u for u in workers if team is None or u.role == "supervisor"
                or team.pk in team_ids[u.pk]]
        owner = rng.choice(able) if status != "new" else None
        agent_actor = actor_for_cli(owner, command="demo") if owner else None
        steps = 0 if status == "new" else rng.randint(1, len(follow_ups))
        for i, text in enumerate(follow_ups[:steps]):
            text = text.format(first=first)
            if i % 2 == 0:
                tickets.ticket_reply(actor=agent_actor, ticket_id=ticket.pk, body=text)
            else:
                tickets.ticket_add_inbound(actor=system, ticket_id=ticket.pk, body=text)
        if owner and rng.random() < 0.25:
            tickets.ticket_reply(actor=agent_actor, ticket_id=ticket.pk, internal=True,
                                 body=rng.choice(content.NOTES))
        if status != "new":
            tickets.ticket_update(actor=system, ticket_id=ticket.pk, status=status,
                                  assignee_id=owner.pk)
        if ticket.team_id and status != "closed":
            desk.tag(system, ticket, team_name, rng)
        # New tickets came in lately (nobody has looked yet); the others over a month.
        span = 60 * 6 if status == "new" else 60 * 24 * 30
        _backdate(ticket.pk, now - timedelta(minutes=rng.randint(20, span)), rng)
        desk.restart_clocks(ticket.pk)

    # A support address, made after the conversations so that the demo's own replies are
    # not emailed: mail sent to it over the embedded SMTP listener becomes tickets.
    first_team = next(iter(teams.values()))
    routes.route_create(actor=system, address=f"support@{DEMO_DOMAIN}", name="Demo Support",
                        team_id=first_team.pk)
    _write_logins(logins)
    return logins


def _backdate(ticket_id: int, opened, rng: random.Random) -> None:
    # Demo-only: spread the conversation over time after the fact, ending in the past:
    # a conversation opened an hour ago with a day of replies starts earlier instead.
    messages = list(Message.objects.filter(ticket_id=ticket_id).order_by("id")
                    .values_list("pk", flat=True))
    if not messages:
        return
    gaps = [timedelta(minutes=rng.randint(5, 60 * 20)) for _ in messages[1:]]
    latest = clock.now() - timedelta(minutes=2)
    at = min(opened, latest - sum(gaps, timedelta()))
    opened, last = at, at
    for pk, gap in zip(messages, [timedelta(), *gaps], strict=True):
        at += gap
        Message.objects.filter(pk=pk).update(created_at=at)
        last = at
    ticket = Ticket.objects.filter(pk=ticket_id)
    ticket.update(created_at=opened, updated_at=last, last_message_at=last)
    ticket.exclude(solved_at=None).update(solved_at=last)
