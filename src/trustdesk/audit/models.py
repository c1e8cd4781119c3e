"""The audit trail's tables. Rows are only ever inserted: events by the use cases, chain
links and checkpoints by the chainer. On PostgreSQL a trigger refuses UPDATE and DELETE
(except pruning past the retention period); see docs/audit.md."""

from django.db import models
from django.utils.functional import cached_property

from trustdesk.audit import canonical


class AuditEvent(models.Model):
    """One thing that happened to customer data or to security settings.

    ``body`` is the event's canonical encoding and its record of truth (see
    ``canonical``); the columns beside it repeat the values the console filters on, and
    ``audit verify`` proves they agree with it. ``mac`` is an HMAC of the body under a key
    outside the database. Events name objects and fields, never values. Actors are plain
    identifiers rather than foreign keys so that no deletion elsewhere can cascade into the
    trail.
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed"
        DENIED = "denied"
        ERROR = "error"

    at = models.DateTimeField(db_index=True)
    actor_label = models.CharField(max_length=254)
    actor_user_id = models.BigIntegerField(null=True, db_index=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The customer whose data the event concerns, whatever its object (a ticket, say).
    customer = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    body = models.BinaryField()
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ("id",)
        # Every index costs each append (the hottest write in TrustDesk), so one per
        # filter: exact matches on actor and customer, exact or prefix ("customer.") on
        # action — a pattern-ops index serves both on PostgreSQL — instead of the two
        # indexes per column that db_index would create there.
        indexes = (
            models.Index(fields=("object_type", "object_id")),
            models.Index(fields=("actor_label",), name="audit_event_actor"),
            models.Index(fields=("customer",), name="audit_event_customer"),
            models.Index(fields=("action",), name="audit_event_action",
                         opclasses=("varchar_pattern_ops",)),
        )

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_id}"

    @cached_property
    def detail(self) -> dict:
        return canonical.detail(bytes(self.body))

    # The values kept only in the body.
    uid = property(lambda self: self.detail["uid"])
    actor_kind = property(lambda self: self.detail["actor_kind"])
    token_id = property(lambda self: self.detail["token_id"])
    fields = property(lambda self: self.detail["fields"])
    reason = property(lambda self: self.detail["reason"])
    ip = property(lambda self: self.detail["ip"])
    user_agent = property(lambda self: self.detail["user_agent"])
    session = property(lambda self: self.detail["session"])
    context = property(lambda self: self.detail["context"])


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
