"""The portal's "Verify your identity" pages: the customer's level now, a button that
texts a code to the phone on file, and the form the code is typed into.

Only the challenge's id travels in the form (it is no secret: a challenge answers only
to the session's customer, ``verification.portal``); who is verified is the session's.
After a right code the answer redirects (so a reload posts nothing twice) to the page
that shows the new level.
"""

from __future__ import annotations

from django.utils.translation import pgettext

from trustdesk.core.errors import (
    Conflict,
    NotFound,
    RateLimited,
    TrustDeskError,
    Unavailable,
    ValidationError,
)
from trustdesk.customers import requests
from trustdesk.portal.help import _back, _ip, _page, _retry_after, help_page
from trustdesk.verification import portal as verification

PAGE = "portal/help_verify.html"
CODE_PAGE = "portal/help_verify_code.html"


def _error(exc: TrustDeskError) -> str:
    """What went wrong, in the page's language; one answer for each kind of failure
    (which limit was reached, or why a code is over, is nothing the page needs)."""
    if isinstance(exc, RateLimited):
        return pgettext("customer portal", "Too many codes or attempts in the last hour. "
                        "Please try again later.")
    if isinstance(exc, Unavailable):
        return pgettext("customer portal", "We could not send a text message to the phone "
                        "number we have for you. Please try again later.")
    if isinstance(exc, Conflict):
        return pgettext("customer portal", "This code can no longer be used: it has "
                        "expired, it was used already, or too many wrong codes were tried. "
                        "Ask for a new code.")
    if isinstance(exc, ValidationError):
        return pgettext("customer portal", "Enter the six-digit code from the text message.")
    return pgettext("customer portal", "That did not work. Please try again.")


def _status(exc: TrustDeskError) -> int:
    return 429 if isinstance(exc, RateLimited) else 503 if isinstance(
        exc, Unavailable) else 400


def _failed(request, lang, template, context, exc: TrustDeskError):
    return _retry_after(_page(request, lang, template, {**context, "error": _error(exc)},
                              status=_status(exc)), exc)


@help_page(signed_in=True, methods=("GET", "HEAD", "POST"))
def verify(request, lang):
    mine = verification.my_verification(actor=request.customer)
    if request.method != "POST":
        return _page(request, lang, PAGE, {"v": mine})
    try:
        started = verification.my_verification_start(actor=request.customer)
    except NotFound:
        raise
    except TrustDeskError as exc:
        return _failed(request, lang, PAGE, {"v": mine}, exc)
    return _page(request, lang, CODE_PAGE, {"challenge": started.challenge_id,
                                            "expires_at": started.expires_at})


@help_page(signed_in=True, methods=("POST",))
def verify_answer(request, lang):
    challenge = request.POST.get("challenge", "")
    context = {"challenge": challenge}
    try:
        answered = verification.my_verification_answer(
            actor=request.customer, challenge_id=challenge,
            answer=request.POST.get("code", ""), ip=_ip(request))
    except NotFound:
        raise
    except TrustDeskError as exc:
        return _failed(request, lang, CODE_PAGE, {**context, "over": isinstance(
            exc, Conflict | RateLimited)}, exc)
    if answered.matches:
        # Requests waiting for the customer to show it is them can now go ahead.
        requests.my_identity_proved(actor=request.customer)
        return _back(lang, "/help/verify/")
    wrong = pgettext("customer portal", "That code is not right.")
    return _page(request, lang, CODE_PAGE, {**context, "error": wrong,
                                            "over": answered.attempts_left == 0,
                                            "attempts_left": answered.attempts_left},
                 status=400)
