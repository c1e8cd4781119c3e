"""Who may open what: sign-in is required everywhere, roles are enforced (403), and tickets
outside one's queue do not exist as far as the agent can tell (404)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse

from helpers import all_bodies
from trustdesk.accounts.models import ApiToken, Team, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def console_urls(ticket, customer, agent):
    return [
        "/",
        reverse("console:tickets"),
        reverse("console:ticket", args=[ticket.pk]),
        f"{reverse('console:ticket_new')}?customer={customer.id}",
        reverse("console:customers"),
        reverse("console:customer_new"),
        reverse("console:customer", args=[customer.id]),
        reverse("console:agents"),
        reverse("console:agent_new"),
        reverse("console:agent_edit", args=[agent.pk]),
        reverse("console:team_new"),
        reverse("console:tokens"),
        reverse("console:datamap"),
        reverse("console:attachment", args=[1]),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, console_urls):
    login = reverse(settings.LOGIN_URL)
    assert login == "/accounts/login/"
    for url in console_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{login}?next={quote(url, safe='/')}", url


@pytest.mark.parametrize("url_name", ["ticket_reply", "ticket_update", "ticket_take"])
def test_anonymous_posts_change_nothing(client, ticket, url_name):
    response = client.post(reverse(f"console:{url_name}", args=[ticket.pk]),
                           {"body": "sneaky", "status": "closed"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert "sneaky" not in all_bodies()


def test_security_officer_cannot_open_customers_or_tickets(make_user, console_client, ticket,
                                                           customer):
    client = console_client(make_user("security_officer"))
    for url in (reverse("console:customers"), reverse("console:customer", args=[customer.id]),
                reverse("console:tickets"), reverse("console:ticket", args=[ticket.pk])):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Not allowed" in response.content.decode()
        assert customer.profile["full_name"] not in response.content.decode()
    # What the role does hold still works.
    assert client.get(reverse("console:agents")).status_code == 200
    assert client.get(reverse("console:datamap")).status_code == 200


def test_agent_cannot_manage_agents_or_teams(agent_client, agent):
    for url in (reverse("console:agent_new"), reverse("console:team_new"),
                reverse("console:agent_edit", args=[agent.pk])):
        assert agent_client.get(url).status_code == 403, url

    users = User.objects.count()
    response = agent_client.post(reverse("console:agent_new"), {
        "email": "intruder@example.com", "full_name": "Intruder", "role": "admin",
        "password": "a long enough passphrase indeed",
    })
    assert response.status_code == 403
    assert User.objects.count() == users

    response = agent_client.post(reverse("console:team_new"), {"name": "Shadow team"})
    assert response.status_code == 403
    assert not Team.objects.filter(name="Shadow team").exists()

    response = agent_client.post(reverse("console:agent_edit", args=[agent.pk]),
                                 {"full_name": agent.full_name, "role": "admin"})
    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.role == "agent"


def test_admin_cannot_read_customers_or_reply(admin_console, ticket, customer):
    assert admin_console.get(reverse("console:customers")).status_code == 403
    assert admin_console.get(reverse("console:customer", args=[customer.id])).status_code == 403
    # An admin sees tickets (view_all) but may not answer customers.
    page = admin_console.get(reverse("console:ticket", args=[ticket.pk]))
    assert page.status_code == 200
    assert "data-reply" not in page.content.decode()
    response = admin_console.post(reverse("console:ticket_reply", args=[ticket.pk]),
                                  {"body": "From the admin"})
    assert response.status_code == 403
    assert "From the admin" not in all_bodies()


def test_ticket_of_another_team_is_not_found(agent_client, make_team, make_ticket, customer):
    elsewhere = make_ticket(customer, subject="Someone else's problem", team=make_team())

    response = agent_client.get(reverse("console:ticket", args=[elsewhere.pk]))
    assert response.status_code == 404
    assert "Someone else" not in response.content.decode()
    # Same answer as for a ticket that does not exist at all.
    assert agent_client.get(reverse("console:ticket", args=[elsewhere.pk + 1000])
                            ).status_code == 404

    assert "Someone else" not in agent_client.get(reverse("console:tickets"),
                                                  {"status": ""}).content.decode()

    for url_name, data in (("ticket_reply", {"body": "hello"}),
                           ("ticket_update", {"status": "closed", "priority": "low"}),
                           ("ticket_take", {})):
        response = agent_client.post(reverse(f"console:{url_name}", args=[elsewhere.pk]), data)
        assert response.status_code == 404, url_name
    elsewhere.refresh_from_db()
    assert (elsewhere.status, elsewhere.assignee_id) == ("new", None)
    assert elsewhere.messages.count() == 1


def test_unknown_pages_use_the_console_404(agent_client):
    response = agent_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_someone_elses_token_cannot_be_revoked(agent_client, make_user, system):
    from trustdesk.accounts import services

    issued = services.token_create(actor=system, user=make_user("agent"), name="theirs")
    response = agent_client.post(reverse("console:token_revoke", args=[issued.token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


@pytest.mark.parametrize("url_name", ["ticket_reply", "ticket_update", "ticket_take"])
def test_state_changes_need_post(agent_client, ticket, url_name):
    response = agent_client.get(reverse(f"console:{url_name}", args=[ticket.pk]))
    assert response.status_code == 405


def test_state_changes_need_a_csrf_token(agent, ticket):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                           {"body": "forged"})
    assert response.status_code == 403
    assert "forged" not in all_bodies()
