"""The customer's copy of their data, fetched from the portal: /help/export/<token>/.

GET shows a Download button (a mail scanner following the link changes nothing), the
POST from it streams the copy. Only the customer's own portal session gets anything:
without one the page asks them to sign in, and with someone else's session the link
answers as an unknown one does (404). A used or expired link says so (410), as does the
link of an erased customer's copy; a vault failure is a 503 with the link still unused.
There is no door to a copy for members of staff.
"""

from __future__ import annotations

from django.http import StreamingHttpResponse

from trustdesk.core.errors import PermissionDenied, Unavailable
from trustdesk.customers import portal as signin
from trustdesk.dsr.export_download import (
    CustomerErased,
    LinkExpired,
    LinkUsed,
    export_download,
    export_link,
)
from trustdesk.portal.help import _back, _ip, _page, help_page

TEMPLATE = "portal/help_export.html"


@help_page(methods=("GET", "HEAD", "POST"))
def export(request, lang, token: str):
    # Counted with the sign-in links' confirmations: guessing links costs the same.
    signin.count_confirmation(_ip(request))
    try:
        if request.method != "POST":
            found = export_link(actor=request.customer, token=token)
            return _page(request, lang, TEMPLATE, {"ready": True,
                                                   "expires_at": found.expires_at})
        download = export_download(actor=request.customer, token=token)
    except PermissionDenied:
        return _back(lang)  # sign in first; the portal's home then lists the copy
    except LinkUsed:
        return _page(request, lang, TEMPLATE, {"used": True}, status=410)
    except LinkExpired:
        return _page(request, lang, TEMPLATE, {"expired": True}, status=410)
    except CustomerErased:
        return _page(request, lang, TEMPLATE, {"erased": True}, status=410)
    except Unavailable:
        return _page(request, lang, TEMPLATE, {"unavailable": True}, status=503)
    response = StreamingHttpResponse(download.chunks(), content_type="application/zip")
    response["Content-Length"] = str(download.size)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
