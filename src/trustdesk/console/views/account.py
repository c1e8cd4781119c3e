"""The person's own sign-in address, in place of allauth's address page."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from trustdesk.console.views.base import console_view


@require_GET
@console_view
def signin_address(request):
    # Read-only: allauth's page would let a session add an address, make it primary and
    # have password resets sent there. An admin changes it (accounts.credentials).
    return render(request, "account/email.html", {"address": request.user.email})
