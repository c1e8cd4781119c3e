"""Request and response shapes. Requests forbid unknown fields: a typo is an error, not
silently ignored data."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

StatusName = Literal["new", "open", "pending", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]
ChannelName = Literal["email", "web", "api", "phone", "chat"]
# tickets.models.Quarantine (a test keeps the two the same)
QuarantineReason = Literal["not_utf8", "pdf_encrypted", "pdf_malformed", "pdf_embedded",
                           "too_many_pages", "too_large", "timeout", "scan_failed",
                           "not_scannable", "malware", "executable", "macro", "disguised",
                           "encrypted", "html"]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class PageMeta(Schema):
    page: int
    page_size: int
    total: int


# --- customers ---------------------------------------------------------------------------
class CustomerIn(In):
    profile: dict[str, str | None] = Field(
        description="Declared profile fields only (see GET /datamap); null removes a field."
    )
    consent_how: str | None = Field(
        default=None, max_length=16,
        description="A field on consent is written only with the customer's consent on "
                    "record: how they gave it (phone, email, letter, in_person, web_form, "
                    "imported), recorded with the write")


class CustomerPatchIn(CustomerIn):
    break_glass: bool = Field(default=False, description="Change a customer need-to-know "
                              "withholds; audited as break-glass and alerts security")
    reason: str | None = Field(default=None, max_length=2000,
                               description="Why, with break_glass (5 to 500 characters)")
    verification_override: str | None = Field(
        default=None, max_length=2000,
        description="Pass the caller-verification gate without the caller verified: why "
                    "(5 to 500 characters; audited, alerts security officers)")


class ErasureOut(Schema):
    erased_at: dt.datetime
    erased_by: str
    reason: str


class CustomerOut(Schema):
    id: uuid.UUID
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    profile: dict[str, str] = Field(
        description="The fields the reader may see, masked where the policy masks them")
    access: dict[str, str] = Field(
        default_factory=dict,
        description="For each present field: visible, masked, revealable (masked; "
        "POST .../reveal shows it), or locked (no ticket gives the need to know; a "
        "break-glass reveal is possible). Hidden fields are absent.")
    erasure: ErasureOut | None = None


class CustomerPage(PageMeta):
    items: list[CustomerOut]


class RevealIn(In):
    field: str = Field(max_length=64, description="A field whose access is revealable "
                       "(or locked, with break_glass)")
    reason: str = Field(min_length=1, max_length=2000,
                        description="Why the value is needed (5 to 500 characters; audited)")
    break_glass: bool = Field(default=False, description="Reveal a field need-to-know "
                              "withholds; audited as break-glass and alerts security")
    verification_override: str | None = Field(
        default=None, max_length=2000,
        description="Pass the caller-verification gate without the caller verified: why "
                    "(5 to 500 characters; audited, alerts security officers)")


class RevealOut(Schema):
    field: str
    value: str
    expires_at: dt.datetime = Field(description="Show the value until then, then mask it")
    break_glass: bool


class TokenRevealIn(In):
    token: str = Field(min_length=1, max_length=120,
                       description="A token from a message of the ticket (pii_… or card_…)")
    reason: str = Field(min_length=1, max_length=2000,
                        description="Why the value is needed (5 to 500 characters; audited)")
    break_glass: bool = Field(default=False, description="Reveal without a need to know "
                              "for the ticket's customer; audited as break-glass and alerts "
                              "security")


class TokenRevealOut(Schema):
    token: str
    entity: str
    value: str
    expires_at: dt.datetime = Field(description="Show the value until then, then mask it")
    break_glass: bool


class AttachmentIn(In):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(default="application/octet-stream", max_length=127)
    content_base64: str


class TicketCreateIn(In):
    customer_id: uuid.UUID
    subject: str = Field(max_length=200)
    body: str
    channel: ChannelName = "api"
    priority: PriorityName = "normal"
    team_id: int | None = None
    assignee_id: int | None = Field(
        default=None, description="Yourself, or (with ticket.assign) anyone who can take "
                                  "tickets")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)
    reason: str | None = Field(
        default=None, max_length=500,
        description="Why you take this message down on the customer's behalf (for example "
                    "'caller on the line'): a declared contact, which gives you need-to-know "
                    "for the customer and is audited. Required.")


class TicketPatchIn(In):
    subject: str | None = Field(default=None, max_length=200)
    status: StatusName | None = None
    priority: PriorityName | None = None
    team_id: int | None = None
    assignee_id: int | None = None


class MessageIn(In):
    body: str
    direction: Literal["outbound", "note", "inbound"] = "outbound"
    status: StatusName | None = Field(
        default=None, description="Status after an outbound reply or note"
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)
    reason: str | None = Field(
        default=None, max_length=500,
        description="With an inbound message: why you take it down on the customer's "
                    "behalf (a declared contact). Required for inbound messages.")
    seen_up_to: int | None = Field(
        default=None, ge=0, description="The last message id you have read: a colleague's "
        "reply (or the customer's) since is a warning like the reply guard's")
    seen_count: int | None = Field(
        default=None, ge=0, description="How many messages you have read: with "
        "seen_up_to, shows messages merged in from another ticket since")
    send_despite_warnings: bool = Field(
        default=True,
        description="false: if the reply guard warns, nothing is stored or sent and the "
                    "answer is 400 reply_guard_warning with the warnings; check, then send "
                    "again. true: warnings come back as guard_warnings on the sent reply")


class Ref(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str | None = Field(
        description="Of the stored file; null for a quarantined file the caller may not "
                    "download (it is a digest of content nobody scanned)")
    quarantined: bool = Field(
        default=False,
        description="Intake could not scan this file (it may hold card numbers or secrets "
                    "in clear); only roles that may see every customer field can download it")
    quarantine_reason: QuarantineReason | None = Field(
        default=None, description=("Why it could not be scanned, or what the mail "
                                   "gateway's scanner found in it"))
    downloadable: bool = Field(
        default=True, description="Whether the caller may download it (a quarantined file "
                                  "is otherwise not found)")


class MessageOut(Schema):
    id: int
    direction: str
    channel: str
    author: Ref | None
    body: str = Field(description=(
        "The text as the caller may read it: each value intake tokenized is shown as the "
        "field policy shows the matching profile field to the caller's role: "
        "'[email withheld]' (hidden, or locked), '[EMAIL_ADDRESS a***@example.org]' "
        "(masked), the same with ', token pii_…' (revealable: POST …/reveal with the "
        "token and a reason), or the value (visible)"))
    created_at: dt.datetime
    attachments: list[AttachmentOut]
    redactions: dict[str, int] = Field(
        default_factory=dict,
        description="PII removed from this message on intake: entity → count (no values)")
    guard_warnings: list[str] = Field(
        default_factory=list,
        description="On a reply just sent: what the reply guard asks the agent to check")
    mail_warnings: list[str] = Field(
        default_factory=list,
        description="On a message that came by mail: what the gateway found, in plain words "
                    "(failed DMARC, a reply-to that differs, a quarantined attachment)")


class SlaTimerOut(Schema):
    kind: Literal["first_response", "resolution"]
    due_at: dt.datetime | None
    state: Literal["running", "at_risk", "breached", "paused", "met", "missed"]
    minutes: int = Field(description="To the target; negative past it (for met or missed: "
                                     "how early or late)")


class TicketOut(Schema):
    id: int
    subject: str
    status: str
    priority: str
    channel: str
    customer_id: uuid.UUID
    customer_name: str | None
    assignee: Ref | None
    team: Ref | None
    created_at: dt.datetime
    updated_at: dt.datetime
    last_message_at: dt.datetime
    tags: list[str] = Field(default_factory=list)
    sla: list[SlaTimerOut] = Field(default_factory=list)


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]


class TicketPage(PageMeta):
    total_capped: bool = Field(default=False, description=(
        "True when counting stopped at the cap (1,000): there are at least `total`"))
    items: list[TicketOut]


class MessagePage(PageMeta):
    items: list[MessageOut]


# --- people and metadata -----------------------------------------------------------------
class AgentOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    is_active: bool
    teams: list[Ref]


class MeOut(AgentOut):
    permissions: list[str]


class TeamOut(Schema):
    id: int
    name: str
    description: str


class DataFieldOut(Schema):
    name: str
    label: str
    type: str
    category: str
    sensitivity: str
    purpose: str
    legal_basis: str
    required: bool
    retention: str
    retention_days: int
    searchable: bool


# --- audit trail -------------------------------------------------------------------------
