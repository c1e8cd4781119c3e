"""The helpdesk's working tools: service levels and business hours, presence, tags,
saved views, macros, followers and notifications. Part of ``tickets.models``."""

from django.conf import settings
from django.db import models

from trustdesk.tickets.choices import Channel, Priority, Status


class BusinessHours(models.Model):
    """A team's opening hours (``tickets.business_hours``): targets of a policy counted
    in business hours run only while the ticket's team is open."""

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE,
                                related_name="business_hours")
    timezone = models.CharField(max_length=64, default="UTC")
    schedule = models.JSONField(default=dict)  # {"mon": [["09:00", "17:00"]], ...}
    holidays = models.JSONField(default=list)  # ["2026-12-25", ...]
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"hours of team {self.team_id}"


class SlaPolicy(models.Model):
    """Targets for tickets of a priority and channel (blank: any). The first active
    policy by ``position`` that matches a ticket applies to it."""

    name = models.CharField(max_length=80, unique=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    business_hours = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.name


class Presence(models.Model):
    """Who has a ticket open right now, and whether they are writing a reply
    (``tickets.presence``): a heartbeat from the console, kept in the database so every
    replica sees it."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    replying = models.BooleanField(default=False)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = (models.UniqueConstraint(fields=("ticket", "user"),
                                               name="presence_once"),)

    def __str__(self) -> str:
        return f"user {self.user_id} on ticket {self.ticket_id}"


class Tag(models.Model):
    """A label agents put on tickets ("refund", "vip"). Shown in clear in every queue, so
    ``tickets.tagging`` refuses a name that holds personal data."""

    name = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="ticket_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="ticket_tags")
    added_by_user_id = models.BigIntegerField(null=True, blank=True)  # outlives the account
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("ticket", "tag"),
                                               name="ticket_tag_once"),)
        # The queue filtered by a tag starts from the tag.
        indexes = (models.Index(fields=("tag", "ticket")),)

    def __str__(self) -> str:
        return f"tag {self.tag_id} on ticket {self.ticket_id}"


class SavedView(models.Model):
    """A queue's filters kept under a name: the owner's own, or shared with everyone who
    works tickets. The filters are TicketFilters' fields, checked when saved and again
    when applied; a view grants nothing (the queue stays the reader's own)."""

    name = models.CharField(max_length=60)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="saved_views")
    shared = models.BooleanField(default=False)
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "id")
        constraints = (models.UniqueConstraint(fields=("owner", "name"),
                                               name="saved_view_name_per_owner"),)

    def __str__(self) -> str:
        return self.name


class Macro(models.Model):
    """A canned reply: text with placeholders (``tickets.macros``), and the status a
    reply with it sets. Personal, or shared with everyone who works tickets."""

    name = models.CharField(max_length=60)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="macros")
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "id")
        constraints = (models.UniqueConstraint(fields=("owner", "name"),
                                               name="macro_name_per_owner"),)

    def __str__(self) -> str:
        return self.name


class Follower(models.Model):
    """Someone who asked to hear about a ticket (``tickets.notifications``)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("ticket", "user"),
                                               name="follower_once"),)

    def __str__(self) -> str:
        return f"user {self.user_id} follows ticket {self.ticket_id}"


class Notification(models.Model):
    """Something a person should know about a ticket. Names the ticket, never what it
    says: the text is built when shown, for a reader who can still see the ticket."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "assigned to you"
        CUSTOMER_REPLY = "customer_reply", "the customer wrote"
        SLA_RISK = "sla_risk", "a service-level target is near"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Who caused it (a user id; None for a channel or a schedule) and, for SLA risk,
    # which target: one notification per target, however often the schedule runs.
    by_user_id = models.BigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("user", "read_at", "-created_at")),)
        constraints = (models.UniqueConstraint(
            fields=("user", "ticket", "kind", "key"), condition=~models.Q(key=""),
            name="notification_once_per_key"),)

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id} on ticket {self.ticket_id}"


class Survey(models.Model):
    """The one-question satisfaction survey sent when a ticket is solved
    (``tickets.csat``): a rating from 1 to 5, nothing the customer typed. Who solved it
    and in which team are kept as plain ids, for the results per agent and team."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE,
                                  related_name="survey")
    agent_user_id = models.BigIntegerField(null=True, blank=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=("answered_at",)),)

    def __str__(self) -> str:
        return f"survey of ticket {self.ticket_id}"
