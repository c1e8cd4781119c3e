"""Organisations in the console: the list, one organisation's people and tickets (each
through the same policy as anywhere), and putting a customer in one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trustdesk.access import policy
from trustdesk.console.views.base import actor, console_view
from trustdesk.core.errors import ValidationError
from trustdesk.customers import organisations
from trustdesk.customers import selectors as customers
from trustdesk.tickets import selectors as tickets


def _domains(text: str) -> list[str]:
    return [d for d in text.replace(",", " ").split() if d]


@console_view
def organisation_list(request):
    a = actor(request)
    if request.method == "POST":
        try:
            org = organisations.organisation_save(
                actor=a, name=request.POST.get("name", ""),
                domains=_domains(request.POST.get("domains", "")))
        except ValidationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Organisation “{org.name}” created.")
            return redirect("console:organisation", organisation_id=org.pk)
    query = (request.GET.get("q") or "").strip()[:120]
    return render(request, "console/organisations.html", {
        "rows": organisations.organisation_list(actor=a, query=query), "query": query,
        "can_manage": organisations.can_manage(a)})


@console_view
def organisation_detail(request, organisation_id: int):
    a = actor(request)
    if request.method == "POST":
        organisations.organisation_save(
            actor=a, organisation_id=organisation_id, name=request.POST.get("name", ""),
            domains=_domains(request.POST.get("domains", "")))
        messages.success(request, "Organisation saved.")
        return redirect("console:organisation", organisation_id=organisation_id)
    row = organisations.organisation_get(actor=a, organisation_id=organisation_id)
    people = customers.customer_list(actor=a, organisation_id=organisation_id, page_size=50)
    queue = tickets.ticket_list(actor=a, filters=tickets.TicketFilters(
        organisation_id=organisation_id, status=None), page_size=25) \
        if policy.has_permission(a, "ticket.view") else None
    return render(request, "console/organisation_detail.html", {
        "row": row, "org": row.organisation, "people": people, "queue": queue,
        "can_manage": organisations.can_manage(a)})


@require_POST
@console_view
def customer_organisation(request, customer_id):
    raw = request.POST.get("organisation_id", "")
    organisations.customer_set_organisation(
        actor=actor(request), customer_id=customer_id,
        organisation_id=int(raw) if raw.isascii() and raw.isdigit() else None)
    messages.success(request, "Organisation saved.")
    return redirect("console:customer", customer_id=customer_id)
