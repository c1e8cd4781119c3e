"""The queue's tools in the console: tags on a ticket and bulk changes to the ticked
rows. The services decide; these views parse the form and say what happened."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from trustdesk.accounts import selectors as accounts
from trustdesk.console.forms import BulkForm, TagsForm
from trustdesk.console.views.base import actor, console_view
from trustdesk.tickets import bulk, tagging


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
