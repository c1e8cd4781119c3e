"""The read model of a customer: id, status and the declared profile values."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from trustdesk.customers.models import Customer, CustomerField


@dataclass(frozen=True)
class CustomerProfile:
    id: uuid.UUID
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    profile: dict[str, str] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return self.profile.get("full_name") or f"Customer {str(self.id)[:8]}"


def build_profiles(customers: Iterable[Customer]) -> list[CustomerProfile]:
    customers = list(customers)
    values: dict[uuid.UUID, dict[str, str]] = {c.pk: {} for c in customers}
    rows = CustomerField.objects.filter(customer_id__in=values).values_list(
        "customer_id", "name", "value"
    )
    for customer_id, name, value in rows:
        values[customer_id][name] = value
    return [
        CustomerProfile(id=c.pk, status=c.status, created_at=c.created_at,
                        updated_at=c.updated_at, profile=values[c.pk])
        for c in customers
    ]
