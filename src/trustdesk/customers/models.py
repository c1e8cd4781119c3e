import uuid

from django.db import models

from trustdesk.core.models import TimeStampedModel


class Customer(TimeStampedModel):
    """A person the support team serves. The profile lives in ``CustomerField`` rows."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        ERASED = "erased"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    # What remains after erasure: who, when and why (the data itself is crypto-shredded).
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by = models.CharField(max_length=254, blank=True)
    erasure_reason = models.TextField(blank=True)
    # Processing restricted at the customer's request (GDPR Art. 18): the data is kept,
    # and neither changed nor used, until a privacy officer lifts it (``trustdesk.dsr``).
    restricted_at = models.DateTimeField(null=True, blank=True)
    restricted_by_request = models.BigIntegerField(null=True, blank=True)
    # The company the customer belongs to (``customers.organisations``), if any.
    organisation = models.ForeignKey("Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="customers")

    def __str__(self) -> str:
        return str(self.id)


class Organisation(TimeStampedModel):
    """A company whose people write in. Its name and domains are the company's, not a
    person's, and are kept in clear: listed, searched and matched against senders."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class OrganisationDomain(models.Model):
    """A mail domain of an organisation: a new customer writing from it joins it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    def __str__(self) -> str:
        return self.domain


def subject_for(customer_id) -> str:
    """The vault subject whose key seals everything of this customer's."""
    return f"customer:{customer_id}"


class CustomerField(models.Model):
    """One declared profile field of one customer.

    One row per field (never one blob per customer) so that each confidential value can be
    encrypted, masked, revealed and erased on its own.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(max_length=64)
    # AES-256-GCM under the customer's own key; customer, field and key version are bound
    # to it, so a value copied to another row or field does not open.
    sealed = models.BinaryField()
    # For fields the inventory marks searchable: a blind index (keyed HMAC of the
    # normalised value), so exact-match lookup never decrypts the table.
    lookup = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("customer", "name"), name="customer_field_unique"),
        )
        indexes = (models.Index(fields=("name", "lookup")),)

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.name}"


class CallerFactor(models.Model):
    """One factor a caller proved to one member of staff (``customers.verified``): a code
    sent to a channel on file, a signed link, or knowledge of the company's own records.
    Factors of different kinds within the verification window make a level; each row
    stands on its own and ages out by itself."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Registered email address"
        PHONE = "phone", "Registered phone number"
        KNOWLEDGE = "knowledge", "Knowledge of the company's records"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="factors")
    # Who the caller proved it to: a person (a factor gives need-to-know to them alone),
    # or the customer themself through the portal (no user).
    user_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    method = models.CharField(max_length=32)
    passed_at = models.DateTimeField()

    class Meta:
        indexes = (models.Index(fields=("user_id", "customer", "passed_at")),)

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.kind}"


class ContactNotice(models.Model):
    """A contact detail that was replaced, kept sealed under the customer's key until the
    notice to it has gone out (``customers.jobs.contact_change_notice``): the owner of
    the old address or number hears of the change, so a takeover does not go unseen.
    Erasing the customer leaves it unreadable; the job then sends nothing."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE,
                                 related_name="contact_notices")
    field = models.CharField(max_length=64)
    sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.field}"


from trustdesk.customers.models_consent import Consent, Method, Objection  # noqa: E402, F401
from trustdesk.customers.models_portal import DataRequest, PortalLink  # noqa: E402, F401
