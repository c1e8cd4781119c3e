"""The admin area: agents, teams, and one's own API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.accounts import credentials, selectors, services
from trustdesk.console.forms import AgentForm, TeamForm, TokenForm
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.core import clock
from trustdesk.core.errors import TrustDeskError, ValidationError
from trustdesk.privacy import selectors as privacy
from trustdesk.privacy.inventory import get_inventory


@require_GET
@console_view
def agent_list(request):
    a = actor(request)
    return render(request, "console/agent_list.html", {
        "agents": selectors.user_list(actor=a), "teams": selectors.team_list(actor=a),
        "can_manage": policy.has_permission(a, "agent.manage"),
        "can_manage_teams": policy.has_permission(a, "team.manage"),
    })


@console_view
def agent_new(request):
    a = actor(request)
    policy.require(a, "agent.manage")
    form = AgentForm(request.POST or None, teams=selectors.team_list(actor=a))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.user_create(actor=a, email=d["email"], full_name=d["full_name"],
                                 role=d["role"], password=d["password"],
                                 team_ids=d["team_ids"])
        except (ValidationError, TrustDeskError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{d['full_name']} can now sign in.")
            return redirect("console:agents")
    return render(request, "console/agent_form.html", {"form": form, "agent": None},
                  status=400 if form.errors else 200)


@console_view
def agent_edit(request, user_id: int):
    a = actor(request)
    policy.require(a, "agent.manage")
    agent = selectors.user_get(actor=a, user_id=user_id)
    initial = {"email": agent.email, "full_name": agent.full_name, "role": agent.role,
               "is_active": agent.is_active, "team_ids": [t.pk for t in agent.teams.all()]}
    form = AgentForm(request.POST or None, initial=initial, teams=selectors.team_list(actor=a),
                     creating=False)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                services.user_update(actor=a, user_id=agent.pk, full_name=d["full_name"],
                                     role=d["role"], is_active=d["is_active"],
                                     team_ids=d["team_ids"])
                new_email = (d["email"] or agent.email).strip().lower()
                if new_email != agent.email:
                    credentials.email_change_request(actor=a, user_id=agent.pk,
                                                     email=new_email)
        except (ValidationError, TrustDeskError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Agent saved." + (
                f" A confirmation link went to {new_email}; the sign-in address changes "
                "once it is used." if new_email != agent.email else ""))
            return redirect("console:agents")
    return render(request, "console/agent_form.html",
                  {"form": form, "agent": agent, "locked": selectors.is_locked(agent)},
                  status=400 if form.errors else 200)


@require_POST
@console_view
def agent_end_sessions(request, user_id: int):
    ended = services.user_end_sessions(actor=actor(request), user_id=user_id)
    messages.success(request, f"Ended {ended} session{'s' if ended != 1 else ''}.")
    return redirect("console:agent_edit", user_id=user_id)


@require_POST
@console_view
def agent_unlock(request, user_id: int):
    policy.require(actor(request), "agent.manage")
    agent = services.user_unlock(actor=actor(request), user_id=user_id)
    messages.success(request, f"{agent.full_name} can sign in again.")
    return redirect("console:agent_edit", user_id=user_id)


@console_view
def team_new(request):
    a = actor(request)
    policy.require(a, "team.manage")
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_create(actor=a, **form.cleaned_data)
        except TrustDeskError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Team created.")
            return redirect("console:agents")
    return render(request, "console/team_form.html", {"form": form},
                  status=400 if form.errors else 200)


# The new secret waits in the session for the one page that shows it: the request that
# created the token may have been replayed at the re-authentication URL, which must never
# display it (browser history, Referer).
ISSUED_KEY = "trustdesk_issued_token"


@console_view
def tokens(request):
    a = actor(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            issued = services.token_create(
                actor=a, user=request.user, name=d["name"],
                scopes=[s.strip() for s in d["scopes"].split(",") if s.strip()],
                expires_days=d["expires_days"],
            )
        except TrustDeskError as exc:
            form_error(form, exc)
        else:
            request.session[ISSUED_KEY] = issued.secret
            return redirect("console:tokens")
    secret = request.session.pop(ISSUED_KEY, None) if request.method == "GET" else None
    response = render(request, "console/tokens.html", {
        "form": form, "issued": {"secret": secret} if secret else None,
        "tokens": selectors.token_list(actor=a),
    }, status=400 if form.errors else 200)
    # The page shows a secret once; no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@console_view
def token_revoke(request, token_id: int):
    services.token_revoke(actor=actor(request), token_id=token_id)
    messages.success(request, "Token revoked.")
    return redirect("console:tokens")


@require_GET
@console_view
def keys(request):
    return render(request, "console/keys.html",
                  {"status": privacy.key_status(actor=actor(request)), "now": clock.now()})


@require_GET
@console_view
def datamap(request):
    policy.require(actor(request), "datamap.read")
    # The file's location is the server's business, not the reader's: only whether it
    # is the default or the deployment's own.
    custom = settings.DATA_INVENTORY_CUSTOM
    return render(request, "console/datamap.html",
                  {"inventory": get_inventory(), "inventory_custom": custom})
