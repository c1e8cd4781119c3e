"""The record of processing activities for privacy and security officers and admins
(``processing_record.view``): the record as the configuration makes it now, and the same
record to download as JSON, HTML or PDF. Each view and each download is audited."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from trustdesk.console.views.base import actor, console_view
from trustdesk.privacy import processing_render
from trustdesk.privacy.processing_selectors import processing_export, processing_record


@require_GET
@console_view
def record_page(request):
    context = processing_render.context(processing_record(actor=actor(request)))
    context["formats"] = tuple(processing_render.FORMATS)
    return render(request, "console/processing_record.html", context)


@require_GET
@console_view
def record_download(request):
    export = processing_export(actor=actor(request), fmt=request.GET.get("format", "pdf"))
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
