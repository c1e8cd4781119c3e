"""Incidents, their playbook steps and notification clocks, and the team's bulletins
(docs/incidents.md).

An incident names the customers it affects by id only, and the kinds of data involved
by the inventory's categories: nothing of a profile is copied here, so the incident
record never becomes a second, unencrypted place where customer data lives."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Incident(models.Model):
    class Kind(models.TextChoices):
        DATA_BREACH = "data_breach", "Data breach"
        ACCOUNT_COMPROMISE = "account_compromise", "Account compromise"
        PHISHING = "phishing", "Phishing"
        LOST_DEVICE = "lost_device", "Lost device"
        SERVICE_OUTAGE = "service_outage", "Service outage"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONTAINED = "contained", "Contained"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    # When the company became aware: GDPR Art. 33's 72 hours run from here.
    aware_at = models.DateTimeField()
    opened_at = models.DateTimeField()
    opened_by = models.CharField(max_length=254)
    high_risk = models.BooleanField(default=False)  # to people's rights (GDPR Art. 34)
    categories = models.JSONField(default=list)     # the inventory's data categories
    alert_ids = models.JSONField(default=list)
    ticket_ids = models.JSONField(default=list)
    customer_ids = models.JSONField(default=list)   # UUID strings, never profile values
    # The post-incident report.
    cause = models.TextField(blank=True)
    consequences = models.TextField(blank=True)
    impact = models.TextField(blank=True)
    actions_taken = models.TextField(blank=True)
    actions_planned = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-opened_at", "-id")

    def __str__(self) -> str:
        return f"incident {self.pk} ({self.kind})"


class Step(models.Model):
    """One line of the playbook's checklist, copied when the incident opened, so a later
    change of the playbooks file never rewrites what was done."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    owner_role = models.CharField(max_length=32)
    action = models.CharField(max_length=32, blank=True)  # "" for a plain checklist line
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=254, blank=True)
    result = models.JSONField(default=dict)  # what an acting step did: counts

    class Meta:
        ordering = ("incident", "position")
        constraints = [models.UniqueConstraint(fields=("incident", "position"),
                                               name="grc_step_position")]

    def __str__(self) -> str:
        return f"step {self.position} of incident {self.incident_id}"


class NoticeClock(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", "Supervisory authority (GDPR Art. 33)"
        SUBJECTS = "subjects", "Affected people (GDPR Art. 34)"
        HIPAA = "hipaa", "HIPAA breach notification"
        PIPL = "pipl", "PIPL notification"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_at = models.DateTimeField(db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    # The evidence of the notice: when, who sent it, to whom and its reference.
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.CharField(max_length=254, blank=True)
    recipient = models.CharField(max_length=254, blank=True)
    reference = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ("due_at", "id")
        constraints = [models.UniqueConstraint(fields=("incident", "kind"),
                                               name="grc_clock_once")]

    def __str__(self) -> str:
        return f"{self.kind} clock of incident {self.incident_id}"


class Bulletin(models.Model):
    """A security officer's word to the team about an incident or a near miss."""

    title = models.CharField(max_length=200)
    body = models.TextField()
    incident = models.ForeignKey(Incident, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="bulletins")
    near_miss = models.BooleanField(default=False)
    published_at = models.DateTimeField(db_index=True)
    published_by = models.CharField(max_length=254)

    class Meta:
        ordering = ("-published_at", "-id")

    def __str__(self) -> str:
        return f"bulletin {self.pk}"


class BulletinRead(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("bulletin", "user"),
                                               name="grc_bulletin_read_once")]

    def __str__(self) -> str:
        return f"bulletin {self.bulletin_id} read by {self.user_id}"
