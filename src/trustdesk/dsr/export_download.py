"""The customer fetching their copy: once, before it expires, in their own portal session.

A link names an export and carries a secret of which only a keyed hash is stored. A
wrong secret, an unknown export and another customer's session all answer ``NotFound``
alike, so a link tells nothing to whoever holds it but its owner. The owner is told
that it was used or expired (``Gone``). Before anything is released the whole file is
opened once (constant memory): a damaged file or a key the vault cannot reach answers
``Unavailable`` with the link still unused. Then the first download claims the link
with one conditional UPDATE (``used_at`` still empty, not expired), audited in the same
transaction: of two downloads at once, one gets the copy and the other "used". The copy
then streams chunk by chunk; when the stream ends, however it ends, the export's subject
is shredded and the file deleted.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from trustdesk import vault
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Gone, NotFound, PermissionDenied, Unavailable
from trustdesk.customers.models import Customer
from trustdesk.dsr import export_store as store
from trustdesk.dsr.export import LINK_PURPOSE, secret_hash
from trustdesk.dsr.models import Export
from trustdesk.vault.errors import VaultError

log = logging.getLogger("trustdesk.dsr")
SYSTEM = Actor.system("dsr export cleanup")


class LinkUsed(Gone):
    code = "export_used"
    message = "This copy was downloaded already: a link works once."


class LinkExpired(Gone):
    code = "export_expired"
    message = "This link has expired."


class CustomerErased(Gone):
    code = "export_erased"
    message = "This copy no longer exists: the data it held was erased."


@dataclass(frozen=True)
class ReadyExport:
    request_id: int
    expires_at: dt.datetime
    url: str


@dataclass
class Download:
    export_id: uuid.UUID
    filename: str
    size: int

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from store.read_chunks(self.export_id)
        finally:
            # Done, failed or abandoned half-way: the link is spent either way.
            finish(self.export_id)


def _parse(token: str) -> tuple[uuid.UUID, str] | None:
    export_id, dot, nonce = (token or "").partition(".")
    if not dot or not nonce or len(token) > 120:
        return None
    try:
        return uuid.UUID(export_id), nonce
    except ValueError:
        return None


def _find(token: str) -> Export:
    parts = _parse(token)
    export = None if parts is None else Export.objects.select_related("customer").filter(
        pk=parts[0]).first()
    # The hash is computed even for an unknown id, so both take as long.
    expected = export.secret if export is not None else "0" * 64
    given = secret_hash(parts[0], parts[1]) if parts is not None else ""
    if export is None or not hmac.compare_digest(given, expected):
        raise NotFound("This link is not valid.")
    return export


def export_link(*, actor: Actor | None, token: str) -> Export:
    """The export ``token`` names, if ``actor`` is its customer's portal session and it
    can still be fetched; raises otherwise (see the module docstring). ``actor`` None
    (no session) raises ``PermissionDenied`` for any link, sound or not, so that the
    answer tells a stranger nothing: the portal asks them to sign in. Only the link of
    an erased customer's copy says so (``CustomerErased``), to whoever holds its secret."""
    try:
        export = _find(token)
    except NotFound:
        if actor is None:  # a stranger is asked to sign in for any link, sound or not
            raise PermissionDenied(detail="export link without a portal session") from None
        raise
    if export.customer.status != Customer.Status.ACTIVE:
        raise CustomerErased()
    if actor is None:
        raise PermissionDenied(detail="export link without a portal session")
    if not actor.is_customer or str(export.customer_id) != str(actor.customer_id):
        raise NotFound("This link is not valid.")
    if export.used_at is not None:
        raise LinkUsed()
    # Removed unused: the cleanup job found it expired (an erased customer's is above).
    if export.expires_at <= clock.now() or export.removed_at is not None:
        raise LinkExpired()
    return export


