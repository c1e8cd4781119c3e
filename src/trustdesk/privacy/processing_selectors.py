"""Reads of the record of processing activities (``processing_record.view``), each one
audited in its transaction: who looked at or exported the record, and in which form."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit.services import record as audit
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.privacy import processing, processing_render
from trustdesk.privacy.processing import Record


@dataclass(frozen=True)
class Export:
    body: bytes
    content_type: str
    filename: str


@transaction.atomic
def processing_record(*, actor: Actor) -> Record:
    """The record, for a page that shows it."""
    policy.require(actor, "processing_record.view")
    built = processing.build()
    audit(actor=actor, action="processing_record.view", object_type="processing_record",
          context={"schema": built.schema_version})
    return built


def _render(built: Record, fmt: str) -> bytes:
    if fmt == "json":
        return processing_render.as_json(built).encode()
    if fmt == "html":
        return processing_render.as_html(built).encode()
    from trustdesk.privacy.processing_pdf import as_pdf  # fpdf2 only when a PDF is asked

    return as_pdf(built)


@transaction.atomic
def processing_export(*, actor: Actor, fmt: str) -> Export:
    """The record as a file: json, html or pdf."""
    policy.require(actor, "processing_record.view")
    if fmt not in processing_render.FORMATS:
        raise ValidationError(f"The format must be one of {', '.join(processing_render.FORMATS)}.",
                              field="format")
    built = processing.build()
    body = _render(built, fmt)
    audit(actor=actor, action="processing_record.export", object_type="processing_record",
          context={"format": fmt, "schema": built.schema_version, "bytes": len(body)})
    return Export(body=body, content_type=processing_render.FORMATS[fmt][0],
                  filename=processing_render.filename(built, fmt))
