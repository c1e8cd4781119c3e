"""Responses that may carry customer data are never stored by a browser or a proxy.

Every page, htmx fragment, API response, attachment download and revealed value goes out
with ``Cache-Control: no-store`` (and ``Pragma: no-cache`` for HTTP/1.0 caches): a value
revealed for sixty seconds must not live on in a shared machine's disk cache or the
back button. Only what cannot hold customer data is exempt: static files (WhiteNoise,
which sits before this middleware and answers without reaching it) and the health
check, which load balancers poll.
"""

from __future__ import annotations

EXEMPT_PATHS = frozenset({"/healthz"})


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path not in EXEMPT_PATHS:
            # no-store alone forbids keeping the response anywhere (RFC 9111 5.2.2.5);
            # whatever a view said about caching gives way to it.
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
