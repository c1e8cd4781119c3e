"""The suspended queue: mail the gateway held back, for a security officer to release
(it goes through intake again, as if it had just arrived, with its verdicts kept) or to
delete (its content is crypto-shredded; the row and its verdicts stay for the record).

Reading a held message's sender and subject is reading personal data: it needs
``mail.view``, is audited, and shows them under the field policy — the sender's address
as the reviewer's role sees a customer's email address, the subject with what the PII
detector finds replaced by its kind. The body is never shown here; the verdicts say
why the message was held.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from trustdesk import pii
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, ValidationError
from trustdesk.customers import visibility
from trustdesk.customers.visibility import field_policy
from trustdesk.jobs.registry import enqueue
from trustdesk.mailgateway import sealing
from trustdesk.mailgateway.analysis import message as mime
from trustdesk.mailgateway.models import InboundMail

State = InboundMail.State
STATES = tuple(State.values)


@dataclass(frozen=True)
class Held:
    mail: InboundMail
    sender: str = ""
    subject: str = ""
    recipients: tuple[str, ...] = ()


def _uid(mail_id) -> uuid.UUID:
    try:
        return mail_id if isinstance(mail_id, uuid.UUID) else uuid.UUID(str(mail_id))
    except ValueError:
        raise NotFound() from None


def mail_list(*, actor: Actor, state: str | None = State.SUSPENDED, limit: int = 100
              ) -> list[InboundMail]:
    """The newest messages in ``state`` (suspended by default; None: every state), with
    their verdicts and no content."""
    policy.require(actor, "mail.view")
    if state is not None and state not in STATES:
        raise ValidationError(f"state must be one of {', '.join(STATES)}.", field="state")
    rows = InboundMail.objects.select_related("route").defer("raw_sealed",
                                                              "envelope_sealed")
    if state is not None:
        rows = rows.filter(state=state)
    with transaction.atomic():
        found = list(rows[: max(1, min(limit, 500))])
        record(actor=actor, action="mail.list", object_type="mail",
               context={"state": state or "all", "count": len(found)})
    return found


@transaction.atomic
def mail_get(*, actor: Actor, mail_id) -> Held:
    """One message with its verdicts; while its content is kept (queued or suspended),
    the sender, subject and recipients too."""
    policy.require(actor, "mail.view")
    mail = InboundMail.objects.select_related("route").filter(uid=_uid(mail_id)).first()
    if mail is None:
        raise NotFound()
    held = Held(mail=mail)
    if mail.raw_sealed is not None:
        envelope = sealing.open_envelope(mail)
        parsed = mime.parse(sealing.open_raw(mail), mail_from=envelope.get("mail_from", ""))
        held = Held(mail=mail, sender=_sender(actor, parsed.from_address or
                                              envelope.get("mail_from", "")),
                    subject=_subject(parsed.subject),
                    recipients=tuple(envelope.get("recipients", ())))
    record(actor=actor, action="mail.view", object_type="mail", object_id=str(mail.uid),
           fields=["sender", "subject"] if held.sender else [],
           context={"state": mail.state})
    return held


def _sender(actor: Actor, address: str) -> str:
    """The sender's address as the field policy shows a customer's email address to the
    actor's role: held mail is still a customer's data, whoever reviews it."""
    if not address:
        return ""
    decision = field_policy().decide(actor.role, "email")
    shown = visibility.shown("email", decision, address)
    domain = address.rpartition("@")[2]
    return shown if shown is not None else f"[address withheld] @{domain}"


def _subject(subject: str) -> str:
    """The subject with the personal data the detector finds replaced by its kind, as
    intake would have redacted it."""
    return pii.redact(subject, pii.scan(subject)) if subject else ""


def _held(mail_id) -> InboundMail:
    mail = InboundMail.objects.select_for_update().filter(uid=_uid(mail_id)).first()
    if mail is None:
        raise NotFound()
    if mail.state != State.SUSPENDED:
        raise Conflict("Only suspended mail can be released or deleted.")
    return mail


@transaction.atomic
def mail_release(*, actor: Actor, mail_id, reason: str = "") -> InboundMail:
    """Send a held message through intake again. Its attachments are still scanned and a
    flagged file is still quarantined: a release trusts the sender, not the files."""
    from trustdesk.mailgateway import intake

    policy.require(actor, "mail.release")
    mail = _held(mail_id)
    mail.state = State.QUEUED
    mail.checks = {**mail.checks, "released": True, "held_for": mail.reason}
    mail.decided_by_user_id = actor.user_id
    mail.save(update_fields=["state", "checks", "decided_by_user_id"])
    record(actor=actor, action="mail.release", object_type="mail", object_id=str(mail.uid),
           context={"reason": mail.reason, "why": reason.strip()[:300]})
    enqueue(intake.mail_intake, mail.pk)
    return mail


@transaction.atomic
def mail_delete(*, actor: Actor, mail_id, reason: str = "") -> InboundMail:
    """Delete a held message: its key is destroyed, so its content cannot be read again
    from the database or any backup."""
    policy.require(actor, "mail.release")
    mail = _held(mail_id)
    sealing.shred(mail)
    mail.state, mail.decided_by_user_id = State.DELETED, actor.user_id
    mail.save(update_fields=["state", "raw_sealed", "envelope_sealed", "decided_by_user_id"])
    record(actor=actor, action="mail.delete", object_type="mail", object_id=str(mail.uid),
           context={"reason": mail.reason, "why": reason.strip()[:300]})
    return mail
