"""The old email or phone hears that it was replaced.

An account is taken over by moving its contact details to the attacker's; the owner
would learn of it only when the next code went elsewhere. So the replaced value is
kept sealed, just long enough for a job to tell it, in fixed words that name no new
value (``jobs.contact_change_notice``)."""

from __future__ import annotations

from collections.abc import Mapping

from trustdesk import vault
from trustdesk.core.publicurl import public_url
from trustdesk.customers import delivery
from trustdesk.customers.models import ContactNotice, Customer, CustomerField, subject_for
from trustdesk.customers.profiles import open_field
from trustdesk.customers.verified import CONTACT_TYPES
from trustdesk.privacy.inventory import get_inventory

PURPOSE = "contact_notice:"
SUBJECT = "Your contact details were changed"
TEXT = ("The {what} on your account was changed on {date} (UTC). If you asked for this, "
        "there is nothing to do. If you did not, contact us at once through one of our "
        "official channels{where}. We will never ask you for a password or a one-time "
        "code.")


def keep_replaced(customer: Customer, cleaned: Mapping[str, str | None]) -> list[int]:
    """Before ``cleaned`` is written: seal each contact value it replaces or removes and
    queue its notice (in the caller's transaction). Returns the notices' ids."""
    from trustdesk.customers.jobs import contact_change_notice
    from trustdesk.jobs.registry import enqueue

    inventory, ids = get_inventory(), []
    for name, value in cleaned.items():
        spec = inventory.get(name)
        if spec is None or spec.type not in CONTACT_TYPES or name not in \
                delivery.CHANNEL_FIELDS.values():
            continue
        row = CustomerField.objects.filter(customer=customer, name=name).first()
        if row is None:
            continue
        old = open_field(customer.pk, name, row.sealed)
        if old == value:
            continue
        notice = ContactNotice.objects.create(
            customer=customer, field=name,
            sealed=vault.seal_text(subject_for(customer.pk), PURPOSE + name, old))
        enqueue(contact_change_notice, notice.pk)
        ids.append(notice.pk)
    return ids


def send_notice(notice_id: int) -> bool:
    """Send one notice and forget the old value. ``False`` when there is nothing to
    send (already sent, or the customer erased: the sealed value no longer opens)."""
    notice = ContactNotice.objects.filter(pk=notice_id).select_related("customer").first()
    if notice is None:
        return False
    if notice.customer.status != Customer.Status.ACTIVE:
        notice.delete()
        return False
    old = vault.open_text(subject_for(notice.customer_id), PURPOSE + notice.field,
                          bytes(notice.sealed))
    kind = "email" if notice.field == delivery.CHANNEL_FIELDS["email"] else "phone"
    what = "email address" if kind == "email" else "phone number"
    delivery.send(kind, old, subject=SUBJECT, text=TEXT.format(
        what=what, date=f"{notice.created_at:%Y-%m-%d %H:%M}", where=_where()))
    notice.delete()
    return True


def _where() -> str:
    base = public_url()
    return f", listed at {base}/trust/#channels" if base else ""

