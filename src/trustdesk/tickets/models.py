import uuid

from django.conf import settings
from django.db import models

from trustdesk.core.models import TimeStampedModel


class Status(models.TextChoices):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  # waiting for the customer
    SOLVED = "solved"  # reopens if the customer writes again
    CLOSED = "closed"  # final


class Priority(models.TextChoices):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEB = "web", "Web"
    API = "api", "API"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"


class Direction(models.TextChoices):
    INBOUND = "inbound"  # from the customer
    OUTBOUND = "outbound"  # to the customer
    NOTE = "note"  # internal, never sent


class Ticket(TimeStampedModel):
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    last_message_at = models.DateTimeField(db_index=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    # Where need-to-know comes from (docs/access.md). The customer wrote on this ticket
    # themself (a channel, not an agent typing on their behalf):
    customer_wrote = models.BooleanField(default=False)
    # Who made the current assignment and the current team routing: a user id, or None
    # for TrustDesk itself (routing rules, intake). Plain ids, not foreign keys: the
    # record outlives the account. Someone assigning themself gains nothing by it.
    assigned_by_user_id = models.BigIntegerField(null=True, blank=True)
    routed_by_user_id = models.BigIntegerField(null=True, blank=True)
    # Held out of every queue (an agent reported it as phishing): only the mail gateway's
    # suspended queue shows it, until a security officer releases it.
    held_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.CharField(max_length=40, blank=True)
    # Merged into another ticket of the same customer (``tickets.merge``): closed, its
    # conversation moved there; mail that answers it goes there too.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_from")
    # Service levels (``tickets.sla``): the policy that applied when the ticket was
    # opened or its priority changed, and its targets. ``next_due_at`` is the nearer of
    # the targets not yet met (None when none is running, or while pending), for sorting
    # the queue by what falls due first.
    sla_policy = models.ForeignKey("SlaPolicy", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)  # pending since
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    tags = models.ManyToManyField("Tag", through="TicketTag", related_name="tickets",
                                  blank=True)

    class Meta:
        ordering = ("-last_message_at", "-id")
        indexes = (
            models.Index(fields=("status", "-last_message_at")),
            models.Index(fields=("assignee", "status")),
            models.Index(fields=("team", "status")),
        )

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


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

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
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
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ticket_tags")
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


class DeclaredContact(models.Model):
    """An agent took down a customer's message themself (a phone call, a walk-in): the
    customer did not write through a channel, so the agent vouches for the contact, with
    a reason. It gives that agent need-to-know for the ticket's customer; it is audited
    (``contact.declare``) and counted, and many in a day alert security officers."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE,
                               related_name="declared_contacts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = (models.Index(fields=("user", "created_at")),)

    def __str__(self) -> str:
        return f"contact declared by {self.user_id} on ticket {self.ticket_id}"


class Message(models.Model):
    """One message of a conversation. The body is sealed under the customer's key
    (``tickets.sealing``); readers get it as the ``body`` attribute once opened."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    body_sealed = models.BinaryField()
    # What intake redaction removed: entity name → count. Never values.
    redactions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.direction} message {self.pk} on ticket {self.ticket_id}"


class Quarantine(models.TextChoices):
    """Why intake could not scan a file (``tickets.scanning``). A quarantined file is kept
    whole, sealed like any other, and only roles that may see every field can download it
    (``tickets.quarantine``): it may hold card numbers or secrets in clear."""

    NOT_UTF8 = "not_utf8", ("The file is not plain UTF-8 text (an undecodable byte or a NUL), "
                            "so it could not be scanned.")
    PDF_ENCRYPTED = "pdf_encrypted", "The PDF is encrypted, so its text could not be read."
    PDF_MALFORMED = "pdf_malformed", ("The PDF is damaged or not a PDF; its text could not "
                                      "be read.")
    PDF_EMBEDDED = "pdf_embedded", "The PDF carries embedded files, which intake does not read."
    TOO_MANY_PAGES = "too_many_pages", "The PDF has more pages than intake scans."
    TOO_LARGE = "too_large", ("The file, or its decompressed content, is larger than intake "
                              "scans.")
    TIMEOUT = "timeout", "Reading the file took longer than intake allows."
    SCAN_FAILED = "scan_failed", "The scanner stopped before reading the whole file."
    NOT_SCANNABLE = "not_scannable", ("Intake cannot read this kind of file (an image, an "
                                      "archive, an office document), so it was not scanned.")
    # Flagged by the mail gateway's attachment scanner (``mailgateway.scanner``).
    MALWARE = "malware", "The virus scanner found malware, or the EICAR test file, in it."
    EXECUTABLE = "executable", "It is a program or a script, which could run on a computer."
    MACRO = "macro", "It is an Office document with macros."
    DISGUISED = "disguised", ("Its name hides what it is: a double extension, or content "
                              "of another kind than its name says.")
    ENCRYPTED = "encrypted", ("It is encrypted (an archive or a document with a password), "
                              "so it could not be scanned.")
    HTML = "html", "It is an HTML page, a common carrier of fake sign-in forms."


class Attachment(models.Model):
    """A file on a message. Kept in the database, beside the message it belongs to, so it
    is encrypted, backed up and erased with the rest of the customer's data. The file name
    and digest (which can identify a known file) are sealed too; readers get ``filename``
    and ``sha256`` attributes once opened. ``quarantine`` is empty for a file intake
    scanned, else the reason it could not (``Quarantine``)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(max_length=127)
    size = models.PositiveIntegerField()
    meta_sealed = models.BinaryField()
    data = models.BinaryField()
    quarantine = models.CharField(max_length=16, choices=Quarantine.choices, blank=True,
                                  default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"attachment {self.pk}"

    @property
    def quarantined(self) -> bool:
        return bool(self.quarantine)
