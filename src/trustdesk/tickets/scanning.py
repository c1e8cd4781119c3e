"""Intake, step one: read each uploaded file and find its PII, before the write
transaction opens (step two, ``intake.redact_attachments``, writes).

Reading is the slow, hostile part: a PDF is parsed in a child process with bounds
(``pdf_worker``), a HAR file is parsed as JSON. None of it holds a database lock, so a
slow file slows its own request only.

Fails closed: a file that should be read and cannot be (not UTF-8, an encrypted or
damaged PDF, past a bound) is *quarantined*: kept whole and sealed, but never treated as
scanned (``tickets.quarantine`` decides who may download it). So is a file of no format
intake reads (an archive, an office document, an image: no OCR), unless it is an image of
a kind the installation lets through unscanned (``TRUSTDESK_INTAKE_UNSCANNED_IMAGES``),
recognised by its bytes, not by the label the uploader gave it.
"""

from __future__ import annotations

import codecs
import json
import logging
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from trustdesk import pii
from trustdesk.tickets import structured
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Quarantine

log = logging.getLogger(__name__)

BINARY, TEXT, JSON, PDF, QUARANTINED = "binary", "text", "json", "pdf", "quarantined"
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/csv",
              "application/x-ndjson", "application/har")
TEXT_SUFFIXES = (".txt", ".csv", ".log", ".json", ".md", ".xml", ".tsv", ".ini", ".yaml",
                 ".yml", ".eml", ".har", ".ndjson", ".jsonl")
JSON_SUFFIXES = (".json", ".har")
PDF_TYPES = ("application/pdf", "application/x-pdf")


@dataclass(frozen=True)
class PreparedAttachment(NewAttachment):
    """A file as read by intake: what it is (``kind``), its text and the findings in it
    (for JSON, per value: ``document`` and its ``leaves``), or why it is quarantined."""

    kind: str = BINARY
    text: str = ""
    findings: tuple = ()
    document: object = None
    leaves: tuple = ()


def prepare(f: NewAttachment) -> PreparedAttachment:
    if isinstance(f, PreparedAttachment):
        return f
    if f.quarantine:
        # Flagged before intake (the mail gateway's scanner: a macro, an executable,
        # malware): kept whole and sealed, never read as if it were clean.
        return _quarantined(f, f.quarantine)
    base = (f.filename, f.content_type, f.data)
    if len(f.data) > settings.INTAKE_SCAN_MAX_BYTES:
        # Too large to read: quarantined if it is something intake reads (an image is
        # not read at any size).
        if is_pdf(f) or is_text(f) or _starts_as_text(f.data) or not _let_through(f):
            return _quarantined(f, Quarantine.TOO_LARGE)
        return PreparedAttachment(*base, kind=BINARY)
    if is_pdf(f):
        text, reason = read_pdf(f.data)
        if reason:
            return _quarantined(f, reason)
        return PreparedAttachment(*base, kind=PDF, text=text, findings=tuple(pii.scan(text)))
    text = _utf8(f.data)
    if text is None:
        if is_text(f):
            return _quarantined(f, Quarantine.NOT_UTF8)
        if not _let_through(f):
            return _quarantined(f, Quarantine.NOT_SCANNABLE)
        return PreparedAttachment(*base, kind=BINARY)
    # Text is scanned whatever its label says: "photo.png" may be a log.
    document = structured.parse(text) if _jsonish(f, text) else None
    if document is not None:
        return PreparedAttachment(*base, kind=JSON, text=text, document=document,
                                  leaves=tuple(structured.leaves(document)))
    return PreparedAttachment(*base, kind=TEXT, text=text, findings=tuple(pii.scan(text)))


# Image kinds by their leading bytes. What an uploader says a file is proves nothing: a
# zip labelled image/png is a zip.
IMAGE_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),  # and "WEBP" at offset 8, checked below
}


def image_kind(data: bytes) -> str | None:
    for kind, signatures in IMAGE_SIGNATURES.items():
        if data.startswith(signatures) and (kind != "webp" or data[8:12] == b"WEBP"):
            return kind
    return None


def _let_through(f: NewAttachment) -> bool:
    """Whether an unreadable file may be stored unscanned: only an image of a kind the
    installation chose to let through. Everything else is quarantined."""
    kind = image_kind(f.data)
    return kind is not None and kind in settings.INTAKE_UNSCANNED_IMAGES


