"""Macros: canned replies with placeholders, personal or shared.

A macro's text is a template: ``{{ customer.full_name }}``, ``{{ customer.first_name }}``,
any declared profile field as ``{{ customer.<field> }}``, ``{{ agent.name }}``,
``{{ agent.first_name }}``, ``{{ ticket.id }}`` and ``{{ ticket.subject }}``. Applying one
to a ticket fills a draft for the reply box; nothing is sent until the agent sends the
reply, which then passes the reply guard and intake like any reply.

A placeholder never expands a field the agent may not see: a customer field is filled in
only where the field policy shows it to this agent in full (``visible``, with
need-to-know); otherwise the draft keeps a marker ("[phone number: not shown to you]") and
the result says which fields were withheld. Filling it reads the customer's profile, so
it is recorded like any read (``customer.view``), with ``macro.apply`` naming the fields.

The text itself is stored in clear and shared: what intake would never keep in a message
(card numbers, secrets, national identity and bank numbers) is refused in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from trustdesk import pii
from trustdesk.access import fields as fp
from trustdesk.access import policy
from trustdesk.accounts.models import User
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.customers.selectors import customer_get
from trustdesk.privacy.inventory import get_inventory
from trustdesk.tickets import clear_labels
from trustdesk.tickets.models import Macro, Status
from trustdesk.tickets.selectors import visible_tickets

MAX_BODY = 10_000
MAX_PER_PERSON = 100
PLACEHOLDER = re.compile(r"\{\{\s*([a-z]+)\.([a-z_]+)\s*\}\}")
# Never stored in clear by intake, so never in a macro either.
REFUSED_ENTITIES = ("CREDIT_CARD", "US_SSN", "IBAN_CODE", "CN_RESIDENT_ID",
                    "US_BANK_NUMBER", "ABA_ROUTING_NUMBER", "PASSPORT", "DRIVER_LICENSE",
                    "PASSWORD", "API_KEY", "PRIVATE_KEY", "HTTP_AUTHORIZATION",
                    "HTTP_COOKIE", "SESSION_ID")
AGENT_FIELDS = ("name", "first_name")
TICKET_FIELDS = ("id", "subject")


def _customer_fields() -> dict[str, str]:
    """Placeholder name → the profile field it reads (first_name reads full_name)."""
    names = {f.name: f.name for f in get_inventory().fields}
    names["first_name"] = "full_name"
    return names


def _labels() -> dict[str, str]:
    return {f.name: f.label for f in get_inventory().fields}


def _check_placeholders(body: str) -> None:
    customer = _customer_fields()
    known = {"customer": customer, "agent": AGENT_FIELDS, "ticket": TICKET_FIELDS}
    for scope, name in PLACEHOLDER.findall(body):
        if name not in known.get(scope, ()):
            raise ValidationError(f"Unknown placeholder {{{{ {scope}.{name} }}}}.",
                                  field="body")


def _clean(name: str, body: str, status: str) -> tuple[str, str, str]:
    name = " ".join(str(name or "").replace("\x00", "").split())
    if not name or len(name) > 60:
        raise ValidationError("A macro needs a name of at most 60 characters.", field="name")
    body = str(body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError("A macro needs its text.", field="body")
    if len(body) > MAX_BODY:
        raise ValidationError(f"A macro is at most {MAX_BODY} characters.", field="body")
    if status and status not in Status.values:
        raise ValidationError(f"status must be one of {', '.join(Status.values)}.",
                              field="status")
    for field, text in (("name", name), ("body", body)):
        _refuse_kept_out(field, text)
    _check_placeholders(body)
    return name, body, status or ""


def _refuse_kept_out(field: str, text: str) -> None:
    """What intake never keeps in clear, scanned as a reader sees it (zero-width
    characters and odd spaces gone, full-width digits plain), and any Luhn-valid run of
    card digits whatever separates them."""
    seen = clear_labels.readable(text)
    found = {f.entity for f in pii.scan(seen, entities=REFUSED_ENTITIES)}
    if clear_labels.luhn_card(text):
        found.add("CREDIT_CARD")
    if found:
        raise ValidationError(
            "A macro is stored in clear and shared, so it cannot hold "
            f"{', '.join(sorted(found)).lower().replace('_', ' ')}.", field=field)


def visible_macros(actor: Actor) -> QuerySet[Macro]:
    policy.require(actor, "ticket.reply")
    return Macro.objects.filter(Q(owner_id=actor.user_id) | Q(shared=True)) \
        .select_related("owner")


def macro_list(*, actor: Actor) -> list[Macro]:
    return list(visible_macros(actor).order_by("-shared", "name", "id")[:300])


def macro_get(*, actor: Actor, macro_id: int) -> Macro:
    macro = visible_macros(actor).filter(pk=macro_id).first()
    if macro is None:
        raise NotFound()
    return macro


def _editable(actor: Actor, macro_id: int) -> Macro:
    macro = visible_macros(actor).select_for_update().filter(pk=macro_id).first()
    if macro is None:
        raise NotFound()
    if macro.owner_id != actor.user_id and not policy.has_permission(actor, "ticket.assign"):
        raise PermissionDenied("Only its owner or a supervisor changes a shared macro.")
    return macro


@transaction.atomic
def macro_save(*, actor: Actor, name: str, body: str, status: str = "",
               shared: bool = False, macro_id: int | None = None) -> Macro:
    """Create a macro, or (with ``macro_id``) change one. Sharing takes
    ``ticket.assign``; so does changing someone else's shared macro."""
    policy.require(actor, "ticket.reply")
    if actor.user_id is None:
        raise PermissionDenied("A macro belongs to a person.")
    if shared:
        policy.require(actor, "ticket.assign")
    name, body, status = _clean(name, body, status)
    if macro_id is None:
        if Macro.objects.filter(owner_id=actor.user_id).count() >= MAX_PER_PERSON:
            raise ValidationError(f"At most {MAX_PER_PERSON} macros each.", field="name")
        macro = Macro(owner_id=actor.user_id)
    else:
        macro = _editable(actor, macro_id)
    macro.name, macro.body, macro.status, macro.shared = name, body, status, bool(shared)
    try:
        with transaction.atomic():
            macro.save()
    except IntegrityError:
        raise Conflict(f"A macro named “{name}” already exists.") from None
    record(actor=actor, action="macro.update" if macro_id else "macro.create",
           object_type="macro", object_id=macro.pk, context={"shared": macro.shared})
    return macro


