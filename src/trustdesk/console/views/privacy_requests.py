"""Privacy requests customers filed in the portal, for privacy officers
(``privacy_request.view``): the kind, the state and when; never the customer's words
(they are sealed, and fulfilling a request is its own use case)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from trustdesk.console.views.base import actor, console_view
from trustdesk.customers import requests


@require_GET
@console_view
def request_list(request):
    return render(request, "console/privacy_requests.html",
                  {"rows": requests.request_list(actor=actor(request))})
