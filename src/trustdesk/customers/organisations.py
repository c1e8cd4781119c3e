"""Organisations: the companies customers belong to, with mail domains that match new
customers to them.

An organisation's name and domains are the company's and kept in clear (listed, matched
against senders); its customers stay as private as ever: the organisation page lists
them through the same field policy and need-to-know as the customers page. Managing
organisations takes ``customer.update`` with ``ticket.assign`` (supervisors, senior
agents); putting a customer in one is a write to that customer, under need-to-know.
Free-mail domains are refused: every customer writing from gmail.com would join.

An organisation is what the ``company`` field says about a customer, made shared: a role
the field policy does not show customers' companies in full sees no organisations at
all (no list, no page, no membership, no filter by one), or membership would tell it
what the policy withholds.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count

from trustdesk.access import policy
from trustdesk.access.fields import VISIBLE
from trustdesk.audit.services import record
from trustdesk.core import freemail
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.customers.models import Customer, Organisation, OrganisationDomain
from trustdesk.customers.visibility import field_policy, known_customers

MAX_DOMAINS = 20
_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


COMPANY = "company"


def sees_organisations(actor: Actor) -> bool:
    return actor.is_system or field_policy().decide(actor.role, COMPANY) == VISIBLE


def require_visible(actor: Actor) -> None:
    if not sees_organisations(actor):
        raise PermissionDenied("Your role does not see customers' companies, so it does "
                               "not see their organisations either.", permission="company")


def _manage(actor: Actor) -> None:
    policy.require(actor, "customer.update")
    policy.require(actor, "ticket.assign")
    require_visible(actor)


def _domains(domains: Iterable[str]) -> list[str]:
    out = []
    for raw in domains or ():
        text = str(raw).strip().lower().lstrip("@").rstrip(".")
        try:
            text = text.encode("idna").decode("ascii") if not text.isascii() else text
        except UnicodeError:
            raise ValidationError(f"“{raw}” is not a mail domain.", field="domains") from None
        if not _DOMAIN.fullmatch(text):
            raise ValidationError(f"“{raw}” is not a mail domain.", field="domains")
        if freemail.is_provider(text):
            raise ValidationError(f"{text} is a free-mail provider: everyone writing from "
                                  "it would join this organisation.", field="domains")
        if text not in out:
            out.append(text)
    if len(out) > MAX_DOMAINS:
        raise ValidationError(f"At most {MAX_DOMAINS} domains.", field="domains")
    return out


def _name(name: str) -> str:
    name = " ".join(str(name or "").replace("\x00", "").split())
    if not name or len(name) > 120:
        raise ValidationError("An organisation needs a name of at most 120 characters.",
                              field="name")
    return name


@transaction.atomic
def organisation_save(*, actor: Actor, name: str, domains: Iterable[str] = (),
                      organisation_id: int | None = None) -> Organisation:
    """Create an organisation, or change one's name and domains (all of them: the
    domains given replace its own)."""
    _manage(actor)
    name, wanted = _name(name), _domains(domains)
    if organisation_id is None:
        org = Organisation(name=name)
    else:
        org = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        if org is None:
            raise NotFound()
        org.name = name
    taken = OrganisationDomain.objects.filter(domain__in=wanted)
    if org.pk:
        taken = taken.exclude(organisation=org)
    if clash := taken.values_list("domain", flat=True).first():
        raise Conflict(f"{clash} belongs to another organisation already.")
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise Conflict(f"An organisation named “{name}” exists already.") from None
    OrganisationDomain.objects.filter(organisation=org).exclude(domain__in=wanted).delete()
    have = set(org.domains.values_list("domain", flat=True))
    OrganisationDomain.objects.bulk_create(
        [OrganisationDomain(organisation=org, domain=d) for d in wanted if d not in have])
    record(actor=actor, action="organisation.update" if organisation_id else
           "organisation.create", object_type="organisation", object_id=org.pk,
           context={"domains": wanted})
    return org


def for_email(email: str | None) -> int | None:
    """The organisation a sender's address matches by its domain, or None."""
    domain = (email or "").rpartition("@")[2].strip().lower().rstrip(".")
    if not domain:
        return None
    return OrganisationDomain.objects.filter(domain=domain).values_list(
        "organisation_id", flat=True).first()


@transaction.atomic
def customer_set_organisation(*, actor: Actor, customer_id: uuid.UUID,
                              organisation_id: int | None) -> None:
    """Put a customer in an organisation (or take them out, with None): a write to the
    customer, for someone who may change customers and has a need to know this one."""
    policy.require(actor, "customer.update")
    require_visible(actor)
    customer = Customer.objects.select_for_update().filter(
        pk=customer_id, status=Customer.Status.ACTIVE).first()
    if customer is None or customer.pk not in known_customers(actor, [customer.pk]):
        raise NotFound()
    if customer.restricted_at is not None:
        # GDPR Art. 18: restricted data is stored, not changed (``customer_update``).
        raise Conflict("Processing of this customer's data is restricted: it changes only "
                       "through a correction request.")
    if organisation_id is not None and not Organisation.objects.filter(
            pk=organisation_id).exists():
        raise ValidationError("Unknown organisation.", field="organisation_id")
    if customer.organisation_id == organisation_id:
        return
    customer.organisation_id = organisation_id
    customer.save(update_fields=["organisation", "updated_at"])
    record(actor=actor, action="customer.organisation", object_type="customer",
           object_id=customer.pk, fields=["organisation"],
           context={"organisation": organisation_id})


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    domains: list[str]
    customers: int


def organisation_list(*, actor: Actor, query: str = "") -> list[OrganisationRow]:
    policy.require(actor, "customer.view")
    require_visible(actor)
    rows = Organisation.objects.annotate(n=Count("customers", distinct=True)) \
        .prefetch_related("domains").order_by("name")
    if query := " ".join(str(query or "").split())[:120]:
        rows = rows.filter(name__icontains=query)
    return [OrganisationRow(o, sorted(d.domain for d in o.domains.all()), o.n)
            for o in rows[:500]]


def organisation_get(*, actor: Actor, organisation_id: int) -> OrganisationRow:
    policy.require(actor, "customer.view")
    require_visible(actor)
    org = Organisation.objects.annotate(n=Count("customers", distinct=True)).filter(
        pk=organisation_id).prefetch_related("domains").first()
    if org is None:
        raise NotFound()
    return OrganisationRow(org, sorted(d.domain for d in org.domains.all()), org.n)


def can_manage(actor: Actor) -> bool:
    return policy.has_permission(actor, "customer.update") and policy.has_permission(
        actor, "ticket.assign") and sees_organisations(actor)




def of_customer(*, actor: Actor, customer_id) -> Organisation | None:
    """The customer's organisation (on their page beside the profile), for a role that
    sees companies; None otherwise."""
    if not sees_organisations(actor):
        return None
    return Organisation.objects.filter(customers__pk=customer_id).first()
