from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.accounts import selectors as accounts
from trustdesk.console.forms import (
    BulkForm,
    ReplyForm,
    TagsForm,
    TicketCreateForm,
    TicketFilterForm,
    TicketUpdateForm,
)
from trustdesk.console.views import queue_tools
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.console.views.reveal import RevealForm
from trustdesk.core.errors import RateLimited, ValidationError
from trustdesk.customers import selectors as customers
from trustdesk.mailgateway import banners, links_view
from trustdesk.privacy.inventory import get_inventory
from trustdesk.tickets import (
    cc,
    macros,
    notifications,
    saved_views,
    selectors,
    services,
    tagging,
)
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.downloads import attachment_response
from trustdesk.tickets.errors import ReplyNeedsConfirmation


def _files(uploaded) -> list[NewAttachment]:
    return [NewAttachment(f.name, f.content_type or "", f.read()) for f in uploaded or ()]


# Where "home" (and so the page after sign-in) leads: the first of these sections
# the person's role can open, so that no role lands on a refusal.
_HOME_SECTIONS = (
    ("ticket.view", "console:tickets"), ("customer.view", "console:customers"),
    ("alert.read", "console:alerts"), ("audit.read", "console:audit"),
    ("access.review", "console:access_review"), ("agent.view", "console:agents"),
    ("datamap.read", "console:datamap"),
)


@require_GET
@console_view
def home(request):
    who = actor(request)
    for permission, section in _HOME_SECTIONS:
        if policy.has_permission(who, permission):
            return redirect(section)
    return redirect("console:tokens")


@require_GET
@console_view
def ticket_list(request):
    # No status in the query means the default view (active tickets), also on page 2
    # of it; "All" is sent explicitly as status= by the filter form.
    data = request.GET.copy()
    data.setdefault("status", "active")
    form = TicketFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"status": "active"}
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    page = selectors.ticket_list(
        actor=actor(request), page=page_number, page_size=25,
        filters=selectors.TicketFilters(
            status=filters.get("status") or None, priority=filters.get("priority") or None,
            channel=filters.get("channel") or None, assignee=filters.get("assignee") or None,
            q=filters.get("q") or None, tag=filters.get("tag") or None,
            order=filters.get("order") or "updated",
        ),
    )
    query = request.GET.copy()
    query.pop("page", None)
    who = actor(request)
    can_bulk = policy.has_permission(who, "ticket.update")
    context = {"form": form, "page": page, "query": query.urlencode(), "can_bulk": can_bulk,
               "next": request.get_full_path()}
    if not request.headers.get("HX-Request"):
        context["views"] = [(v, queue_tools.view_query(v))
                            for v in saved_views.view_list(actor=who)]
        context["can_share_views"] = policy.has_permission(who, "ticket.assign")
    if can_bulk and not request.headers.get("HX-Request"):
        # Offered what the person may do: without ticket.assign, taking and letting go.
        assigns = policy.has_permission(who, "ticket.assign")
        agents = [u for u in accounts.assignable_users(actor=who)
                  if assigns or u.pk == who.user_id]
        context["bulk_form"] = BulkForm(
            agents=agents, teams=accounts.team_list(actor=who) if assigns else [])
        context["bulk_teams"] = assigns
        context["tag_names"] = tagging.tag_names(actor=who)
    # htmx asks for the results only when a filter changes.
    template = "console/_ticket_rows.html" if request.headers.get("HX-Request") \
        else "console/ticket_list.html"
    return render(request, template, context)


def _detail_context(request, ticket_id: int, reply_form=None) -> dict:
    a = actor(request)
    detail = selectors.ticket_get(actor=a, ticket_id=ticket_id)
    t = detail.ticket
    # Links in mail the gateway found suspicious: defanged, each through the interstitial.
    links_view.defang_messages(detail.messages, ticket_id=t.pk)
    can_assign = policy.has_permission(a, "ticket.assign")
    agents = accounts.assignable_users(actor=a, also=t.assignee)
    teams = accounts.team_list(actor=a) if can_assign else ([t.team] if t.team else [])
    update_form = TicketUpdateForm(
        initial={"status": t.status, "priority": t.priority, "assignee_id": t.assignee_id,
                 "team_id": t.team_id}, agents=agents, teams=teams,
    )
    reply_form = reply_form or ReplyForm()
    if not reply_form.is_bound and reply_form.initial.get("seen_up_to") is None:
        reply_form.initial["seen_up_to"] = max((m.pk for m in detail.messages), default=0)
        reply_form.initial["seen_count"] = len(detail.messages)
    # The conversation and the ticket's activity, one thread in time order.
    timeline = sorted([*({"at": m.created_at, "message": m} for m in detail.messages),
                       *({"at": x.at, "activity": x} for x in detail.activity)],
                      key=lambda item: item["at"])
    return {
        "detail": detail, "ticket": t, "timeline": timeline,
        "reply_form": reply_form,
        "update_form": update_form, "can_reply": policy.has_permission(a, "ticket.reply"),
        "can_update": policy.has_permission(a, "ticket.update"),
        "can_verify": policy.has_permission(a, "customer.verify"),
        "field_labels": {f.name: f.label for f in get_inventory().fields},
        "reveal_form": RevealForm(),
        "mail_warnings": banners.for_messages(m.pk for m in detail.messages),
        "macros": macros.macro_list(actor=a) if policy.has_permission(a, "ticket.reply")
        else [],
        "following": notifications.is_following(actor=a, ticket_id=t.pk),
        "copies": cc.shown(a, t),
        "tags_form": TagsForm(), "tag_names": tagging.tag_names(actor=a),
    }


