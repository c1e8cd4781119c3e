from django.db import models


class Alert(models.Model):
    """Something a security officer should look at: a break-glass access (an agent
    reached a customer's data without the need to know), an agent declaring more
    customer contacts in a day than usual, or a burst of exact-match customer searches
    (guessing).
    The audit trail holds the event itself; the alert is the security officer's to-do."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break_glass", "Break-glass reveal"
        # An agent declared more customer contacts in a day than the threshold: each
        # gives need-to-know, so many are a way round it.
        DECLARED_CONTACTS = "declared_contacts", "Many declared contacts"
        # Someone searched customers by exact value faster than the limit allows: the
        # pattern of guessing who is a customer (an e-mail address, a phone number).
        SEARCH_BURST = "search_burst", "Burst of customer searches"
        # A key-encryption key or the data keys are past their cryptoperiod.
        KEY_ROTATION_DUE = "key_rotation_due", "Key rotation due"
        # Someone passed a caller-verification gate without the caller verified, with a
        # reason: the way an impostor's "urgent" change gets made.
        VERIFICATION_OVERRIDE = "verification_override", "Verification overridden"
        # A customer's caller failed verification again and again: someone is guessing.
        VERIFICATION_FAILURES = "verification_failures", "Repeated failed verification"
        # A privacy request was not answered by its legal deadline (docs/dsr.md).
        DSR_BREACH = "dsr_breach", "Privacy request past its deadline"
        # An incident's notification clock (GDPR Art. 33/34, HIPAA, PIPL) ran out with
        # the notice not recorded as sent (docs/incidents.md).
        INCIDENT_CLOCK = "incident_clock", "Breach notice past its deadline"
        # An insider-threat alert an officer opened an incident from (insider/models.py
        # InsiderAlert): the link incidents know, the alert itself stays in insider.
        INSIDER = "insider", "Insider-threat alert"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor_label = models.CharField(max_length=254)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    customer_id = models.UUIDField(null=True, blank=True)
    field = models.CharField(max_length=64, blank=True)
    # The person's own words; never the revealed value.
    reason = models.TextField()

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_label}"


class RoleGrant(models.Model):
    """A shipped role's permissions as an admin edited them. No row: the role has its
    shipped defaults (``roles.ROLE_PERMISSIONS``). Changes go through
    ``access.services.role_update`` (audited); ``grants.permissions_for`` reads them."""

    role = models.CharField(max_length=32, unique=True)
    permissions = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=254)

    def __str__(self) -> str:
        return f"{self.role}: {len(self.permissions)} permissions"
