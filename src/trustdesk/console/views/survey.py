"""The customer's side of the satisfaction survey: the page a signed link opens, with no
sign-in. It shows the ticket's number only and takes one rating."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from trustdesk.core.errors import Conflict, Gone, NotFound, ValidationError
from trustdesk.tickets import csat


@never_cache
def survey(request, signed: str):
    context = {"ratings": sorted(csat.RATINGS.items())}
    status = 200
    try:
        context["survey"] = csat.survey_for(signed[:200])
        if context["survey"].answered_at is not None:
            context["done"] = "Your answer is recorded already."
        elif request.method == "POST":
            csat.answer(signed=signed[:200], rating=request.POST.get("rating"))
            context["done"] = "Your answer helps us do better."
    except NotFound:
        context["error"], status = "This survey link is not valid.", 404
    except Gone as exc:
        context["error"], status = exc.message, 410
    except (Conflict, ValidationError) as exc:
        context["error"], status = exc.message, 400
    return render(request, "console/survey.html", context, status=status)
