"""Revealing a token in a message, in the console: the same htmx pattern as profile
fields (``views.reveal``). Next to each token the conversation shows a small form; the
revealed value asks for that form again after ``ACCESS_REVEAL_SECONDS``."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from trustdesk.accounts.errors import ReauthenticationRequired
from trustdesk.console.views.base import actor, console_view, denied
from trustdesk.console.views.reveal import RevealForm, fragment
from trustdesk.core.errors import PermissionDenied, ValidationError
from trustdesk.customers.reveal import reveal_seconds
from trustdesk.tickets import reveal, withhold

MASKED = "console/_token_masked.html"
PAGE = "console/token_reveal_page.html"


def _context(request, ticket_id: int, token: str, form=None) -> dict:
    a = actor(request)
    access = reveal.token_access(actor=a, ticket_id=ticket_id)
    return {"ticket_id": ticket_id, "token": token, "decision": access,
            "can": bool(access) and withhold.revealable(a, withhold.entity_hint(token)),
            "form": form or RevealForm()}


@require_GET
@console_view
def token_masked(request, ticket_id: int, token: str):
    """The reveal control of one token (what a revealed value turns back into)."""
    return fragment(request, MASKED, _context(request, ticket_id, token), page=PAGE)


@require_POST
@console_view
def token_reveal(request, ticket_id: int, token: str):
    form = RevealForm(request.POST)
    if not form.is_valid():
        return fragment(request, MASKED, _context(request, ticket_id, token, form),
                        status=400, page=PAGE)
    try:
        revealed = reveal.message_reveal(
            actor=actor(request), ticket_id=ticket_id, token=token,
            reason=form.cleaned_data["reason"], break_glass=form.cleaned_data["break_glass"])
    except ReauthenticationRequired:
        return fragment(request, "console/_token_reauth.html",
                        {"next": reverse("console:ticket", args=[ticket_id]),
                         "ticket_id": ticket_id}, status=403, page=PAGE)
    except (ValidationError, PermissionDenied) as exc:
        status = 400
        if isinstance(exc, PermissionDenied):
            status = 403
            denied(request, exc)
        form.add_error("reason", exc.message)
        return fragment(request, MASKED, _context(request, ticket_id, token, form),
                        status=status, page=PAGE)
    return fragment(request, "console/_token_revealed.html", {
        "ticket_id": ticket_id, "token": token, "revealed": revealed,
        "seconds": reveal_seconds()}, page=PAGE)
