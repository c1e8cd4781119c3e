"""What retention enforcement keeps about itself: legal holds and runs.

Plain ids, not foreign keys, to customers and tickets: this app sits below them (its
inventory is what the customers app validates against), and a hold or a run is a record
that outlives what it was about — a released hold of an erased customer still says who
held what, when and why.
"""

from __future__ import annotations

from django.db import models


class LegalHold(models.Model):
    """Retention pauses for a customer while a hold is active (``released_at`` unset). A
    hold on the customer alone keeps everything of theirs; one narrowed to a ticket keeps
    that ticket, and the profile that says whose it is (``docs/privacy.md``)."""

    customer_id = models.UUIDField(db_index=True)
    ticket_id = models.BigIntegerField(null=True, blank=True)
    # Why, without personal data: it outlives the customer's key.
    reason = models.TextField()
    set_by = models.CharField(max_length=254)
    set_by_user_id = models.BigIntegerField(null=True, blank=True)
    set_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ("-set_at", "-id")
        indexes = (models.Index(fields=("customer_id", "released_at")),)

    def __str__(self) -> str:
        return f"hold {self.pk} on {self.customer_id}"

    @property
    def active(self) -> bool:
        return self.released_at is None


class RetentionRun(models.Model):
    """One pass of retention, pinned to ``as_of``: proposed by a preview, approved (by a
    privacy officer, or by TrustDesk itself with ``TRUSTDESK_RETENTION_AUTO``), then
    worked through in bounded batches. ``phase`` and ``cursor`` say where the last
    committed batch stopped, so an interrupted run continues there; ``done`` counts what
    was deleted, committed with the deletions themselves."""

    class Status(models.TextChoices):
        PROPOSED = "proposed"  # a preview, awaiting approval
        APPROVED = "approved"  # approved, no batch has run yet
        RUNNING = "running"  # some batches ran; more remain
        DONE = "done"
        SUPERSEDED = "superseded"  # a newer preview replaced it before approval

    class Phase(models.TextChoices):
        FIELDS = "fields"
        CUSTOMERS = "customers"
        TICKETS = "tickets"
        FINISHED = "finished"

    status = models.CharField(max_length=10, choices=Status.choices,
                              default=Status.PROPOSED)
    # True while approved or running, else NULL: the unique constraint allows one such
    # run at a time (NULLs never collide), whoever approves.
    active = models.BooleanField(null=True, default=None, unique=True)
    as_of = models.DateTimeField()
    created_at = models.DateTimeField()
    proposed_by = models.CharField(max_length=254)
    approved_by = models.CharField(max_length=254, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    auto = models.BooleanField(default=False)
    # Counts only, never values: {"fields": {name: n}, "customers": n, "tickets": n,
    # "messages": n}.
    preview = models.JSONField(default=dict)
    done = models.JSONField(default=dict)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.FIELDS)
    cursor = models.CharField(max_length=64, blank=True)
    batches = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"retention run {self.pk} ({self.status})"