@transaction.atomic
def macro_delete(*, actor: Actor, macro_id: int) -> None:
    macro = _editable(actor, macro_id)
    record(actor=actor, action="macro.delete", object_type="macro", object_id=macro.pk,
           context={"shared": macro.shared, "owner": macro.owner_id})
    macro.delete()


@dataclass(frozen=True)
class Draft:
    body: str
    status: str
    withheld: tuple[str, ...]  # labels of the customer fields left out for this agent


@transaction.atomic
def macro_apply(*, actor: Actor, macro_id: int, ticket_id: int) -> Draft:
    """The macro filled in for a ticket the actor can see and answer."""
    macro = visible_macros(actor).filter(pk=macro_id).first()
    if macro is None:
        raise NotFound()
    ticket = visible_tickets(actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    fields = _customer_fields()
    wanted = sorted({fields[n] for s, n in PLACEHOLDER.findall(macro.body)
                     if s == "customer" and n in fields})
    profile = None
    if wanted and policy.has_permission(actor, "customer.view"):
        profile = customer_get(actor=actor, customer_id=ticket.customer_id)
    agent = User.objects.filter(pk=actor.user_id).first()
    agent_name = agent.full_name if agent else ""
    labels, withheld, used = _labels(), [], []

    def fill(match: re.Match) -> str:
        scope, name = match.group(1), match.group(2)
        if scope == "agent":
            return agent_name.split()[0] if name == "first_name" and agent_name else agent_name
        if scope == "ticket":
            return str(ticket.pk) if name == "id" else ticket.subject
        field = fields.get(name)
        if field is None:  # a field since removed from the inventory
            return f"[{name}: unknown]"
        shown = profile is not None and profile.access.get(field) == fp.VISIBLE
        value = profile.profile.get(field, "") if shown else ""
        if not shown:
            label = labels.get(field, field).lower()
            if label not in withheld:
                withheld.append(label)
            return f"[{label}: not shown to you]"
        used.append(field)
        return value.split()[0] if name == "first_name" and value else value

    body = PLACEHOLDER.sub(fill, macro.body)
    record(actor=actor, action="macro.apply", object_type="ticket", object_id=ticket.pk,
           fields=sorted(set(used)), context={"macro": macro.pk,
                                               "customer": str(ticket.customer_id),
                                               "withheld": len(withheld)})
    return Draft(body=body, status=macro.status, withheld=tuple(withheld))
