import uuid

from django.conf import settings
from django.db import models

from trustdesk.core.models import TimeStampedModel
from trustdesk.tickets.choices import Channel, Direction, Priority, Status


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
    # Who else the conversation goes to (``tickets.cc``): other people's addresses,
    # sealed under the customer's key like everything of theirs.
    cc_sealed = models.BinaryField(null=True, blank=True)
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
    next_due_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField("Tag", through="TicketTag", related_name="tickets",
                                  blank=True)

    class Meta:
        ordering = ("-last_message_at", "-id")
        indexes = (
            models.Index(fields=("status", "-last_message_at")),
            models.Index(fields=("assignee", "status")),
            models.Index(fields=("team", "status")),
            # "Due first" exactly as ordered: a team-scoped queue walks it instead of
            # sorting every visible ticket.
            models.Index(fields=("next_due_at", "last_message_at", "id"),
                         name="ticket_due_order"),
        )

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


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


# The helpdesk's working tools (tags, views, macros, service levels, presence,
# notifications) live in their own module; imported here so Django finds them.
from trustdesk.tickets.models_desk import (  # noqa: E402, F401
    BusinessHours,
    Follower,
    Macro,
    Notification,
    Presence,
    SavedView,
    SlaPolicy,
    Survey,
    Tag,
    TicketTag,
)
