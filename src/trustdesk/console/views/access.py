"""Access review — who holds which permissions against what the audit trail shows used;
an admin applies a recommendation in one click — and the roles themselves, which an
admin edits (after confirming their password)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.access import selectors as access_selectors
from trustdesk.access import services as access_services
from trustdesk.access.roles import PERMISSIONS, ROLE_LABELS
from trustdesk.accounts import review
from trustdesk.console.views.base import actor, console_view
from trustdesk.core.errors import ValidationError


def _days(request) -> int:
    try:
        days = int(request.GET.get("days") or review.DEFAULT_DAYS)
    except ValueError:
        raise ValidationError("days must be a whole number.", field="days") from None
    return days


@require_GET
@console_view
def access_review(request):
    a = actor(request)
    days = _days(request)
    return render(request, "console/access_review.html", {
        "reviews": review.access_review(actor=a, days=days), "days": days,
        "role_labels": ROLE_LABELS, "can_apply": policy.has_permission(a, "agent.manage"),
    })


@require_POST
@console_view
def access_review_apply(request, user_id: int):
    a = actor(request)
    policy.require(a, "agent.manage")
    role, days = request.POST.get("role", ""), _days(request)
    user = review.apply_recommendation(actor=a, user_id=user_id, role=role, days=days)
    messages.success(request, f"{user.full_name} is now {ROLE_LABELS[user.role]}.")
    return redirect(f"{reverse('console:access_review')}?days={days}")


@require_GET
@console_view
def roles(request):
    a = actor(request)
    return render(request, "console/roles.html", {
        "roles": access_selectors.role_list(actor=a), "permissions": PERMISSIONS,
        "can_edit": policy.has_permission(a, "role.manage"),
    })


@require_POST
@console_view
def role_edit(request, role: str):
    a = actor(request)
    policy.require(a, "role.manage")
    held = access_services.role_update(actor=a, role=role,
                                       permissions=request.POST.getlist("permissions"))
    messages.success(request, f"{ROLE_LABELS[role]} now holds {len(held)} permissions.")
    return redirect("console:roles")
