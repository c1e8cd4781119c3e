"""The mail gateway's records: support addresses, the policy's lists, greylisting, the
durable queue of accepted mail (and its suspended part), outbound mail and the Message-IDs
that thread a conversation.

What a message says is personal data: the raw message and its envelope are sealed in the
vault under a key of the message's own (``mail:<uid>``), so that deleting it from the
suspended queue, or dropping it once it is a ticket, is a crypto-shred. The verdicts
(``checks``) hold results and domain names, never addresses or text.
"""

from __future__ import annotations

import uuid

from django.db import models

from trustdesk.core.models import TimeStampedModel


class Route(TimeStampedModel):
    """A support address: mail to it becomes tickets in ``team``'s queue, and replies go
    out from it, DKIM-signed with its key (kept sealed in the vault)."""

    address = models.CharField(max_length=254, unique=True)  # lower-case, IDN in punycode
    name = models.CharField(max_length=100, blank=True)  # the From display name
    team = models.ForeignKey("accounts.Team", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    dkim_selector = models.CharField(max_length=63, blank=True)
    dkim_key_sealed = models.BinaryField(null=True, blank=True)
    dkim_public = models.TextField(blank=True)  # base64 DER, the p= of the DNS record
    # Follow the sender domain's DMARC policy (reject / quarantine) for this address.
    honour_dmarc = models.BooleanField(default=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("address",)

    def __str__(self) -> str:
        return self.address


class ListEntry(TimeStampedModel):
    """One entry of the gateway's allow or deny list."""

    class Action(models.TextChoices):
        ALLOW = "allow"
        DENY = "deny"

    class Kind(models.TextChoices):
        ADDRESS = "address"  # a sender address
        DOMAIN = "domain"  # a sender domain and its subdomains
        NETWORK = "network"  # a client IP address or CIDR
        COUNTRY = "country"  # ISO 3166-1 alpha-2 of the client address

    action = models.CharField(max_length=5, choices=Action.choices)
    kind = models.CharField(max_length=7, choices=Kind.choices)
    value = models.CharField(max_length=254)  # normalised (lower-case, CIDR, upper-case)
    note = models.CharField(max_length=200, blank=True)
    created_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("kind", "value")
        constraints = (
            models.UniqueConstraint(fields=("kind", "value"), name="mail_list_entry_unique"),
        )

    def __str__(self) -> str:
        return f"{self.action} {self.kind} {self.value}"


class Greylist(models.Model):
    """A (client network, sender, recipient) triplet seen by the listener. ``key`` is a
    keyed digest (the vault's blind index), so the table holds no address in clear."""

    key = models.CharField(max_length=64, unique=True)
    first_seen = models.DateTimeField()
    passed_at = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"greylist {self.key[:12]}"


class InboundMail(models.Model):
    """A message the listener accepted: written (sealed) before the client is told
    ``250``, then taken by the intake job. Suspended mail waits here for an officer."""

    class State(models.TextChoices):
        QUEUED = "queued"  # accepted, waiting for intake
        DELIVERED = "delivered"  # in a ticket
        SUSPENDED = "suspended"  # quarantined by the policy, with a reason
        IGNORED = "ignored"  # an auto-reply, a bounce or a loop: kept out of tickets
        DELETED = "deleted"  # deleted from the suspended queue; its content shredded
        FAILED = "failed"  # intake could not process it (the job's dead letter says why)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    peer_ip = models.GenericIPAddressField()
    size = models.PositiveIntegerField()
    # Sealed under ``mail:<uid>``: the raw message, and the envelope (HELO, MAIL FROM,
    # RCPT TO) as JSON.
    raw_sealed = models.BinaryField(null=True)
    envelope_sealed = models.BinaryField(null=True)
    state = models.CharField(max_length=9, choices=State.choices, default=State.QUEUED)
    reason = models.CharField(max_length=40, blank=True)  # a code: dmarc_quarantine, …
    reason_text = models.CharField(max_length=300, blank=True)  # the code in plain words
    # What each check found: {"spf": {...}, "dkim": [...], "dmarc": {...}, "lists": ...}.
    checks = models.JSONField(default=dict, blank=True)
    route = models.ForeignKey(Route, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    ticket_id = models.BigIntegerField(null=True, blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)  # the tickets.Message
    processed_at = models.DateTimeField(null=True, blank=True)
    decided_by_user_id = models.BigIntegerField(null=True, blank=True)  # release / delete

    class Meta:
        ordering = ("-received_at", "-id")
        indexes = (models.Index(fields=("state", "-received_at")),)

    def __str__(self) -> str:
        return f"inbound mail {self.uid}"

    @property
    def subject(self) -> str:
        return f"mail:{self.uid}"


class OutboundMail(models.Model):
    """A reply or notice on its way out through the relay, sent by a job with retries.
    The signed message is sealed under the ticket's customer's key."""

    class State(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        FAILED = "failed"  # the relay refused it for good, or retries ran out
        BOUNCED = "bounced"  # a delivery status notification came back

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="+")
    ticket_id = models.BigIntegerField(db_index=True)
    message = models.ForeignKey("tickets.Message", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    message_id_header = models.CharField(max_length=250, unique=True)  # <uuid@domain>
    mime_sealed = models.BinaryField()
    # The DKIM selector it was signed with; empty: sent unsigned (the route has no key).
    dkim_selector = models.CharField(max_length=63, blank=True)
    state = models.CharField(max_length=7, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"outbound mail {self.uid}"


class MessageRef(models.Model):
    """A Message-ID that belongs to a ticket's conversation (sent or received), by its
    keyed digest: ``In-Reply-To`` and ``References`` find the ticket through it. A
    reference alone never attaches mail to a ticket's conversation (``mailgateway.intake``
    checks the sender too)."""

    digest = models.CharField(max_length=64)
    ticket_id = models.BigIntegerField()
    outbound = models.BooleanField(default=False)
    # The Message-ID itself, for the In-Reply-To and References of a reply. It names the
    # sender's host or domain (some mailers put the sender's address in it), so it is
    # sealed under the ticket's customer's key and shredded with the rest of their data.
    header_sealed = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("digest", "ticket_id"), name="mail_ref_unique"),
        )
        indexes = (models.Index(fields=("digest",)),)

    def __str__(self) -> str:
        return f"ref {self.digest[:12]} → ticket {self.ticket_id}"


class PhishingReport(models.Model):
    """An agent's "Report phishing" on a ticket: the ticket is held out of every queue
    until a security officer releases it (not phishing) or confirms it. The sender is
    kept as a keyed digest of their address and their organisational domain: enough for
    the reputation later mail is weighed with, no address in clear."""

    class State(models.TextChoices):
        OPEN = "open"  # held, waiting for an officer
        CONFIRMED = "confirmed"  # phishing: the ticket is closed where it is
        RELEASED = "released"  # not phishing: the ticket is back in its queue

    ticket_id = models.BigIntegerField(db_index=True)
    message_id = models.BigIntegerField(null=True, blank=True)  # the reported message
    mail = models.ForeignKey(InboundMail, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    reporter_user_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True, blank=True)  # the ticket's, when reported
    reason = models.CharField(max_length=300, blank=True)
    sender_digest = models.CharField(max_length=64, blank=True)
    sender_domain = models.CharField(max_length=253, blank=True)
    # Whether the gateway had already rated it suspicious (or phishing, released).
    flagged = models.BooleanField(default=False)
    delivered_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=9, choices=State.choices, default=State.OPEN)
    decided_by_user_id = models.BigIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-reported_at", "-id")

    def __str__(self) -> str:
        return f"phishing report {self.pk} on ticket {self.ticket_id}"


class Reputation(models.Model):
    """How often agents reported mail from a sender address (by keyed digest) or a
    sender domain as phishing, less the reports officers released."""

    class Kind(models.TextChoices):
        ADDRESS = "address"
        DOMAIN = "domain"

    kind = models.CharField(max_length=7, choices=Kind.choices)
    key = models.CharField(max_length=253)
    reports = models.PositiveIntegerField(default=0)
    last_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("kind", "key"), name="mail_reputation_unique"),
        )

    def __str__(self) -> str:
        return f"{self.kind} reputation {self.reports}"
