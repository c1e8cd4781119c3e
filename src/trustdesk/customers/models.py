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

    def __str__(self) -> str:
        return str(self.id)


class CustomerField(models.Model):
    """One declared profile field of one customer.

    One row per field (never one blob per customer) so that each confidential value can be
    encrypted, masked, revealed and erased on its own.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(max_length=64)
    value = models.TextField()
    # For fields the inventory marks searchable: the value exact-match lookups compare.
    lookup = models.CharField(max_length=128, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("customer", "name"), name="customer_field_unique"),
        )
        indexes = (models.Index(fields=("name", "lookup")),)

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.name}"
