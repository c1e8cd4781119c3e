from django.db import models


class AuditEvent(models.Model):
    """One thing that happened to customer data or to security settings.

    Events name objects and fields, never values. Actors are stored as plain identifiers
    rather than foreign keys so that no deletion elsewhere can cascade into the trail.
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed"
        DENIED = "denied"
        ERROR = "error"

    at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=254)
    actor_user_id = models.BigIntegerField(null=True, db_index=True)
    token_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    fields = models.JSONField(default=list)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=256, blank=True)
    # A digest of the session key: enough to group one session's events, useless to hijack it.
    session = models.CharField(max_length=64, blank=True)
    context = models.JSONField(default=dict)

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=("object_type", "object_id")),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_id}"
