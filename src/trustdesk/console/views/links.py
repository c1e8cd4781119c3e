"""The page between a suspicious message's link and the site it leads to
(``mailgateway.links_view``)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from trustdesk.console.views.base import actor, console_view
from trustdesk.mailgateway import links_view


@require_GET
@console_view
def link(request):
    shown = links_view.link_view(actor=actor(request), url=request.GET.get("to", ""),
                                 ticket_id=request.GET.get("ticket", ""),
                                 sig=request.GET.get("sig", ""))
    return render(request, "console/link.html", {"link": shown})
