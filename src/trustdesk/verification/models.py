import uuid

from django.db import models


class Challenge(models.Model):
    """One attempt to verify a caller by one method, for one person.

    Nothing that would let the caller pass is kept in clear: a code or a link's nonce
    only as a keyed hash (the vault's blind-index recipe, bound to this challenge), and
    for a question only which record was asked about — the answer is read from the
    records again when the agent types what the caller said."""

    class Outcome(models.TextChoices):
        OPEN = "open"
        PASSED = "passed"
        FAILED = "failed"  # attempts used up
        UNDELIVERED = "undelivered"  # the code or link could not be sent

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="challenges")
    user_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254)
    method = models.CharField(max_length=32)
    question = models.CharField(max_length=32, blank=True)
    secret = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=("customer", "created_at")),)

    def __str__(self) -> str:
        return f"{self.method}:{self.id}"
