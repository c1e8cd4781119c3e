"""The support addresses: the list with a form to add one, and one address with its
DKIM record to publish and a form to change it (``mail.view`` to see, ``mail.configure``
to change)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trustdesk.access import policy
from trustdesk.accounts import selectors as accounts
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.core.errors import TrustDeskError
from trustdesk.mailgateway import banners, routes, selftest


class _RouteFields(forms.Form):
    name = forms.CharField(required=False, max_length=100, label="Display name",
                           help_text="Replies go out from “Name <address>”.")
    team_id = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                     label="Team", help_text="Whose queue its mail feeds.")
    honour_dmarc = forms.BooleanField(required=False, initial=True,
                                      label="Follow the sender domain's DMARC policy")
    active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_id"].choices = [("", "No team")] + [(t.pk, t.name) for t in teams]


class RouteForm(_RouteFields):
    address = forms.CharField(max_length=254, label="Support address")
    dkim = forms.BooleanField(required=False, initial=True, label="Sign replies (DKIM)")
    dkim_selector = forms.CharField(required=False, max_length=63, label="DKIM selector",
                                    help_text="Letters, digits and hyphens; default "
                                    "td<date>.")
    field_order = ("address", "name", "team_id", "dkim", "dkim_selector", "honour_dmarc",
                   "active")


class RouteEditForm(_RouteFields):
    dkim_selector = forms.CharField(
        required=False, max_length=63, label="New DKIM selector",
        help_text="A new selector makes a new key: publish its record, then keep the old "
        "one a few days for mail already on its way. Leave empty to keep the key.")
    remove_dkim = forms.BooleanField(required=False, label="Remove the key (send unsigned)")


def _teams(who):
    return accounts.team_list(actor=who) if policy.has_permission(who, "agent.view") else ()


@console_view
def route_list(request):
    who = actor(request)
    found = routes.route_list(actor=who)
    may_configure = policy.has_permission(who, "mail.configure")
    form = None
    if may_configure:
        form = RouteForm(request.POST or None, teams=_teams(who))
        if request.method == "POST" and form.is_valid():
            try:
                route = routes.route_create(actor=who, **form.cleaned_data)
            except TrustDeskError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"{route.address} added.")
                return redirect("console:mail_route", route_id=route.pk)
    elif request.method == "POST":
        policy.require(who, "mail.configure")  # 403, recorded
    rows = [(r, routes.dns_record(r)) for r in found]
    return render(request, "console/mail_routes.html",
                  {"rows": rows, "form": form}, status=400 if form and form.errors else 200)


@console_view
def route_detail(request, route_id: int):
    who = actor(request)
    route = routes.route_get(actor=who, route_id=route_id)
    form = None
    if policy.has_permission(who, "mail.configure"):
        initial = {"name": route.name, "team_id": route.team_id, "active": route.active,
                   "honour_dmarc": route.honour_dmarc}
        form = RouteEditForm(request.POST or None, initial=initial, teams=_teams(who))
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            changes = {k: d[k] for k in ("name", "team_id", "active", "honour_dmarc")}
            if d["remove_dkim"]:
                changes["dkim_selector"] = ""
            elif d["dkim_selector"]:
                changes["dkim_selector"] = d["dkim_selector"]
            try:
                routes.route_update(actor=who, route_id=route.pk, **changes)
            except TrustDeskError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "Support address saved.")
                return redirect("console:mail_route", route_id=route.pk)
    elif request.method == "POST":
        policy.require(who, "mail.configure")
    return render(request, "console/mail_route.html",
                  {"route": route, "record": routes.dns_record(route), "form": form},
                  status=400 if form and form.errors else 200)


@require_POST
@console_view
def route_test(request, route_id: int):
    """Send the test message through the whole pipe and show each verdict."""
    who = actor(request)
    route = routes.route_get(actor=who, route_id=route_id)
    result = selftest.route_test(actor=who, route_id=route.pk)
    return render(request, "console/mail_route.html",
                  {"route": route, "record": routes.dns_record(route), "form": None,
                   "test": result, "test_warnings": banners.texts(result.checks)})