def export_download(*, actor: Actor, token: str) -> Download:
    export = export_link(actor=actor, token=token)
    # Whole and readable before it is claimed: a vault failure raises here, unclaimed.
    try:
        size = store.verify(export.pk)
    except FileNotFoundError:
        # A download that began at the same moment claimed it and finished first.
        if Export.objects.filter(pk=export.pk, used_at__isnull=False).exists():
            raise LinkUsed() from None
        log.error("dsr: the file of export %s is missing", export.pk)
        raise Unavailable(detail=f"export {export.pk}: no file") from None
    with transaction.atomic():
        now = clock.now()
        claimed = Export.objects.filter(pk=export.pk, used_at__isnull=True,
                                        removed_at__isnull=True,
                                        expires_at__gt=now).update(used_at=now)
        if claimed != 1:
            raise LinkUsed()
        record(actor=actor, action="privacy_request.export_download",
               object_type="privacy_request", object_id=export.request_id,
               context={"customer": str(export.customer_id), "export": str(export.pk),
                        "size": size})
    return Download(export_id=export.pk, size=size,
                    filename=f"my-data-{export.created_at:%Y-%m-%d}.zip")


def finish(export_id) -> None:
    """Shred and delete one export, and say so on its row (idempotent)."""
    try:
        store.remove(export_id)
    except Exception:  # the job tries again; the row stays un-removed until it succeeds
        log.exception("dsr: could not remove export %s", export_id)
        return
    Export.objects.filter(pk=export_id, removed_at__isnull=True).update(
        removed_at=clock.now(), link_sealed=None)


def my_exports(*, actor: Actor) -> list[ReadyExport]:
    """The signed-in customer's copies that can still be downloaded, with their links."""
    if not actor.is_customer or not actor.customer_id:
        raise PermissionDenied(detail=f"{actor.label} is not a signed-in customer")
    rows = Export.objects.filter(customer_id=actor.customer_id, used_at__isnull=True,
                                 removed_at__isnull=True, expires_at__gt=clock.now(),
                                 customer__status=Customer.Status.ACTIVE)
    out = []
    for export in rows.order_by("-created_at")[:10]:
        try:
            token = vault.open_text(store.subject_for(export.pk),
                                    f"{LINK_PURPOSE}:{export.pk}", bytes(export.link_sealed))
        except VaultError:
            # The vault is away: the portal still opens, saying the copy is ready; the
            # link (in the mail, or here once the vault is back) is not lost.
            token = ""
        out.append(ReadyExport(request_id=export.request_id, expires_at=export.expires_at,
                               url=f"/help/export/{token}/" if token else ""))
    return out


def remove_stale() -> int:
    """The job's work: every export expired, used (a download cut off before its
    ``finish``) or of an erased customer, shredded and deleted; returns how many."""
    now = clock.now()
    stale = Export.objects.filter(removed_at__isnull=True).filter(
        Q(expires_at__lte=now) | Q(used_at__lte=now - dt.timedelta(hours=1))
        | ~Q(customer__status=Customer.Status.ACTIVE))
    done = 0
    for export_id, customer_id in stale.values_list("pk", "customer_id").iterator(
            chunk_size=200):
        finish(export_id)
        with transaction.atomic():
            record(actor=SYSTEM, action="privacy_request.export_remove",
                   object_type="customer", object_id=customer_id,
                   context={"export": str(export_id)})
        done += 1
    return done + _remove_strays()


def _remove_strays() -> int:
    """Files left by a build that crashed before its row existed (or after the row was
    gone): anything a day old in the directory that no live export owns."""
    cutoff = clock.now().timestamp() - 86400
    done = 0
    for path in store.export_dir().iterdir():
        name, _, suffix = path.name.partition(".")
        try:
            export_id = uuid.UUID(hex=name)
        except ValueError:
            continue  # not ours: left alone
        if f".{suffix}" not in (store.SUFFIX, ".partial") or path.stat().st_mtime > cutoff:
            continue
        if not Export.objects.filter(pk=export_id, removed_at__isnull=True).exists():
            store.remove(export_id)
            done += 1
    return done


def remove_for_customer(customer_id) -> None:
    """The customer was erased: their copies go with their data, once that commits."""
    ids = list(Export.objects.filter(customer_id=customer_id, removed_at__isnull=True)
               .values_list("pk", flat=True))
    for export_id in ids:
        transaction.on_commit(lambda export_id=export_id: finish(export_id))
