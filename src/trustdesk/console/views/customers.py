from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.access.fields import HIDDEN, VISIBLE
from trustdesk.console.forms import CONSENT_HOW, CustomerSearchForm, ErasureForm, customer_form
from trustdesk.console.views import consents
from trustdesk.console.views.base import actor, console_view, denied, form_error
from trustdesk.console.views.reveal import RevealForm
from trustdesk.core.errors import RateLimited, ValidationError
from trustdesk.customers import organisations, selectors, services
from trustdesk.customers.errors import VerificationRequired
from trustdesk.privacy.inventory import get_inventory
from trustdesk.tickets import selectors as tickets


@require_GET
@console_view
def customer_list(request):
    inventory = get_inventory()
    form = CustomerSearchForm(request.GET or None, inventory=inventory)
    match, query = None, None
    if form.is_valid() and form.cleaned_data["value"]:
        match = {form.cleaned_data["field"]: form.cleaned_data["value"]}
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"]
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    status = 200
    try:
        page = selectors.customer_list(actor=actor(request), match=match, page=page_number,
                                       query=query)
    except (ValidationError, RateLimited) as exc:
        form_error(form, exc)
        status = 429 if isinstance(exc, RateLimited) else 200
        match = query = None
        page = selectors.customer_list(actor=actor(request), page=page_number)
    columns = [f for f in inventory.fields if f.name in ("email", "phone", "company")]
    return render(request, "console/customer_list.html",
                  {"form": form, "page": page, "columns": columns,
                   "searched": bool(match or query)},
                  status=status)


@console_view
def customer_new(request):
    inventory = get_inventory()
    form = customer_form(inventory, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        profile = {k: v for k, v in form.cleaned_data.items() if v}
        how = profile.pop(CONSENT_HOW, None)
        try:
            customer = services.customer_create(actor=actor(request), profile=profile,
                                                consent_how=how)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Customer created.")
            return redirect("console:customer", customer_id=customer.id)
    return render(request, "console/customer_form.html",
                  {"form": form, "inventory": inventory, "customer": None},
                  status=400 if form.errors else 200)


@require_POST
@console_view
def customer_erase(request, customer_id):
    form = ErasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the customer is erased, and confirm.")
        return redirect("console:customer", customer_id=customer_id)
    try:
        services.customer_erase(
            actor=actor(request), customer_id=customer_id, reason=form.cleaned_data["reason"],
            verification_override=request.POST.get("verification_override") or None)
    except VerificationRequired as exc:
        denied(request, exc)
        messages.error(request, f"{exc.message} Or say below why you erase anyway: that "
                       "alerts the security officers.")
        return redirect("console:customer", customer_id=customer_id)
    messages.success(request, "The customer's key was destroyed: their data can no longer "
                     "be read anywhere, backups included.")
    return redirect("console:customer", customer_id=customer_id)


def _editable(form, customer, policy_fields: dict[str, str]) -> None:
    """Narrow the edit form to what the person may see: a field they see in clear is
    prefilled; a masked or withheld one starts empty (an empty box keeps the stored
    value, typing replaces it); a hidden one is not on the form at all."""
    for name in list(form.fields):
        if name == CONSENT_HOW:
            continue
        decision = customer.access.get(name) or policy_fields.get(name, HIDDEN)
        if decision == HIDDEN:
            del form.fields[name]
        elif decision != VISIBLE:
            field = form.fields[name]
            field.initial, field.required = None, False
            shown = customer.profile.get(name) or ("withheld" if name in customer.access
                                                   else "")
            field.widget.attrs["placeholder"] = f"{shown} (leave empty to keep)" if shown \
                else ""


@console_view
def customer_detail(request, customer_id):
    a = actor(request)
    inventory = get_inventory()
    customer = selectors.customer_get(actor=a, customer_id=customer_id)
    if customer.status == "erased":
        return render(request, "console/customer_erased.html", {"customer": customer})
    clear = {k: v for k, v in customer.profile.items() if customer.access.get(k) == VISIBLE}
    form = customer_form(inventory, data=request.POST or None, initial=clear)
    _editable(form, customer, selectors.field_access(actor=a))
    verification_needed = None
    if request.method == "POST":
        policy.require(a, "customer.update")
        if form.is_valid():
            how = form.cleaned_data.pop(CONSENT_HOW, None) or None
            changes = {k: (v or None) for k, v in form.cleaned_data.items()
                       if (k in clear and (v or None) != clear[k]) or (k not in clear and v)}
            try:
                services.customer_update(
                    actor=a, customer_id=customer.id, changes=changes, consent_how=how,
                    verification_override=request.POST.get("verification_override") or None)
            except VerificationRequired as exc:
                denied(request, exc)
                verification_needed = exc
                form.add_error(None, exc.message)
            except ValidationError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "Profile saved.")
                return redirect("console:customer", customer_id=customer.id)
    recent = tickets.ticket_list(actor=a, filters=tickets.TicketFilters(
        customer_id=str(customer.id)), page_size=20) if policy.has_permission(
        a, "ticket.view") else None
    fields = [(spec, customer.profile.get(spec.name), customer.access[spec.name])
              for spec in inventory.fields if spec.name in customer.access]
    return render(request, "console/customer_detail.html", {
        "customer": customer, "fields": fields, "form": form, "tickets": recent,
        "can_edit": policy.has_permission(a, "customer.update"),
        "can_reveal": policy.has_permission(a, "customer.reveal"),
        "can_verify": policy.has_permission(a, "customer.verify"),
        "verification_needed": verification_needed,
        "reveal_form": RevealForm(),
        "can_open_ticket": policy.has_permission(a, "ticket.create"),
        "can_erase": policy.has_permission(a, "customer.erase"), "erasure_form": ErasureForm(),
        "organisation": organisations.of_customer(actor=a, customer_id=customer.id),
        "sees_organisations": organisations.sees_organisations(a),
        "organisation_choices": organisations.organisation_list(actor=a)
        if policy.has_permission(a, "customer.update")
        and organisations.sees_organisations(a) else [],
        **consents.section(a, customer.id),
    }, status=400 if form.errors else 200)
