"""Keeps a person whose role requires a second factor, and who has none, away from
everything but their sign-in security settings until they enrol.

The console sends them to the MFA page; the API refuses their session with 403
``mfa_required``. (Their API tokens are refused in ``accounts.services``.)
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect

from trustdesk.accounts.errors import MfaRequired
from trustdesk.accounts.mfa import policy

log = logging.getLogger("trustdesk.accounts")

# Signing out, enrolling, confirming the password, changing it, and ending sessions stay
# reachable; so do the files the pages need.
ALLOWED_PREFIXES = ("/accounts/", "/healthz", "/readyz", "/metrics")


class MfaEnrolmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated
                and not request.path.startswith((*ALLOWED_PREFIXES, settings.STATIC_URL))
                and policy.missing(user)):
            log.info("MFA required: %s sent to enrol from %s", user.email, request.path)
            if request.path.startswith("/api/"):
                error = MfaRequired()
                return JsonResponse({"error": error.as_dict()}, status=403)
            return redirect("mfa_index")
        return self.get_response(request)
