"""Attachments of inbound mail through the gateway's scanners, before intake stores them:
the built-in checks (``analysis.attachments``: real type, executables, double extensions,
Office macros, encrypted content, archive bombs, EICAR) and ClamAV's ``clamd`` when
``TRUSTDESK_CLAMD_ADDRESS`` names one.

A flagged file is handed to intake already quarantined (``Attachment.quarantine``), so it
is stored whole and sealed and never served as clean. Fail closed: when clamd is
configured and cannot answer, the file is quarantined as not scanned.
"""

from __future__ import annotations

import logging

from django.conf import settings

from trustdesk.mailgateway import clamd
from trustdesk.mailgateway.analysis import attachments
from trustdesk.mailgateway.analysis.message import Part
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Quarantine

log = logging.getLogger("trustdesk.mailgateway")

# Scanner codes → why the file is quarantined, most serious first.
QUARANTINE = (
    ("malware", Quarantine.MALWARE), ("eicar", Quarantine.MALWARE),
    ("executable", Quarantine.EXECUTABLE), ("macros", Quarantine.MACRO),
    ("type_mismatch", Quarantine.DISGUISED), ("double_extension", Quarantine.DISGUISED),
    ("deceptive_name", Quarantine.DISGUISED), ("hidden_archive", Quarantine.DISGUISED),
    ("encrypted", Quarantine.ENCRYPTED),
    ("archive_bomb", Quarantine.TOO_LARGE), ("too_large", Quarantine.TOO_LARGE),
    ("unscannable", Quarantine.NOT_SCANNABLE), ("unreadable", Quarantine.SCAN_FAILED),
    ("not_scanned", Quarantine.SCAN_FAILED), ("html", Quarantine.HTML),
)


def _codes(part: Part) -> tuple[set[str], str]:
    finding = attachments.scan(part.filename, part.content_type, part.data)
    codes = set(finding.codes)
    if settings.CLAMD_ADDRESS:
        result = clamd.scan_bytes(part.data, address=settings.CLAMD_ADDRESS)
        if result.result == "found":
            codes.add("malware")
        elif result.result != "clean":
            log.warning("clamd could not scan an attachment: %s", result.detail)
            codes.add("not_scanned")
    return codes, finding.real_type


def quarantine_for(codes: set[str]) -> str:
    for code, reason in QUARANTINE:
        if code in codes:
            return str(reason)
    return ""


def scan_parts(parts) -> tuple[list[NewAttachment], dict]:
    """The files intake should store, and what the scanners found (for the message's
    verdicts: per file its codes and real type, whether any is malware, how many were
    over the per-message limits and not kept)."""
    files: list[NewAttachment] = []
    found: list[dict] = []
    dropped = 0
    for index, part in enumerate(parts):
        if len(files) >= settings.ATTACHMENTS_PER_MESSAGE or \
                len(part.data) > settings.ATTACHMENT_MAX_BYTES:
            dropped += 1
            continue
        codes, real_type = _codes(part)
        reason = quarantine_for(codes)
        files.append(NewAttachment(part.filename, part.content_type or
                                   "application/octet-stream", part.data, quarantine=reason))
        if codes:
            found.append({"index": index, "codes": sorted(codes), "type": real_type})
    flags: dict = {}
    if found:
        flags["files"] = found
        flags["malware"] = any({"malware", "eicar"} & set(f["codes"]) for f in found)
    if dropped:
        flags["dropped"] = dropped
    return files, flags


def dropped(flags: dict) -> int:
    return int(flags.get("dropped", 0))