def _quarantined(f: NewAttachment, reason: str) -> PreparedAttachment:
    # Never the file name in the log: it is the customer's data.
    log.warning("intake quarantined an attachment: %s (%d bytes)", reason, len(f.data))
    return PreparedAttachment(f.filename, f.content_type, f.data, quarantine=str(reason),
                              kind=QUARANTINED)


def _utf8(data: bytes) -> str | None:
    """The text if ``data`` is strict UTF-8 without NUL (UTF-16 of ASCII text is valid
    UTF-8 with a NUL after every character, and would hide a card number from the
    scanner); else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _starts_as_text(data: bytes) -> bool:
    # Incremental: a character cut at the end of the sample is not an error.
    try:
        sample = codecs.getincrementaldecoder("utf-8")().decode(data[:65536], final=False)
    except UnicodeDecodeError:
        return False
    return "\x00" not in sample


def is_pdf(f: NewAttachment) -> bool:
    # Readers accept the header anywhere in the first kilobyte; a file labelled PDF that
    # is none is a damaged PDF, not an unscanned binary.
    ctype = (f.content_type or "").lower().split(";")[0].strip()
    return (b"%PDF-" in f.data[:1024] or ctype in PDF_TYPES
            or f.filename.lower().endswith(".pdf"))


def is_text(f: NewAttachment) -> bool:
    ctype = (f.content_type or "").lower()
    return (ctype.startswith(TEXT_TYPES) or ctype.split(";")[0].endswith(("+json", "+xml"))
            or f.filename.lower().endswith(TEXT_SUFFIXES))


def _jsonish(f: NewAttachment, text: str) -> bool:
    ctype = (f.content_type or "").lower().split(";")[0].strip()
    return ("json" in ctype or f.filename.lower().endswith(JSON_SUFFIXES)
            or text.lstrip()[:1] in ("{", "["))


_slot_lock = threading.Lock()
_slot_state: dict[int, threading.BoundedSemaphore] = {}


def _slots() -> threading.BoundedSemaphore:
    workers = max(1, int(settings.INTAKE_SCAN_WORKERS))
    with _slot_lock:
        if workers not in _slot_state:
            _slot_state.clear()
            _slot_state[workers] = threading.BoundedSemaphore(workers)
        return _slot_state[workers]


def read_pdf(data: bytes) -> tuple[str, str]:
    """(text, "") or ("", quarantine reason). The reader runs in a child process with an
    empty environment, killed at ``INTAKE_SCAN_SECONDS``."""
    bounds = {"max_bytes": settings.INTAKE_SCAN_MAX_BYTES,
              "max_pages": settings.INTAKE_PDF_MAX_PAGES,
              "max_content_bytes": settings.INTAKE_PDF_MAX_CONTENT_BYTES,
              "seconds": settings.INTAKE_SCAN_SECONDS,
              "memory_mb": settings.INTAKE_SCAN_MEMORY_MB}
    command = [sys.executable, "-I", "-m", "trustdesk.tickets.pdf_worker"]
    deadline = time.monotonic() + settings.INTAKE_SCAN_SECONDS
    # At most INTAKE_SCAN_WORKERS readers at once per server process: a burst of PDFs
    # waits its turn (within its own deadline) instead of taking every core.
    slots = _slots()
    if not slots.acquire(timeout=settings.INTAKE_SCAN_SECONDS):
        return "", Quarantine.TIMEOUT
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            command, input=json.dumps(bounds).encode() + b"\n" + data, capture_output=True,
            timeout=max(0.1, deadline - time.monotonic()), env={}, check=False)
    except subprocess.TimeoutExpired:  # run() has killed the child
        return "", Quarantine.TIMEOUT
    except OSError:  # no child could be started (out of processes, memory)
        log.warning("PDF reader could not be started", exc_info=True)
        return "", Quarantine.SCAN_FAILED
    finally:
        slots.release()
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return "", Quarantine.TIMEOUT  # the CPU limit
    try:
        result = json.loads(done.stdout) if done.returncode == 0 else {}
    except ValueError:
        result = {}
    if result.get("quarantine") in Quarantine.values:
        return "", result["quarantine"]
    if not isinstance(result.get("text"), str):
        # Not its output: a traceback may quote the file.
        log.warning("PDF reader failed (exit %s)", done.returncode)
        return "", Quarantine.SCAN_FAILED
    return result["text"], ""
