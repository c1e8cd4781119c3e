"""The audit trail for security officers and auditors: filter and page through events,
export them, see the last verification, and verify the whole trail now."""

from __future__ import annotations

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import selectors, services
from trustdesk.console.forms import AuditFilterForm
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.core import clock
from trustdesk.core.errors import ValidationError

PAGE_SIZE = 50


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 1_000_000))
    except ValueError:
        return 1


def _filters(form) -> selectors.EventFilters:
    d = form.cleaned_data
    return selectors.EventFilters(
        actor=d["actor"] or None, customer_id=str(d["customer_id"]) if d["customer_id"] else None,
        action=d["action"] or None, outcome=d["outcome"] or None,
        since=d["since"], until=d["until"])


@require_GET
@console_view
def audit(request):
    a = actor(request)
    # First, so that a role without audit.read is refused before anything else happens.
    verification = selectors.last_verification(actor=a)
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        filters = _filters(form)
        try:
            page = selectors.event_list(actor=a, filters=filters, page=_page_number(request),
                                        page_size=PAGE_SIZE)
        except ValidationError as exc:
            form_error(form, exc)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/audit.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "verification": verification, "filtered": any(query.values()),
    }, status=200 if page is not None else 400)


@require_GET
@console_view
def audit_export(request):
    """Download the events the filters match (JSON lines). An export takes the trail out
    of TrustDesk, so the person confirms their password or second factor first."""
    a = actor(request)
    selectors.last_verification(actor=a)  # refuse a role without audit.read outright
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        messages.error(request, "Correct the filters before exporting.")
        return redirect(f"{reverse('console:audit')}?{request.GET.urlencode()}")
    lines = selectors.event_export(actor=a, filters=_filters(form))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="trustdesk-audit-{stamp}.jsonl"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@console_view
def audit_verify(request):
    result = services.audit_verify(actor=actor(request))
    if result.ok:
        messages.success(request, f"The audit trail is intact: {result.checked} events "
                         f"verified in {result.seconds}s.")
    else:
        where = f" at position {result.first_bad_seq}" if result.first_bad_seq else ""
        messages.error(request, f"Verification FAILED{where}: {result.problem}")
    return redirect("console:audit")
