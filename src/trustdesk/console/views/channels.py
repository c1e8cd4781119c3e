"""The official-channel registry in the console: every signed-in person sees the list
(it is what customers see on the trust page); ``channel.manage`` adds, changes and
removes channels."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trustdesk.access import policy
from trustdesk.channels import selectors, services
from trustdesk.channels.vocabulary import DEFAULT_NEVER_ASKS, KINDS, NEVER_ASK
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.core.errors import TrustDeskError

_EXTRA = [(k, label) for k, label in NEVER_ASK.items() if k not in DEFAULT_NEVER_ASKS]


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(choices=list(KINDS.items()), label="Kind")
    value = forms.CharField(max_length=254, label="Address, number, handle or URL",
                            help_text="An email address, a phone number with its country "
                            "code (+44 …), a handle (@example) or an https:// address.")
    label = forms.CharField(required=False, max_length=80, label="Label",
                            help_text="Shown to customers; no personal data.")
    may_ask = forms.CharField(required=False, max_length=800, label="May ask for",
                              help_text="Comma-separated: order number, name …")
    never_asks = forms.MultipleChoiceField(
        required=False, choices=_EXTRA, widget=forms.CheckboxSelectMultiple,
        label="Also never asks for",
        help_text="Every channel always promises never to ask for "
                  + ", ".join(NEVER_ASK[k] for k in DEFAULT_NEVER_ASKS) + ".")
    active = forms.BooleanField(required=False, initial=True, label="Published")


class ChannelEditForm(ChannelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]  # a phone number does not become a URL


def _fields(d: dict) -> dict:
    return {"value": d["value"], "label": d["label"], "may_ask": d["may_ask"],
            "never_asks": d["never_asks"], "active": d["active"]}


@console_view
def channel_list(request):
    who = actor(request)
    rows = selectors.channel_list(actor=who)
    may_manage = policy.has_permission(who, "channel.manage")
    form = None
    if may_manage:
        form = ChannelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                channel = services.channel_create(actor=who, kind=form.cleaned_data["kind"],
                                                  **_fields(form.cleaned_data))
            except TrustDeskError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"{channel.value} added.")
                return redirect("console:channels")
    elif request.method == "POST":
        policy.require(who, "channel.manage")  # 403, recorded
    return render(request, "console/channels.html",
                  {"rows": rows, "form": form, "may_manage": may_manage,
                   "never_ask": NEVER_ASK, "kinds": KINDS},
                  status=400 if form and form.errors else 200)


@console_view
def channel_detail(request, channel_id: int):
    who = actor(request)
    channel = selectors.channel_get(actor=who, channel_id=channel_id)
    if request.method == "POST":
        policy.require(who, "channel.manage")
    if not policy.has_permission(who, "channel.manage"):
        return redirect("console:channels")
    initial = {"value": channel.value, "label": channel.label,
               "may_ask": ", ".join(channel.may_ask), "active": channel.active,
               "never_asks": [k for k in channel.never_asks if k not in DEFAULT_NEVER_ASKS]}
    form = ChannelEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_update(actor=who, channel_id=channel.pk, **_fields(form.cleaned_data))
        except TrustDeskError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Channel saved.")
            return redirect("console:channels")
    return render(request, "console/channel_form.html",
                  {"channel": channel, "form": form, "kind": KINDS[channel.kind]},
                  status=400 if form.errors else 200)


@require_POST
@console_view
def channel_delete(request, channel_id: int):
    services.channel_delete(actor=actor(request), channel_id=channel_id)
    messages.success(request, "Channel removed.")
    return redirect("console:channels")
