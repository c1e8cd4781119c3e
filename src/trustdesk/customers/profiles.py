"""The read model of a customer: id, status and the declared profile values."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.utils.dateparse import parse_datetime

from trustdesk import vault
from trustdesk.core import compiled
from trustdesk.customers.models import Customer, CustomerField, subject_for


@dataclass(frozen=True)
class CustomerProfile:
    id: uuid.UUID
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    profile: dict[str, str] = field(default_factory=dict)
    erased_at: dt.datetime | None = None
    erased_by: str = ""
    erasure_reason: str = ""
    # Field → what the reader's policy decided (visible, masked, revealable, locked) for
    # each field present; empty for the unfiltered profile inside the customers app.
    access: dict[str, str] = field(default_factory=dict)
    # Processing restricted at the customer's request (GDPR Art. 18, ``trustdesk.dsr``).
    restricted: bool = False

    @property
    def display_name(self) -> str:
        if self.status == Customer.Status.ERASED:
            return f"Erased customer {str(self.id)[:8]}"
        return self.profile.get("full_name") or f"Customer {str(self.id)[:8]}"


def open_field(customer_id, name: str, sealed: bytes) -> str:
    return vault.open_text(subject_for(customer_id), f"field:{name}", bytes(sealed))


def seal_field(customer_id, name: str, value: str) -> bytes:
    return vault.seal_text(subject_for(customer_id), f"field:{name}", value)


def build_profiles(customers: Iterable[Customer]) -> list[CustomerProfile]:
    """Decrypt the profiles of ``customers``. Any key or integrity failure raises: a
    profile is shown whole or not at all."""
    customers = list(customers)
    values: dict[uuid.UUID, dict[str, str]] = {c.pk: {} for c in customers}
    active = [c.pk for c in customers if c.status == Customer.Status.ACTIVE]
    rows = CustomerField.objects.filter(customer_id__in=active).values_list(
        "customer_id", "name", "sealed"
    )
    for customer_id, name, sealed in rows:
        values[customer_id][name] = open_field(customer_id, name, sealed)
    return [
        CustomerProfile(id=c.pk, status=c.status, created_at=c.created_at,
                        updated_at=c.updated_at, profile=values[c.pk],
                        erased_at=c.erased_at, erased_by=c.erased_by,
                        erasure_reason=c.erasure_reason,
                        restricted=c.restricted_at is not None)
        for c in customers
    ]


def _profile_query(customer_id):
    return Customer.objects.filter(pk=customer_id).values_list(
        "status", "created_at", "updated_at", "erased_at", "erased_by", "erasure_reason",
        "restricted_at", "fields__name", "fields__sealed")


def read_profile(customer_id: uuid.UUID) -> CustomerProfile | None:
    """``build_profiles`` of one customer, read with its sealed fields in one query (a
    profile's view is the hottest read there is, its SQL built once: ``core.compiled``);
    None if there is no such customer."""
    prep = Customer._meta.pk.get_db_prep_value
    probe = uuid.UUID(int=1)
    sql = compiled.sql(("read_profile",),
                       lambda: (_profile_query(probe), [prep(probe, connection)]))
    with connection.cursor() as cur:
        cur.execute(sql, [prep(customer_id, connection)])
        rows = cur.fetchall()
    if not rows:
        return None
    status, created_at, updated_at, erased_at, erased_by, erasure_reason, restricted = \
        rows[0][:7]
    values = {name: open_field(customer_id, name, sealed) for *_, name, sealed in rows
              if name is not None} if status == Customer.Status.ACTIVE else {}
    return CustomerProfile(id=customer_id, status=status, created_at=_aware(created_at),
                           updated_at=_aware(updated_at), profile=values,
                           erased_at=_aware(erased_at), erased_by=erased_by,
                           erasure_reason=erasure_reason, restricted=restricted is not None)


def _aware(value):
    """A timestamp as the ORM returns it: SQLite gives text or a naive UTC datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
