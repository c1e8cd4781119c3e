"""The customer portal's rows: sign-in and confirmation links (one row per link, which
also holds the portal session it starts), and the privacy requests customers file."""

import datetime as dt
import uuid

from django.db import models


class PortalLink(models.Model):
    """A link mailed to an address. Only keyed hashes of its secret and of the session it
    starts are kept (``customers.portal``). A ``contact`` link holds what someone wrote
    without signing in, sealed under the link's own key (``portal:<id>``) until the
    address confirms it: then it becomes a ticket and the key is shredded."""

    class Purpose(models.TextChoices):
        SIGNIN = "signin"
        CONTACT = "contact"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    # None for a contact from an address no customer has yet (made on confirmation).
    customer = models.ForeignKey("customers.Customer", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="portal_links")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    session_secret = models.CharField(max_length=64, blank=True)
    session_expires_at = models.DateTimeField(null=True, blank=True)
    address_sealed = models.BinaryField(null=True)
    subject_sealed = models.BinaryField(null=True)
    body_sealed = models.BinaryField(null=True)
    ticket_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=("purpose", "created_at")),)

    def __str__(self) -> str:
        return f"{self.purpose} link {self.pk}"


class DataRequest(models.Model):
    """A customer's request for a copy of their data, a correction or erasure, filed in
    the portal or by a member of staff on their behalf. The customer's words are sealed
    under their own key; fulfilling the request is another use case's.

    The legal clock (docs/dsr.md): the rule of the customer's country (``jurisdiction``)
    gives ``due_at``, the first moment the answer is late; an extension (once, or as
    often as the rule allows) and time paused for identity checks move it later."""

    class Kind(models.TextChoices):
        ACCESS = "access", "A copy of my data"
        RECTIFICATION = "rectification", "A correction"
        ERASURE = "erasure", "Erasure of my data"
        RESTRICTION = "restriction", "Restriction of processing"
        OBJECTION = "objection", "Objection to a use of my data"

    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    class Outcome(models.TextChoices):
        FULFILLED = "fulfilled", "Fulfilled"
        REFUSED = "refused", "Refused under an exemption"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed"

    class Exemption(models.TextChoices):
        # Why a request is refused, or not carried out in full (docs/dsr.md).
        LEGAL_HOLD = "legal_hold", "A legal hold keeps the data"
        FRAUD = "fraud_investigation", "A fraud investigation"
        LEGAL_CLAIMS = "legal_claims", "Needed for legal claims"
        LEGAL_OBLIGATION = "legal_obligation", "A legal obligation to keep it"
        IDENTITY = "identity_not_verified", "The requester's identity was not verified"
        UNFOUNDED = "manifestly_unfounded", "Manifestly unfounded or excessive"

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="data_requests")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    details_sealed = models.BinaryField(null=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(db_index=True)
    # Who filed it for the customer (a member of staff's label); blank: the portal.
    filed_by = models.CharField(max_length=254, blank=True)
    # The rule's name (privacy/deadlines.py); blank for requests filed before deadlines.
    jurisdiction = models.CharField(max_length=16, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    # The privacy officer's own words, kept here and never in the audit trail.
    extension_reason = models.TextField(blank=True)
    extended_by = models.CharField(max_length=254, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the requester's identity: the clock stops at ``paused_at``, and the
    # time paused, once resumed, is added to ``due_at`` (kept in ``paused_total``).
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_total = models.DurationField(default=dt.timedelta(0))
    breached_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=254, blank=True)
    # Fulfilment (``trustdesk.dsr``). An objection names the purpose objected to.
    purpose = models.CharField(max_length=64, blank=True)
    # Nothing is released or changed before the requester is who they say: when and how
    # that was established (a verification level, or a member of staff's recorded
    # reason), and by whom.
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    identity_method = models.CharField(max_length=64, blank=True)
    identity_by = models.CharField(max_length=254, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    exemption = models.CharField(max_length=24, choices=Exemption.choices, blank=True)
    # The officer's words for a refusal, kept here like an extension's, not in the trail.
    exemption_reason = models.TextField(blank=True)

    class Meta:
        indexes = (models.Index(fields=("customer", "kind", "status")),)

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk}"
