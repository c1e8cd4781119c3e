"""What the hourly scan keeps (docs/insider.md, "Alerts"): where it got to in the audit
trail, and the alerts security officers work. An alert names a person, a detector, a
score and audit events — their ids and plain words, never customer values."""

from __future__ import annotations

from django.db import models


class ScanState(models.Model):
    """The scan's cursor: the last audit event it judged. One row (``name`` "scan")."""

    name = models.CharField(max_length=32, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    scanned_at = models.DateTimeField(null=True, blank=True)
    events = models.IntegerField(default=0)  # events in the last window judged

    def __str__(self) -> str:
        return f"{self.name} at event {self.last_event_id}"


class InsiderAlert(models.Model):
    """One detector's alert about one person over one window. A later scan that sees the
    same detector, person and window again updates it (``dedup_key`` and the overlap of
    windows, ``insider/alerts.py``) rather than adding another."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        DISMISSED = "dismissed", "Dismissed"
        INCIDENT = "incident", "Incident opened"

    dedup_key = models.CharField(max_length=400, unique=True)
    detector = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=254, db_index=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    summary = models.TextField(blank=True)
    # [{"event": "<uid or id:N>", "id": <audit event id or null>, "what": "plain words"}]
    evidence = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.CharField(max_length=254, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(blank=True)
    dismissed_score = models.PositiveSmallIntegerField(null=True, blank=True)
    incident_id = models.BigIntegerField(null=True, blank=True)
    access_alert_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-last_at", "-id")
        indexes = [models.Index(fields=("detector", "actor_label", "last_at"))]

    def __str__(self) -> str:
        return f"{self.detector} on {self.actor_label} ({self.score})"
