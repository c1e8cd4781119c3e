"""Answering an access request (GDPR Art. 15, and the portable copy of Art. 20): the copy
of everything held about the customer, sealed, behind a one-time link mailed to them.

``fulfil_access`` checks the request, builds the copy into a sealed file (outside the
transaction: it can take minutes and holds no lock), then in one transaction checks the
request again under its lock, records the export and its link, closes the request as
fulfilled and audits it. If that transaction fails, the file is removed and its subject
shredded, so no copy outlives a request left open. The link goes to the email address
on file once the transaction has committed; without one, or if the mail fails, the
portal's list of requests shows it to the signed-in customer.

Members of staff never receive the copy: no door gives it to anyone but the customer's
own portal session (``export_download``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction

from trustdesk import vault
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, Unavailable
from trustdesk.core.publicurl import public_url
from trustdesk.customers import delivery
from trustdesk.customers.models import Customer, DataRequest
from trustdesk.customers.profiles import read_profile
from trustdesk.dsr import export_store as store
from trustdesk.dsr.export_render import Sources, build
from trustdesk.dsr.models import Export

SCOPE = "dsr.export"
LINK_PURPOSE = "export.link"
MAIL_SUBJECT = "Your copy of your data is ready"
MAIL_TEXT = ("The copy of the data we hold about you, which you asked for, is ready. To "
             "download it, open this link, sign in to our customer portal with this "
             "address if asked, and press Download. It works once, until {until} (UTC)."
             "\n\n{url}\n\nIf you did not ask for a copy of your data, tell us: nothing is "
             "released without a signed-in session of your own.")


@dataclass(frozen=True)
class ExportIssued:
    export_id: uuid.UUID
    request_id: int
    expires_at: dt.datetime
    size: int
    counts: dict
    mailed: bool


def link_hours() -> int:
    return int(getattr(settings, "EXPORT_LINK_HOURS", 72))


def secret_hash(export_id, nonce: str) -> str:
    return vault.blind_index(SCOPE, f"{export_id}:{nonce}")


def link_url(token: str) -> str:
    return f"{public_url()}/help/export/{token}/"


def _request(request_id) -> DataRequest:
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    row = DataRequest.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def _check(row: DataRequest) -> None:
    if row.status != DataRequest.Status.OPEN:
        raise Conflict("This request is closed.")
    if row.kind != DataRequest.Kind.ACCESS:
        raise Conflict("Only a request for a copy of the customer's data is answered "
                       "with an export.")
    if row.identity_verified_at is None:
        raise Conflict("The requester's identity must be confirmed first: nothing is "
                       "released to someone who may not be the customer.")


def fulfil_access(*, actor: Actor, request_id) -> ExportIssued:
    """Build, seal and issue the copy for an open, identity-checked access request of an
    active customer, and close the request as fulfilled (``privacy_request.manage``)."""
    policy.require(actor, "privacy_request.manage")
    row = _request(request_id)
    _check(row)
    profile = read_profile(row.customer_id)
    if profile is None or profile.status != Customer.Status.ACTIVE:
        raise Conflict("The customer was erased: there is nothing left to give.")
    export_id = uuid.uuid4()
    try:
        writer = store.SealedWriter(export_id)
    except OSError as exc:
        raise _unwritable(exc) from exc
    try:
        counts = build(writer, Sources(row.customer_id, profile.profile, row))
        writer.finish()
    except OSError as exc:
        writer.abort()
        raise _unwritable(exc) from exc
    except BaseException:
        writer.abort()
        raise
    try:
        issued, token = _issue(actor, row.pk, export_id, writer, counts)
    except BaseException:
        writer.abort()  # the finished file and its subject, logged if the vault is away
        raise
    return _mail(issued, token, row.customer_id)


def _unwritable(exc: OSError) -> Unavailable:
    return Unavailable("The copy could not be written; try again later.",
                       detail=f"export directory: {type(exc).__name__}: {exc.strerror}")


@transaction.atomic
def _issue(actor, request_pk, export_id, writer, counts) -> tuple[ExportIssued, str]:
    row = DataRequest.objects.select_for_update().get(pk=request_pk)
    # Checked again under the lock: a second officer may have answered it meanwhile,
    # or the customer been erased while the copy was being made.
    _check(row)
    if not Customer.objects.select_for_update().filter(
            pk=row.customer_id, status=Customer.Status.ACTIVE).exists():
        raise Conflict("The customer was erased: there is nothing left to give.")
    now = clock.now()
    nonce = secrets.token_urlsafe(32)
    token = f"{export_id}.{nonce}"
    export = Export.objects.create(
        id=export_id, request=row, customer_id=row.customer_id,
        secret=secret_hash(export_id, nonce),
        link_sealed=vault.seal_text(store.subject_for(export_id),
                                    f"{LINK_PURPOSE}:{export_id}", token),
        created_at=now, expires_at=now + dt.timedelta(hours=link_hours()),
        size=writer.size, chunks=writer.chunks, counts=dict(counts))
    row.status, row.outcome = DataRequest.Status.CLOSED, DataRequest.Outcome.FULFILLED
    row.closed_at, row.closed_by = now, actor.label
    if row.paused_at is not None:
        row.paused_total += max(now - row.paused_at, dt.timedelta(0))
        row.paused_at = None
    row.save(update_fields=["status", "outcome", "closed_at", "closed_by", "paused_at",
                            "paused_total"])
    record(actor=actor, action="privacy_request.fulfil", object_type="privacy_request",
           object_id=row.pk, context={"customer": str(row.customer_id), "kind": row.kind,
                                      "export": str(export_id), "counts": dict(counts),
                                      "expires_at": export.expires_at.isoformat(),
                                      "late": row.due_at is not None and now >= row.due_at})
    return ExportIssued(export_id=export_id, request_id=row.pk,
                        expires_at=export.expires_at, size=writer.size,
                        counts=dict(counts), mailed=False), token


def _mail(issued: ExportIssued, token: str, customer_id) -> ExportIssued:
    to = delivery.on_file(customer_id, "email")
    if to is None:
        return issued
    with contextlib.suppress(delivery.Undeliverable):
        delivery.send("email", to, subject=MAIL_SUBJECT, text=MAIL_TEXT.format(
            until=issued.expires_at.strftime("%Y-%m-%d %H:%M"), url=link_url(token)))
        return replace(issued, mailed=True)
    return issued

