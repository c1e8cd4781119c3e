"""How an attachment leaves the server: always as a download, never rendered inline, so
a hostile file cannot run in the console's origin."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

from trustdesk.tickets.models import Attachment


def attachment_response(attachment: Attachment) -> HttpResponse:
    """``attachment`` as returned by ``attachment_get``: opened, with ``content``."""
    response = HttpResponse(attachment.content, content_type="application/octet-stream")
    ascii_name = attachment.filename.encode("ascii", "replace").decode().replace('"', "'")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if attachment.quarantine:
        # Says to any client that this file was never scanned (tickets.quarantine).
        response["X-TrustDesk-Quarantine"] = attachment.quarantine
    return response