@require_GET
@console_view
def ticket_detail(request, ticket_id: int):
    reply_form, withheld = None, ()
    macro_id = request.GET.get("macro", "")
    if macro_id.isascii() and macro_id.isdigit() and len(macro_id) < 18:
        # A macro fills the reply box; the agent checks the draft and sends it.
        draft = macros.macro_apply(actor=actor(request), macro_id=int(macro_id),
                                   ticket_id=ticket_id)
        reply_form = ReplyForm(initial={"body": draft.body, "status": draft.status})
        withheld = draft.withheld
    context = _detail_context(request, ticket_id, reply_form=reply_form)
    context["macro_withheld"] = withheld
    return render(request, "console/ticket_detail.html", context)


@require_POST
@console_view
def ticket_reply(request, ticket_id: int):
    form = ReplyForm(request.POST, request.FILES)
    warnings: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        # The guard runs before anything is sent: its warnings come back with the draft,
        # and only "Send anyway" on exactly those warnings sends it.
        acknowledged = request.POST.getlist("acknowledged") if data["send_anyway"] else []
        try:
            services.ticket_reply(
                actor=actor(request), ticket_id=ticket_id, body=data["body"],
                internal=data["internal"], status=data["status"] or None,
                attachments=_files(data["attachments"]), acknowledged=acknowledged,
                seen_up_to=data["seen_up_to"], seen_count=data["seen_count"],
            )
        except ReplyNeedsConfirmation as exc:
            warnings = exc.warnings
        except ValidationError as exc:
            # The reply guard's refusal explains itself under the reply box.
            form_error(form, exc)
        else:
            messages.success(request, "Note added." if data["internal"] else "Reply sent.")
            return redirect("console:ticket", ticket_id=ticket_id)
    context = _detail_context(request, ticket_id, reply_form=form)
    context["reply_warnings"] = warnings
    return render(request, "console/ticket_detail.html", context, status=400)


@require_POST
@console_view
def ticket_update(request, ticket_id: int):
    a = actor(request)
    agents = accounts.assignable_users(actor=a)
    form = TicketUpdateForm(request.POST, agents=agents, teams=accounts.team_list(actor=a))
    if not form.is_valid():
        messages.error(request, "Please check the ticket fields.")
        return redirect("console:ticket", ticket_id=ticket_id)
    # The form sends every field; the service treats unchanged ones as no change, so an
    # agent without assign rights can still change the status.
    services.ticket_update(actor=a, ticket_id=ticket_id, **form.cleaned_data)
    messages.success(request, "Ticket updated.")
    return redirect("console:ticket", ticket_id=ticket_id)


@require_POST
@console_view
def ticket_take(request, ticket_id: int):
    services.ticket_update(actor=actor(request), ticket_id=ticket_id,
                           assignee_id=request.user.pk)
    messages.success(request, "The ticket is yours.")
    return redirect("console:ticket", ticket_id=ticket_id)


@console_view
def ticket_new(request):
    a = actor(request)
    customer_id = request.POST.get("customer_id") or request.GET.get("customer")
    if not customer_id:
        return _pick_customer(request)
    customer = customers.customer_get(actor=a, customer_id=customer_id)
    agents = accounts.assignable_users(actor=a) if policy.has_permission(
        a, "ticket.assign") else [u for u in accounts.assignable_users(actor=a)
                                  if u.pk == a.user_id]
    teams = accounts.teams_to_file_in(actor=a)
    own_team = next((t.pk for t in teams if t.pk in a.team_ids), None)
    form = TicketCreateForm(request.POST or None, request.FILES or None,
                            initial={"customer_id": customer.id, "team_id": own_team,
                                     "assignee_id": a.user_id if agents else None},
                            agents=agents, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                actor=a, customer_id=data["customer_id"], subject=data["subject"],
                body=data["body"], channel=data["channel"], priority=data["priority"],
                attachments=_files(data["attachments"]), reason=data["reason"],
                team_id=data["team_id"], assignee_id=data["assignee_id"],
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Ticket #{ticket.pk} opened.")
            return redirect(reverse("console:ticket", args=[ticket.pk]))
    return render(request, "console/ticket_new.html", {"form": form, "customer": customer},
                  status=400 if form.errors else 200)


def _pick_customer(request):
    """"New ticket" from the queue: find whom it is for first (by name or company, as on
    the customers page, with the same policy and search limit)."""
    query = (request.GET.get("q") or "").strip()[:200]
    page, error, status = None, "", 200
    if query:
        try:
            page = customers.customer_list(actor=actor(request), query=query, page_size=10)
        except RateLimited as exc:
            error, status = exc.message, 429
        except ValidationError as exc:
            error, status = exc.message, 400
    return render(request, "console/ticket_new_pick.html",
                  {"query": query, "page": page, "error": error}, status=status)


@require_GET
@console_view
def attachment_download(request, attachment_id: int):
    return attachment_response(
        selectors.attachment_get(actor=actor(request), attachment_id=attachment_id)
    )
