"""Reads of customer data. Every read is permission-checked and audited before the data
leaves this module."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from django.db import transaction

from trustdesk import vault
from trustdesk.access import policy
from trustdesk.access.fields import HIDDEN, VISIBLE
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied, ValidationError
from trustdesk.core.pagination import Page, clamped, page_bounds
from trustdesk.customers import names, organisations, search_guard
from trustdesk.customers.errors import NotSearchable
from trustdesk.customers.models import Customer, CustomerField
from trustdesk.customers.profiles import (
    CustomerProfile,
    build_profiles,
    open_field,
    read_profile,
)
from trustdesk.customers.visibility import (
    apply,
    field_policy,
    known_customers,
    name_for,
    need_to_know_applies,
)
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.values import normalise_value
from trustdesk.search import selectors as search

MAX_FOUND = 1000  # candidates a word search weighs against need-to-know


def _parse_id(customer_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(customer_id))
    except ValueError:
        raise NotFound() from None


@transaction.atomic
def customer_get(*, actor: Actor, customer_id) -> CustomerProfile:
    policy.require(actor, "customer.view")
    profile = read_profile(_parse_id(customer_id))
    if profile is None:
        raise NotFound()
    return _shown(actor, profile, known=None)


def customer_shown(*, actor: Actor, customer: Customer, known: bool | None = None
                   ) -> CustomerProfile:
    """``customer_get`` for a customer row the caller has just read in its own
    transaction (a ticket's), with ``known``: need-to-know as the caller has just
    decided it for this actor and customer (``visibility.known_customers``), or None to
    decide it here."""
    policy.require(actor, "customer.view")
    return _shown(actor, build_profiles([customer])[0], known=known)


def _shown(actor: Actor, profile: CustomerProfile, *, known: bool | None) -> CustomerProfile:
    known_ids = None if known is None else ({profile.id} if known else set())
    profile = apply(actor, [profile], known=known_ids)[0]
    record(actor=actor, action="customer.view", object_type="customer",
           object_id=profile.id, fields=profile.profile.keys())
    return profile


def customer_list(
    *, actor: Actor, match: Mapping[str, str] | None = None, page: int = 1, page_size: int = 25,
    query: str | None = None, organisation_id: int | None = None,
) -> Page[CustomerProfile]:
    """List customers, newest first, optionally by exact match on searchable fields
    (email, phone, account number). Free-text search over personal data is deliberately
    not offered: it would need the values in clear. The match goes through the blind
    index, so a field masked for the actor can still be searched by its exact value (the
    result shows it masked); a field the policy hides from the actor cannot. Searches by
    value are rate-limited per person (``search_guard``; raises ``RateLimited``).

    ``query``: words of the name or company, each whole or as its start ("ada love"),
    through the search index (``trustdesk.search``, docs/search.md). Only fields the
    actor sees in full count, and only customers they have a need to know: a name search
    must not confirm a name the policy would mask or lock. Rate-limited like ``match``.

    ``organisation_id``: the organisation's people (its page), each shown as anywhere."""
    policy.require(actor, "customer.view")
    if organisation_id is not None:
        organisations.require_visible(actor)  # membership says what "company" says
    query = (query or "").replace("\x00", "").strip()[:200] or None
    guarded = {**(match or {}), **({"query": query} if query else {})}
    search_guard.admit(actor=actor, match=guarded)  # before, and outside, the transaction
    return _customer_list(actor=actor, match=match, page=page, page_size=page_size,
                          query=query, organisation_id=organisation_id)


def _found_by_words(actor: Actor, customers, query: str):
    inventory = get_inventory()
    fields = [f for f in sorted(names.FINDABLE) if inventory.get(f) is not None
              and field_policy().decide(actor.role, f) == VISIBLE]
    found = search.customers_matching(query, fields)
    if found is None:
        return customers
    customers = customers.filter(pk__in=found, status=Customer.Status.ACTIVE)
    if need_to_know_applies(actor):
        # Candidates first (bounded), then the need-to-know rule on them.
        candidates = list(customers.values_list("pk", flat=True)[:MAX_FOUND])
        customers = customers.filter(pk__in=known_customers(actor, candidates))
    return customers


@transaction.atomic
def _customer_list(*, actor: Actor, match, page: int, page_size: int, query: str | None = None,
                   organisation_id: int | None = None) -> Page[CustomerProfile]:
    page_bounds(page, page_size)  # refuses a page or size out of range
    customers = Customer.objects.order_by("-created_at", "id")
    if organisation_id is not None:
        customers = customers.filter(organisation_id=organisation_id)
    if query:
        customers = _found_by_words(actor, customers, query)
    inventory = get_inventory()
    for name, raw in (match or {}).items():
        spec = inventory.get(name)
        if spec is None or not spec.searchable:
            raise NotSearchable(f"Customers cannot be searched by '{name}'.", field=name)
        if field_policy().decide(actor.role, name) == HIDDEN:
            # Searching a hidden field would confirm its value: same answer as undeclared.
            raise NotSearchable(f"Customers cannot be searched by '{name}'.", field=name)
        token = vault.blind_index(name, normalise_value(spec, raw))
        customers = customers.filter(
            pk__in=CustomerField.objects.filter(name=name, lookup=token).values("customer_id")
        )
    total = customers.count()
    page, start, stop = clamped(page, page_size, total)
    profiles = apply(actor, build_profiles(customers[start:stop]))
    record(actor=actor, action="customer.list", object_type="customer",
           fields=sorted({k for p in profiles for k in p.profile}),
           context={"ids": [str(p.id) for p in profiles], "match": sorted(match or {}),
                    **({"words": len(query.split())} if query else {}),
                    **({"searched": search_guard.searched_hashes(
                        {**(match or {}), **({"query": query} if query else {})})}
                       if match or query else {})})
    return Page(items=profiles, page=page, page_size=page_size, total=total)


def customer_names(customer_ids: Iterable[uuid.UUID], *, actor: Actor
                   ) -> dict[uuid.UUID, str]:
    """Display names for lists that show whose ticket is whose, as the field policy lets
    ``actor`` see them. Callers audit the read as part of their own event (they know
    which objects were shown)."""
    customer_ids = set(customer_ids)
    rows = CustomerField.objects.filter(customer_id__in=customer_ids, name="full_name",
                                        customer__status=Customer.Status.ACTIVE)
    if field_policy().decide(actor.role, "full_name") == HIDDEN:
        rows = rows.none()
    names = {cid: name_for(actor, open_field(cid, "full_name", sealed))
             for cid, sealed in rows.values_list("customer_id", "sealed")}
    return {cid: names.get(cid) or f"Customer {str(cid)[:8]}" for cid in customer_ids}


@transaction.atomic
def customer_names_shown(*, actor: Actor, customer_ids: Iterable[uuid.UUID], where: str
                         ) -> dict[uuid.UUID, str]:
    """``customer_names`` for a page that has no event of its own naming the customers
    it shows (the alerts list): the names are read, and recorded as read, here."""
    ids = sorted({uuid.UUID(str(c)) for c in customer_ids if c}, key=str)
    if not ids:
        return {}
    names = customer_names(ids, actor=actor)
    if field_policy().decide(actor.role, "full_name") != HIDDEN:  # else nothing was read
        record(actor=actor, action="customer.names", object_type="customer",
               fields=["full_name"], context={"where": where[:40],
                                              "customers": [str(c) for c in ids]})
    return names


def field_access(*, actor: Actor) -> dict[str, str]:
    """What the field policy decides for each inventory field for ``actor``'s role
    (before need-to-know): for forms and clients that lay out a profile."""
    return field_policy().for_role(actor.role)


def customer_for_contact(*, actor: Actor, field: str, value: str) -> uuid.UUID | None:
    """The active customer whose searchable ``field`` (their email address) is ``value``,
    through the blind index: how a channel (mail intake) knows whose message it holds.
    For system actors only — a person looks customers up with ``customer_list``, which
    is rate-limited and audited; the channel's own event (the ticket it opens or adds
    to) records the match. When several customers share the address, the oldest."""
    if not actor.is_system:
        raise PermissionDenied("Only a channel matches senders to customers.")
    spec = get_inventory().get(field)
    if spec is None or not spec.searchable:
        raise NotSearchable(f"Customers cannot be matched by '{field}'.", field=field)
    try:
        token = vault.blind_index(field, normalise_value(spec, value))
    except ValidationError:
        return None
    return (Customer.objects.filter(status=Customer.Status.ACTIVE, fields__name=field,
                                    fields__lookup=token)
            .order_by("created_at", "id").values_list("id", flat=True).first())


def customer_named_any(*, actor: Actor, names_: list[str]) -> bool:
    """``customer_named`` for several candidates at once, in one query: whether any is
    an active customer's full name (system actors only; yes or no, never which)."""
    if not actor.is_system:
        raise PermissionDenied("Only a channel matches names to customers.")
    tokens = sorted({t for t in (names.claim_token(n) for n in names_) if t})
    if not tokens:
        return False
    return Customer.objects.filter(status=Customer.Status.ACTIVE, fields__name=names.FIELD,
                                   fields__lookup__in=tokens).exists()


def customer_named(*, actor: Actor, name: str) -> bool:
    """Whether an active customer's full name is ``name`` (normalised: case, spacing and
    compatibility forms aside), through the name-claim hash (``customers.names``): how
    the mail gateway recognises a first-time sender borrowing a customer's name. For
    system actors only; it says yes or no, never who."""
    if not actor.is_system:
        raise PermissionDenied("Only a channel matches names to customers.")
    token = names.claim_token(name)
    if not token:
        return False
    return Customer.objects.filter(status=Customer.Status.ACTIVE, fields__name=names.FIELD,
                                   fields__lookup=token).exists()
