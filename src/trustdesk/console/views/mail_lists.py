"""The gateway's allow and deny lists: see them (``mail.view``), add and remove entries
(``mail.configure``), over the same use cases as the API and ``trustdesk mail lists``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from trustdesk.access.policy import has_permission
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.core.errors import ValidationError
from trustdesk.mailgateway import geo, selectors, services
from trustdesk.mailgateway.models import ListEntry


class ListEntryForm(forms.Form):
    """Parses input only: what a value must look like is ``mailgateway.lists``' rule."""

    action = forms.ChoiceField(choices=ListEntry.Action.choices, initial="deny")
    kind = forms.ChoiceField(choices=ListEntry.Kind.choices, initial="domain")
    value = forms.CharField(max_length=300, help_text=(
        "An address (name@example.com), a domain (matches its subdomains too), an IP "
        "address or CIDR block (192.0.2.0/24), or a country code (DE)."))
    note = forms.CharField(max_length=200, required=False, help_text="Why, for whoever "
                           "reads this list next.")


@require_http_methods(["GET", "POST"])
@console_view
def mail_lists(request):
    who = actor(request)
    entries = selectors.list_entries(actor=who)  # mail.view, also before any change
    form = ListEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.list_entry_add(actor=who, action=d["action"], kind=d["kind"],
                                            value=d["value"], note=d["note"])
        except ValidationError as exc:  # a refusal is the 403 page, not a form error
            form_error(form, exc)
        else:
            messages.success(request, f"{entry.value} is on the {entry.action} list.")
            return redirect("console:mail_lists")
    return render(request, "console/mail_lists.html", {
        "form": form, "can_configure": has_permission(who, "mail.configure"),
        "deny": [e for e in entries if e.action == "deny"],
        "allow": [e for e in entries if e.action == "allow"],
        "geoip": geo.status(),
    }, status=400 if form.errors else 200)


@require_POST
@console_view
def mail_list_remove(request, entry_id: int):
    entry = services.list_entry_remove(actor=actor(request), entry_id=entry_id)
    messages.success(request, f"{entry.value} is no longer on the {entry.action} list.")
    return redirect("console:mail_lists")
