"""Consents and objections (GDPR Art. 7 and 21): what a customer agreed to or refused,
for which purpose (``privacy.purposes``), when and how, and who recorded it.

One row per grant: a consent withdrawn stays, with when and how it was withdrawn, and
consent given again is a new row — so the history shows what was allowed at any moment
(Art. 7(1): the controller must be able to show consent was given)."""

from django.db import models
from django.db.models import Q


class Method(models.TextChoices):
    """How a customer said it. The portal is theirs alone; the rest is what staff say
    they were told through."""

    PORTAL = "portal", "In the customer portal"
    PHONE = "phone", "Told an agent on the phone"
    EMAIL = "email", "By email"
    LETTER = "letter", "By letter"
    IN_PERSON = "in_person", "In person"
    WEB_FORM = "web_form", "On a web form of ours"
    IMPORTED = "imported", "Imported from another system"
    REQUEST = "request", "In a privacy request"


class Consent(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="consents")
    purpose = models.CharField(max_length=80)  # a purpose's name, or field:<name>
    given_at = models.DateTimeField()
    method = models.CharField(max_length=12, choices=Method.choices)
    given_by = models.CharField(max_length=254)  # the actor's label
    # What the customer agreed to. The inventory's own words hold nobody's data and are
    # kept plain; words a member of staff typed (the script read on the phone) may, and
    # are sealed under the customer's key. ``version`` fingerprints the words, so a
    # change of the inventory's text shows which consents were given to older words.
    wording = models.TextField(blank=True)
    wording_sealed = models.BinaryField(null=True, blank=True)
    version = models.CharField(max_length=16)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=254, blank=True)
    withdrawal_method = models.CharField(max_length=12, choices=Method.choices, blank=True)

    class Meta:
        constraints = (
            # One standing consent per purpose: a double submission cannot make two.
            models.UniqueConstraint(fields=("customer", "purpose"),
                                    condition=Q(withdrawn_at__isnull=True),
                                    name="consent_one_standing"),
        )
        indexes = (models.Index(fields=("customer", "purpose")),)

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.purpose}"


class Objection(models.Model):
    """The customer objected to a purpose on legitimate interests (Art. 21): it stops
    for them. Kept as long as the customer is; one per purpose."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="objections")
    purpose = models.CharField(max_length=80)
    at = models.DateTimeField()
    by = models.CharField(max_length=254)
    method = models.CharField(max_length=12, choices=Method.choices)
    # The privacy request it fulfils, when it came as one (``DataRequest``).
    request_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("customer", "purpose"),
                                    name="objection_one_per_purpose"),
        )

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.purpose}"
