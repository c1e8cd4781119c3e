"""The console's working flows, end to end through views, forms and services."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from helpers import opened_messages, stored_profile
from trustdesk.accounts.models import ApiToken, Team, User
from trustdesk.customers.models import Customer
from trustdesk.privacy.inventory import get_inventory
from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "correct horse battery staple again"


def _html(response) -> str:
    return response.content.decode()


# --- Tickets -------------------------------------------------------------------------------

def test_agent_replies_to_a_ticket(agent_client, agent, ticket):
    url = reverse("console:ticket", args=[ticket.pk])
    response = agent_client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                                 {"body": "We have sent a replacement today."})
    assert response.status_code == 302
    assert response["Location"] == url

    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert ticket.assignee_id == agent.pk  # replying to an unowned ticket takes it
    last = opened_messages(ticket.messages.all())[-1]
    assert (last.direction, last.author_id, last.body) == (
        "outbound", agent.pk, "We have sent a replacement today.")

    page = agent_client.get(url)
    html = _html(page)
    assert "Reply sent." in html
    assert "We have sent a replacement today." in html
    assert 'class="badge status-pending"' in html


def test_reply_can_set_another_status(agent_client, ticket):
    agent_client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                      {"body": "Refund issued.", "status": "solved"})
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert ticket.solved_at is not None


def test_reply_body_is_escaped(agent_client, ticket):
    agent_client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                      {"body": "<script>alert(1)</script>\nsecond line"})
    html = _html(agent_client.get(reverse("console:ticket", args=[ticket.pk])))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in html


def test_empty_reply_is_refused_with_the_form_shown_again(agent_client, ticket):
    response = agent_client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                                 {"body": "   "})
    assert response.status_code == 400
    assert 'class="field-error"' in _html(response)
    assert "data-reply" in _html(response)
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert ticket.messages.count() == 1


def test_internal_note(agent_client, agent, ticket):
    response = agent_client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                                 {"body": "Customer called twice already.", "internal": "on"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    # A note is for colleagues: it neither changes the status nor takes the ticket.
    assert ticket.status == "new"
    assert ticket.assignee_id is None
    note = ticket.messages.last()
    assert (note.direction, note.author_id) == ("note", agent.pk)

    html = _html(agent_client.get(reverse("console:ticket", args=[ticket.pk])))
    assert "Note added." in html
    assert "Internal note" in html
    assert f'class="msg msg-note" id="m{note.pk}"' in html


def test_reply_with_an_attachment(agent_client, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("label.txt", b"return label", content_type="text/plain")
    response = agent_client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                                 {"body": "Label attached.", "attachments": [upload]})
    assert response.status_code == 302
    attachment = ticket.messages.last().attachments.get()
    html = _html(agent_client.get(reverse("console:ticket", args=[ticket.pk])))
    assert reverse("console:attachment", args=[attachment.pk]) in html

    download = agent_client.get(reverse("console:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download) == b"return label"


def test_take_ticket(agent_client, agent, ticket):
    response = agent_client.post(reverse("console:ticket_take", args=[ticket.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:ticket", args=[ticket.pk])
    ticket.refresh_from_db()
    assert ticket.assignee_id == agent.pk
    html = _html(agent_client.get(reverse("console:ticket", args=[ticket.pk])))
    assert "The ticket is yours." in html
    assert "Take ticket" not in html  # already theirs


def test_update_status_and_priority(agent_client, ticket, team):
    response = agent_client.post(reverse("console:ticket_update", args=[ticket.pk]), {
        "status": "open", "priority": "high", "assignee_id": "", "team_id": team.pk,
    })
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.team_id) == ("open", "high", team.pk)
    html = _html(agent_client.get(reverse("console:ticket", args=[ticket.pk])))
    assert "Ticket updated." in html
    assert 'class="badge status-open"' in html


def test_update_form_posts_back_what_the_page_offers(agent_client, ticket):
    """The values the detail page preselects are accepted by the update view."""
    page = agent_client.get(reverse("console:ticket", args=[ticket.pk]))
    form = page.context["update_form"]
    data = {name: ("" if form[name].value() is None else form[name].value())
            for name in form.fields}
    data["status"] = "solved"
    response = agent_client.post(reverse("console:ticket_update", args=[ticket.pk]), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "solved"


def test_agent_cannot_give_a_ticket_to_someone_else(agent_client, make_user, ticket, team):
    colleague = make_user("agent", teams=[team])
    response = agent_client.post(reverse("console:ticket_update", args=[ticket.pk]), {
        "status": "new", "priority": "normal", "assignee_id": colleague.pk,
        "team_id": team.pk,
    })
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


def test_closed_ticket_cannot_be_answered(agent_client, ticket, team):
    agent_client.post(reverse("console:ticket_update", args=[ticket.pk]), {
        "status": "closed", "priority": "normal", "assignee_id": "", "team_id": team.pk,
    })
    page = agent_client.get(reverse("console:ticket", args=[ticket.pk]))
    assert "This ticket is closed." in _html(page)
    assert "data-reply" not in _html(page)

    response = agent_client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                                 {"body": "Too late"}, follow=True)
    assert response.status_code == 200
    assert 'class="flash flash-error"' in _html(response)
    assert ticket.messages.count() == 1


# --- Customers -----------------------------------------------------------------------------

def test_customer_form_has_only_inventory_fields(agent_client):
    response = agent_client.get(reverse("console:customer_new"))
    inventory_names = {f.name for f in get_inventory().fields}
    # Besides the fields, how the customer consented to those on consent: no data of
    # theirs, only the record of their say (docs/privacy.md).
    assert set(response.context["form"].fields) == inventory_names | {"consent_how"}
    posted_names = set(re.findall(r'\bname="([^"]+)"', _html(response).split(
        '<main class="content"')[1]))
    assert posted_names == inventory_names | {"csrfmiddlewaretoken", "consent_how"}


def test_create_a_customer(agent_client):
    response = agent_client.post(reverse("console:customer_new"), {
        "full_name": "Katherine Johnson", "email": "Katherine@Example.org",
        "phone": "+44 20 7946 0958", "company": "",
        # Not in the inventory: not a form field, so never stored.
        "national_id": "AB123456C",
    })
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert response["Location"] == reverse("console:customer", args=[customer.pk])
    stored = stored_profile(customer.pk)
    assert stored == {"full_name": "Katherine Johnson", "email": "katherine@example.org",
                      "phone": "+442079460958"}

    html = _html(agent_client.get(response["Location"]))
    assert "Customer created." in html
    assert "AB123456C" not in html


def test_create_a_customer_with_invalid_values(agent_client):
    count = Customer.objects.count()
    response = agent_client.post(reverse("console:customer_new"),
                                 {"full_name": "Bad Phone", "phone": "12"})
    assert response.status_code == 400
    assert "Phone number must be a valid phone number" in _html(response)
    missing = agent_client.post(reverse("console:customer_new"), {"email": "x@example.org"})
    assert missing.status_code == 400
    assert Customer.objects.count() == count


def test_update_a_customer(agent_client, customer, ticket):
    url = reverse("console:customer", args=[customer.id])
    # The agent sees the email masked: its box starts empty, and empty keeps the value.
    response = agent_client.post(url, {"full_name": "Ada King", "email": "",
                                       "company": "Analytical Engines Ltd"})
    assert response.status_code == 302
    stored = stored_profile(customer.id)
    assert stored == {"full_name": "Ada King", "email": "ada@example.org",
                      "company": "Analytical Engines Ltd"}

    # A field seen in clear is cleared by emptying it; a masked one replaced by typing.
    response = agent_client.post(url, {"full_name": "Ada King", "company": "",
                                       "email": "ada.king@example.org"})
    assert response.status_code == 302
    assert stored_profile(customer.id) == {"full_name": "Ada King",
                                           "email": "ada.king@example.org"}


def test_create_a_ticket_for_a_customer(agent_client, customer):
    response = agent_client.post(f"{reverse('console:ticket_new')}?customer={customer.id}", {
        "customer_id": customer.id, "subject": "Called about a refund",
        "body": "Wants the money back for order 42.", "channel": "phone", "priority": "high",
        "reason": "Caller on the line",
    })
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Called about a refund")
    assert response["Location"] == reverse("console:ticket", args=[ticket.pk])
    assert (ticket.customer_id, ticket.channel, ticket.priority, ticket.status) == (
        customer.id, "phone", "high", "new")
    assert ticket.messages.get().direction == "inbound"

    html = _html(agent_client.get(response["Location"]))
    assert f"Ticket #{ticket.pk} opened." in html
    assert "Wants the money back for order 42." in html


def test_create_a_ticket_with_missing_fields(agent_client, customer):
    response = agent_client.post(reverse("console:ticket_new"), {
        "customer_id": customer.id, "subject": "", "body": "",
        "channel": "phone", "priority": "normal",
    })
    assert response.status_code == 400
    # Subject, body and the reason for taking the customer's message down.
    assert response.content.decode().count('class="field-error"') == 3
    assert not Ticket.objects.exists()


# --- Admin area ----------------------------------------------------------------------------

def test_admin_creates_a_team_and_an_agent(admin_console):
    response = admin_console.post(reverse("console:team_new"),
                                  {"name": "Billing desk", "description": "Invoices"})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:agents")
    team = Team.objects.get(name="Billing desk")

    response = admin_console.post(reverse("console:agent_new"), {
        "email": "New.Agent@Example.com", "full_name": "New Agent", "role": "agent",
        "password": NEW_PASSWORD, "team_ids": [team.pk],
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("console:agents")
    user = User.objects.get(email="new.agent@example.com")
    assert user.role == "agent"
    assert list(user.teams.all()) == [team]
    assert authenticate(username=user.email, password=NEW_PASSWORD) == user

    html = _html(admin_console.get(reverse("console:agents")))
    assert "New Agent can now sign in." in html
    assert "Billing desk" in html


def test_agent_form_errors(admin_console, agent):
    weak = admin_console.post(reverse("console:agent_new"), {
        "email": "weak@example.com", "full_name": "Weak", "role": "agent", "password": "short",
    })
    assert weak.status_code == 400
    assert "at least 15 characters" in _html(weak)
    taken = admin_console.post(reverse("console:agent_new"), {
        "email": agent.email, "full_name": "Twin", "role": "agent", "password": NEW_PASSWORD,
    })
    assert taken.status_code == 400
    assert not User.objects.filter(email="weak@example.com").exists()

    dup = admin_console.post(reverse("console:team_new"), {"name": agent.teams.get().name})
    assert dup.status_code == 400


def test_admin_edits_an_agent(admin_console, agent, make_team):
    other = make_team()
    response = admin_console.post(reverse("console:agent_edit", args=[agent.pk]), {
        "email": "ignored@example.com", "full_name": "Renamed Agent", "role": "senior_agent",
        "is_active": "on", "team_ids": [other.pk],
    })
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.full_name, agent.role, agent.is_active) == (
        "Renamed Agent", "senior_agent", True)
    assert agent.email != "ignored@example.com"  # the email field is read-only
    assert list(agent.teams.all()) == [other]


def test_token_is_shown_once_and_can_be_revoked(agent_client, agent):
    url = reverse("console:tokens")
    created = agent_client.post(url, {"name": "my script", "scopes": "ticket.*",
                                      "expires_days": "30"})
    assert created.status_code == 302 and created["Location"] == url
    response = agent_client.get(url)
    assert response["Cache-Control"] == "no-store"
    html = _html(response)
    match = re.search(r'<code class="token" data-copy>(tdk_[^<]+)</code>', html)
    assert match, "the new token is shown"
    secret = match.group(1)
    token = ApiToken.objects.get(user=agent)
    assert (token.name, token.scopes) == ("my script", ["ticket.*"])
    assert secret.split("_")[1] == token.prefix

    again = agent_client.get(url)
    assert again["Cache-Control"] == "no-store"
    assert secret not in _html(again)
    assert "Copy this token now" not in _html(again)
    assert "my script" in _html(again)
    assert f"{token.prefix}…" in _html(again)

    # The secret works against the API until it is revoked.
    from django.test import Client

    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/tickets").status_code == 200

    revoke = reverse("console:token_revoke", args=[token.pk])
    assert revoke in _html(again)
    response = agent_client.post(revoke, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Token revoked." in _html(response)
    assert "Revoked" in _html(response)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/tickets").status_code == 401


def test_token_with_an_unknown_scope_is_refused(agent_client):
    response = agent_client.post(reverse("console:tokens"),
                                 {"name": "bad", "scopes": "everything", "expires_days": "30"})
    assert response.status_code == 400
    assert "Unknown scope" in _html(response)
    assert 'data-copy' not in _html(response)
    assert not ApiToken.objects.exists()
