"""The queue's tools in the console: tags on a ticket and bulk changes to the ticked
rows. The services decide; these views parse the form and say what happened."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from trustdesk.accounts import selectors as accounts
from trustdesk.console.forms import BulkForm, TagsForm
from trustdesk.console.views.base import actor, console_view
from trustdesk.tickets import bulk, cc, merge, presence, saved_views, tagging


@require_POST
@console_view
def ticket_tags(request, ticket_id: int):
    form = TagsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please check the tags.")
    else:
        remove = [form.cleaned_data["remove"]] if form.cleaned_data["remove"] else []
        # A refused tag (personal data, a bad name) comes back as the page's message.
        ticket = tagging.ticket_tags_change(actor=actor(request), ticket_id=ticket_id,
                                            add=form.tags_to_add(), remove=remove)
        if ticket.changes:
            messages.success(request, "Tags updated.")
    return redirect("console:ticket", ticket_id=ticket_id)


def _back_to_queue(request):
    back = request.POST.get("next", "")
    if back.startswith("/tickets/") and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("console:tickets")


@require_POST
@console_view
def tickets_bulk(request):
    a = actor(request)
    form = BulkForm(request.POST, agents=accounts.assignable_users(actor=a),
                    teams=accounts.team_list(actor=a))
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, first)
        return _back_to_queue(request)
    if target := form.cleaned_data.get("merge_into"):
        # Merging is all or nothing: one ticket that cannot be merged stops it.
        sources = [i for i in form.cleaned_data["ids"] if i != target]
        merge.tickets_merge(actor=a, target_id=target, source_ids=sources)
        messages.success(request, f"Merged {len(sources)} ticket"
                                  f"{'s' if len(sources) != 1 else ''} into #{target}.")
        return redirect("console:ticket", ticket_id=target)
    result = bulk.tickets_bulk(actor=a, ticket_ids=form.cleaned_data["ids"],
                               **form.changes())
    if result.done:
        n = len(result.done)
        messages.success(request, f"Changed {n} ticket{'s' if n != 1 else ''}.")
    if result.unchanged and not result.done and not result.refused:
        messages.info(request, "Nothing to change: the tickets already were so.")
    for ticket_id, why in list(result.refused.items())[:5]:
        messages.error(request, f"#{ticket_id}: {why}")
    if len(result.refused) > 5:
        messages.error(request, f"…and {len(result.refused) - 5} more not changed.")
    return _back_to_queue(request)


def view_query(view) -> str:
    """The queue's query string for a saved view (status "all" is the form's "All")."""
    filters = dict(view.filters)
    if filters.get("status") == "all":
        filters["status"] = ""
    return urlencode(filters)


@require_POST
@console_view
def view_save(request):
    """Save the queue's current filters (sent as the form's hidden ``query``)."""
    query = QueryDict(request.POST.get("query", "")[:2000])
    filters = {k: query.get(k) for k in saved_views.FILTER_KEYS if query.get(k)}
    # No status in the queue's query is its default view (active); "" is "All".
    filters["status"] = query.get("status", "active") or "all"
    view = saved_views.view_create(actor=actor(request), name=request.POST.get("name", ""),
                                   filters=filters, shared=request.POST.get("shared") == "on")
    messages.success(request, f"View “{view.name}” saved.")
    return redirect(reverse("console:tickets") + "?" + view_query(view))


@require_POST
@console_view
def view_delete(request, view_id: int):
    saved_views.view_delete(actor=actor(request), view_id=view_id)
    messages.success(request, "View removed.")
    return redirect("console:tickets")


@require_POST
@console_view
def ticket_merge(request, ticket_id: int):
    """Merge the tickets named in ``sources`` ("12, #15") into this one."""
    sources = [p for p in request.POST.get("sources", "").replace(",", " ").split() if p]
    merge.tickets_merge(actor=actor(request), target_id=ticket_id, source_ids=sources)
    messages.success(request, f"Merged {len(sources)} ticket{'s' if len(sources) != 1 else ''}"
                              " into this one.")
    return redirect("console:ticket", ticket_id=ticket_id)


@require_POST
@console_view
def ticket_presence(request, ticket_id: int):
    """The ticket page's heartbeat (htmx, every few seconds): who else has it open."""
    others = presence.beat(actor=actor(request), ticket_id=ticket_id,
                           replying=request.POST.get("replying") == "1")
    return render(request, "console/_presence.html", {"others": others})


@require_POST
@console_view
def ticket_cc(request, ticket_id: int):
    """Add copies (comma-separated addresses) or remove one (its position)."""
    add = [a for a in request.POST.get("add", "").replace(",", " ").split() if a]
    raw = request.POST.get("remove", "")
    remove = [int(raw)] if raw.isascii() and raw.isdigit() else []
    cc.ticket_cc_change(actor=actor(request), ticket_id=ticket_id, add=add, remove=remove)
    messages.success(request, "Copies updated.")
    return redirect("console:ticket", ticket_id=ticket_id)
