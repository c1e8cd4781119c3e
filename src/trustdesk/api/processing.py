"""The record of processing activities (``processing_record.view``): JSON, and the same
record as an HTML document or a PDF to file away. Every read is audited."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut
from trustdesk.privacy.processing_selectors import processing_export

router = Router(tags=["privacy"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 409: ErrorOut}


def _file(request, fmt: str, *, attachment: bool) -> HttpResponse:
    export = processing_export(actor=actor(request), fmt=fmt)
    response = HttpResponse(export.body, content_type=export.content_type)
    if attachment:
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@router.get("/privacy/processing-record", response={200: None, **ERRORS})
def record_json(request):
    """The record as JSON: controller, subjects, fields, purposes, recipients, channels,
    transfers, measures (``schema_version`` changes when a key is renamed or removed)."""
    return _file(request, "json", attachment=False)


@router.get("/privacy/processing-record/html", response={200: None, **ERRORS})
def record_html(request):
    """The record as a standalone HTML document, as a download."""
    return _file(request, "html", attachment=True)


@router.get("/privacy/processing-record/pdf", response={200: None, **ERRORS})
def record_pdf(request):
    """The record as a PDF; 409 when it holds text the configured font cannot show."""
    return _file(request, "pdf", attachment=True)
