"""Macros in the console: the list, the editor, and removing one. Filling one in happens
on the ticket page (``?macro=``), through ``tickets.macros.macro_apply``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.console.forms import MacroForm
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.core.errors import ValidationError
from trustdesk.tickets import macros


@require_GET
@console_view
def macro_list(request):
    a = actor(request)
    return render(request, "console/macros.html", {
        "macros": macros.macro_list(actor=a),
        "can_share": policy.has_permission(a, "ticket.assign")})


@console_view
def macro_edit(request, macro_id: int | None = None):
    a = actor(request)
    can_share = policy.has_permission(a, "ticket.assign")
    macro = macros.macro_get(actor=a, macro_id=macro_id) if macro_id is not None else None
    initial = ({"name": macro.name, "body": macro.body, "status": macro.status,
                "shared": macro.shared} if macro else {})
    form = MacroForm(request.POST or None, initial=initial, can_share=can_share)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = macros.macro_save(actor=a, macro_id=macro_id, name=data["name"],
                                      body=data["body"], status=data["status"],
                                      shared=data.get("shared", False))
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Macro “{saved.name}” saved.")
            return redirect("console:macros")
    return render(request, "console/macro_form.html", {"form": form, "macro": macro},
                  status=400 if form.errors else 200)


@require_POST
@console_view
def macro_delete(request, macro_id: int):
    macros.macro_delete(actor=actor(request), macro_id=macro_id)
    messages.success(request, "Macro removed.")
    return redirect("console:macros")
