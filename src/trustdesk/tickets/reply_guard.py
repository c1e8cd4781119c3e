"""Reply guard: before an agent's reply leaves, look for requests for secrets and for
personal data that is not this ticket's customer's. Per ``settings.PII_REPLY_GUARD`` each
check blocks (the reply is refused with an explanation), warns (it is sent, and the agent
is told) or is off. Either way the event is audited, with entity names only.

What a reply may not ask for is what the ticket's channel promises customers it never asks
for (the official-channel registry, ``channels``): each secret the guard detects maps onto
the registry's never-ask vocabulary, and the explanation quotes the promise. The
registry only adds to the built-in defaults, so a channel it says nothing about still
blocks every detected secret (fail closed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from trustdesk import pii
from trustdesk.access import fields as fp
from trustdesk.audit.models import AuditEvent
from trustdesk.audit.services import record
from trustdesk.channels.selectors import promise_for
from trustdesk.channels.vocabulary import GUARD_TO_NEVER_ASK, TICKET_CHANNEL_KIND
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ConfigurationError
from trustdesk.customers import visibility
from trustdesk.customers.models import Customer
from trustdesk.customers.profiles import build_profiles
from trustdesk.pii.guard import secret_requests
from trustdesk.pii.operators import normalize
from trustdesk.tickets import withhold
from trustdesk.tickets.errors import ReplyBlocked
from trustdesk.tickets.models import Ticket
from trustdesk.tickets.sealing import open_messages

MODES = ("block", "warn", "off")
# Entities that identify a person: seen in a reply but nowhere in this customer's ticket
# or profile, they are probably someone else's.
PERSONAL = frozenset({"CREDIT_CARD", "IBAN_CODE", "US_SSN", "CN_RESIDENT_ID",
                      "US_BANK_NUMBER", "PASSPORT", "DRIVER_LICENSE", "EMAIL_ADDRESS",
                      "PHONE_NUMBER"})
FOREIGN_EXPLANATION = ("contains {entities} that do not appear anywhere in this customer's "
                       "ticket or profile. If it belongs to another customer, sending it "
                       "would disclose their data: check the recipient and the details.")


@dataclass(frozen=True)
class Verdict:
    blocked: list[str]  # explanations of what stopped the reply
    warnings: list[str]  # explanations of what the agent should double-check
    context: dict  # for the audit trail: kinds and entities, never values


def _modes() -> dict[str, str]:
    modes = {"secret_request": "block", "foreign_data": "warn",
             **getattr(settings, "PII_REPLY_GUARD", {})}
    for check, mode in modes.items():
        if mode not in MODES:
            raise ConfigurationError(f"PII_REPLY_GUARD[{check!r}] must be one of "
                                     f"{', '.join(MODES)}, not {mode!r}.")
    return modes


def inspect(ticket: Ticket, body: str, *, actor: Actor) -> Verdict:
    modes = _modes()
    asking_mode = modes["secret_request"]
    blocked, warnings, context = [], [], {}
    if asking_mode != "off":
        asks = secret_requests(body)
        if asks:
            kinds = sorted({r.kind for r in asks})
            promise = promise_for(TICKET_CHANNEL_KIND.get(ticket.channel))
            context["secret_requests"] = kinds
            context["channel"] = promise.kind or "none"
            (blocked if asking_mode == "block" else warnings).extend(
                _explain(r, promise) for r in {r.kind: r for r in asks}.values())
    if modes["foreign_data"] != "off":
        foreign = _foreign_entities(actor, ticket, body)
        if foreign:
            context["foreign_entities"] = foreign
            line = "This reply " + FOREIGN_EXPLANATION.format(
                entities=", ".join(e.replace("_", " ").lower() for e in foreign))
            (blocked if modes["foreign_data"] == "block" else warnings).append(line)
    return Verdict(blocked, warnings, context)


def _explain(request, promise) -> str:
    key = GUARD_TO_NEVER_ASK.get(request.kind)
    line = f"This reply {request.explanation}"
    # Every guard kind is mapped and a default; were one not, it still blocks (above),
    # only without a promise to quote.
    return f"{line} {promise.says(key)}" if key in promise.never_asks else line


def _foreign_entities(actor: Actor, ticket: Ticket, body: str) -> list[str]:
    found = [f for f in pii.scan(body) if f.entity in PERSONAL]
    if not found:
        return []
    known = _known_values(actor, ticket)
    return sorted({f.entity for f in found
                   if normalize(body[f.start:f.end], f.entity) not in known})


def _known_values(actor: Actor, ticket: Ticket) -> set[str]:
    """Normalized personal values of this customer that ``actor`` may read: in their
    profile and in every message on this ticket (opened here, server-side), each as the
    field policy and need-to-know let ``actor`` see it in clear or reveal it. A value
    they may not read counts as foreign: were it compared, the warning's presence would
    confirm a guess of a locked, masked or hidden value."""
    customer = Customer.objects.filter(pk=ticket.customer_id).first()
    if customer is None:
        return set()
    messages = list(ticket.messages.all())
    open_messages(ticket.customer_id, messages, erased=False)
    view = withhold.viewer(actor, customer)
    texts = [withhold.readable_text(view, m.body) for m in messages]
    rules = visibility.decisions(actor, known=view.known)
    for profile in build_profiles([customer]):
        texts.extend(str(v) for name, v in (profile.profile or {}).items()
                     if v and withhold.may_read(view, rules.get(name, fp.HIDDEN)))
    known = set()
    for text in texts:
        for f in pii.scan(text):
            if f.entity in PERSONAL:
                known.add(normalize(text[f.start:f.end], f.entity))
    return known


def refuse(actor: Actor, ticket: Ticket, verdict: Verdict) -> None:
    """Audit the refusal in a transaction of its own (the reply's rolls back), then
    raise ``ReplyBlocked`` with every explanation."""
    with transaction.atomic():
        record(actor=actor, action="ticket.reply_blocked", object_type="ticket",
               object_id=ticket.pk, outcome=AuditEvent.Outcome.DENIED,
               context={**verdict.context, "customer": str(ticket.customer_id)})
    raise ReplyBlocked(" ".join(verdict.blocked), field="body")
