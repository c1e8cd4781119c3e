"""The audit trail's tables. Rows are only ever inserted: events by the use cases, chain
links and checkpoints by the chainer. On PostgreSQL a trigger refuses UPDATE and DELETE
(except pruning past the retention period); see docs/audit.md."""

import uuid

from django.db import models


class AuditEvent(models.Model):
    """One thing that happened to customer data or to security settings.

    Events name objects and fields, never values. Actors are stored as plain identifiers
    rather than foreign keys so that no deletion elsewhere can cascade into the trail.
    ``mac`` is an HMAC of the event's canonical encoding under a key outside the database.
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed"
        DENIED = "denied"
        ERROR = "error"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=254, db_index=True)
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
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=("object_type", "object_id")),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_id}"


class AuditPending(models.Model):
    """Events committed but not yet chained (the chainer's work queue; not audit data)."""

    event_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.event_id)


class AuditChainLink(models.Model):
    """Position ``seq`` of the chain: hash = SHA-256(previous hash ‖ event MAC)."""

    seq = models.BigIntegerField(primary_key=True)
    event_id = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("seq",)

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash[:12]}"


class AuditCheckpoint(models.Model):
    """The chain head at ``seq``, signed with Ed25519 by a key outside the database."""

    seq = models.BigIntegerField(primary_key=True)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ("seq",)

    def __str__(self) -> str:
        return f"checkpoint {self.seq}"


class AuditVerification(models.Model):
    """The outcome of each verification run, for the console's status panel."""

    at = models.DateTimeField()
    ok = models.BooleanField()
    checked = models.BigIntegerField()
    first_bad_seq = models.BigIntegerField(null=True)
    problem = models.TextField(blank=True)
    seconds = models.FloatField()

    class Meta:
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"verification {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'FAILED'}"
