"""Use cases that create and change customer profiles.

Only fields declared in the data inventory are accepted; the whole change is refused —
nothing stored — if any field is undeclared, missing or malformed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound
from trustdesk.customers.models import Customer, CustomerField
from trustdesk.customers.profiles import CustomerProfile, build_profiles
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.values import validate_profile


def _write_fields(customer: Customer, cleaned: Mapping[str, str | None]) -> None:
    inventory = get_inventory()
    for name, value in cleaned.items():
        if value is None:
            CustomerField.objects.filter(customer=customer, name=name).delete()
            continue
        lookup = value if inventory.by_name[name].searchable else ""
        CustomerField.objects.update_or_create(
            customer=customer, name=name, defaults={"value": value, "lookup": lookup}
        )


@transaction.atomic
def customer_create(*, actor: Actor, profile: Mapping[str, Any]) -> CustomerProfile:
    """Create a customer. Raises ``UndeclaredField``, ``MissingRequiredField`` or
    ``InvalidFieldValue`` (naming the field) before anything is written."""
    policy.require(actor, "customer.create")
    cleaned = validate_profile(get_inventory(), profile)
    customer = Customer.objects.create()
    _write_fields(customer, cleaned)
    record(actor=actor, action="customer.create", object_type="customer",
           object_id=customer.pk, fields=[k for k, v in cleaned.items() if v is not None])
    return build_profiles([customer])[0]


@transaction.atomic
def customer_update(
    *, actor: Actor, customer_id: uuid.UUID, changes: Mapping[str, Any]
) -> CustomerProfile:
    """Change some profile fields; ``None`` or an empty value removes an optional field."""
    policy.require(actor, "customer.update")
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    if customer.status != Customer.Status.ACTIVE:
        raise Conflict("This customer's data has been erased.")
    existing = dict(customer.fields.values_list("name", "value"))
    cleaned = validate_profile(get_inventory(), changes, existing=existing)
    _write_fields(customer, cleaned)
    customer.save(update_fields=["updated_at"])
    record(actor=actor, action="customer.update", object_type="customer",
           object_id=customer.pk, fields=cleaned.keys())
    return build_profiles([customer])[0]
