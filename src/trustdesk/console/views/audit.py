"""The audit trail for security officers and auditors: filter and page through events,
see the last verification, and verify the whole trail now."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import selectors, services
from trustdesk.console.forms import AuditFilterForm
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.core.errors import ValidationError

PAGE_SIZE = 50


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 1_000_000))
    except ValueError:
        return 1


@require_GET
@console_view
def audit(request):
    a = actor(request)
    # First, so that a role without audit.read is refused before anything else happens.
    verification = selectors.last_verification(actor=a)
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.EventFilters(
            actor=d["actor"] or None,
            customer_id=str(d["customer_id"]) if d["customer_id"] else None,
            action=d["action"] or None, outcome=d["outcome"] or None,
            since=d["since"], until=d["until"])
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
