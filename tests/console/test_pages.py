"""Every console page renders for a signed-in person who may see it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from trustdesk.audit.models import AuditEvent
from trustdesk.privacy.inventory import get_inventory

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


# --- Ticket queue ------------------------------------------------------------------------

def test_home_redirects_to_the_queue(agent_client):
    response = agent_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:tickets")


@pytest.mark.parametrize(("role", "section"), [
    ("agent", "console:tickets"), ("billing", "console:tickets"),
    ("privacy_officer", "console:customers"), ("security_officer", "console:alerts"),
    ("auditor", "console:audit"),
])
def test_home_leads_each_role_to_a_page_it_may_open(console_client, make_user, role,
                                                    section):
    # Home is where sign-in lands: a role without the queue must not land on a refusal
    # (nor leave an access.denied event in the trail at every sign-in).
    client = console_client(make_user(role))
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(section)
    assert not AuditEvent.objects.filter(action="access.denied").exists()


def test_queue_lists_visible_tickets(agent_client, ticket):
    response = agent_client.get(reverse("console:tickets"))
    assert response.status_code == 200
    html = _html(response)
    assert "<!doctype html>" in html.lower()
    assert 'id="ticket-results"' in html
    assert "Parcel never arrived" in html
    assert "Ada Lovelace" in html
    assert reverse("console:ticket", args=[ticket.pk]) in html
    assert "1 ticket · page 1 of 1" in html


def test_queue_filters(agent_client, make_ticket, customer, team):
    urgent = make_ticket(customer, subject="Card charged twice", team=team,
                         priority="urgent", channel="email")
    normal = make_ticket(customer, subject="Change my address", team=team)

    response = agent_client.get(reverse("console:tickets"), {
        "q": "charged", "status": "", "priority": "urgent", "channel": "email",
        "assignee": "none", "order": "priority",
    })
    assert response.status_code == 200
    html = _html(response)
    assert urgent.subject in html
    assert normal.subject not in html

    by_number = agent_client.get(reverse("console:tickets"), {"q": f"#{normal.pk}"})
    assert normal.subject in _html(by_number)
    assert urgent.subject not in _html(by_number)

    none = agent_client.get(reverse("console:tickets"), {"status": "closed"})
    assert none.status_code == 200
    assert "No tickets match these filters." in _html(none)


def test_queue_ignores_invalid_filter_values(agent_client, ticket):
    response = agent_client.get(reverse("console:tickets"), {
        "status": "bogus", "order": "sideways", "page": "not-a-number",
    })
    assert response.status_code == 200
    assert ticket.subject in _html(response)


def test_queue_htmx_request_returns_only_the_rows(agent_client, ticket):
    response = agent_client.get(reverse("console:tickets"), {"status": "active"},
                                headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["console/_ticket_rows.html"]
    html = _html(response).strip()
    assert html.startswith('<table class="queue"')
    assert "<html" not in html
    assert "<nav class=\"sidebar\"" not in html
    assert 'class="filters"' not in html
    assert ticket.subject in html


def test_queue_htmx_request_without_results(agent_client, ticket):
    response = agent_client.get(reverse("console:tickets"), {"status": "closed"},
                                headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = _html(response).strip()
    assert html.startswith('<div class="empty">')
    assert "<html" not in html


# --- Tickets -------------------------------------------------------------------------------

def test_ticket_detail(agent_client, ticket):
    response = agent_client.get(reverse("console:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert f"#{ticket.pk}</span> Parcel never arrived" in html
    assert "I ordered on Monday and nothing came." in html
    assert 'class="badge status-new"' in html
    assert "data-reply" in html  # the reply form
    assert reverse("console:ticket_update", args=[ticket.pk]) in html
    assert reverse("console:ticket_take", args=[ticket.pk]) in html
    assert reverse("console:customer", args=[ticket.customer_id]) in html


def test_new_ticket_form(agent_client, customer):
    response = agent_client.get(reverse("console:ticket_new"), {"customer": customer.id})
    assert response.status_code == 200
    html = _html(response)
    assert "New ticket for Ada Lovelace" in html
    assert f'value="{customer.id}"' in html
    for name in ("subject", "body", "channel", "priority", "attachments", "team_id",
                 "assignee_id"):
        assert f'name="{name}"' in html


def test_new_ticket_without_customer_asks_whom_it_is_for(agent_client, make_customer):
    response = agent_client.get(reverse("console:ticket_new"))
    assert response.status_code == 200 and "for whom?" in _html(response)
    make_customer(full_name="Grace Hopper")
    found = agent_client.get(reverse("console:ticket_new"), {"q": "grace"})
    # An agent without need-to-know for Grace does not find her by name.
    assert "Grace Hopper" not in _html(found) and "No customer you may see" in _html(found)


def test_new_ticket_for_unknown_customer_is_404(agent_client):
    response = agent_client.get(reverse("console:ticket_new"), {"customer": "not-a-uuid"})
    assert response.status_code == 404


# --- Customers -----------------------------------------------------------------------------

def test_customer_list(agent_client, customer, ticket):
    response = agent_client.get(reverse("console:customers"))
    assert response.status_code == 200
    html = _html(response)
    assert "Ada Lovelace" in html
    assert "a***@example.org" in html  # agents see emails masked
    assert "ada@example.org" not in html
    assert "Analytical Engines Ltd" in html
    assert reverse("console:customer", args=[customer.id]) in html


def test_customer_exact_search(agent_client, customer, make_customer):
    other = make_customer(full_name="Grace Hopper", email="grace@example.org")
    # Exact match only, after the same normalisation as storage (emails are lower-cased).
    response = agent_client.get(reverse("console:customers"),
                                {"field": "email", "value": "ADA@example.org"})
    assert response.status_code == 200
    html = _html(response)
    assert "Ada Lovelace" in html
    assert other.display_name not in html
    assert "Clear" in html

    # A different value that merely starts the same matches nothing.
    near = agent_client.get(reverse("console:customers"),
                            {"field": "email", "value": "ada@example.org.uk"})
    assert near.status_code == 200
    assert "No customers found." in _html(near)

    # A malformed value is reported on the form instead of searched.
    malformed = agent_client.get(reverse("console:customers"),
                                 {"field": "email", "value": "ada@"})
    assert malformed.status_code == 200
    assert "Email address is not a valid email address." in _html(malformed)


def test_customer_search_offers_only_searchable_fields(agent_client, customer):
    response = agent_client.get(reverse("console:customers"))
    choices = {value for value, _ in response.context["form"].fields["field"].choices}
    assert choices == {f.name for f in get_inventory().fields if f.searchable}

    # A field that is not searchable is refused by the form, not searched.
    refused = agent_client.get(reverse("console:customers"),
                               {"field": "company", "value": "Analytical Engines Ltd"})
    assert refused.status_code == 200
    assert refused.context["searched"] is False


def test_customer_detail(agent_client, customer, ticket):
    response = agent_client.get(reverse("console:customer", args=[customer.id]))
    assert response.status_code == 200
    html = _html(response)
    assert "<h1>Ada Lovelace</h1>" in html
    assert 'value="Analytical Engines Ltd"' in html  # the profile form, prefilled
    assert "a***@example.org" in html  # the email masked for an agent
    assert "ada@example.org" not in html
    assert ticket.subject in html
    assert f"{reverse('console:ticket_new')}?customer={customer.id}" in html


def test_customer_new_form(agent_client):
    response = agent_client.get(reverse("console:customer_new"))
    assert response.status_code == 200
    assert "Create customer" in _html(response)


# --- Admin area ----------------------------------------------------------------------------

def test_agents_page(agent_client, agent, team):
    response = agent_client.get(reverse("console:agents"))
    assert response.status_code == 200
    html = _html(response)
    assert agent.full_name in html
    assert agent.email in html
    assert team.name in html
    # An agent sees the list but is not offered to manage it.
    assert reverse("console:agent_new") not in html
    assert reverse("console:team_new") not in html


def test_agents_page_for_an_admin(admin_console, agent):
    response = admin_console.get(reverse("console:agents"))
    assert response.status_code == 200
    html = _html(response)
    assert reverse("console:agent_new") in html
    assert reverse("console:team_new") in html
    assert reverse("console:agent_edit", args=[agent.pk]) in html


def test_admin_forms_render(admin_console, agent):
    for url in (reverse("console:agent_new"), reverse("console:team_new"),
                reverse("console:agent_edit", args=[agent.pk])):
        response = admin_console.get(url)
        assert response.status_code == 200, url
        assert "csrfmiddlewaretoken" in _html(response)


def test_tokens_page(agent_client):
    response = agent_client.get(reverse("console:tokens"))
    assert response.status_code == 200
    html = _html(response)
    assert "No tokens yet." in html
    assert "Create token" in html
    assert response["Cache-Control"] == "no-store"


def test_datamap_page(agent_client):
    response = agent_client.get(reverse("console:datamap"))
    assert response.status_code == 200
    html = _html(response)
    for spec in get_inventory().fields:
        assert f"<code>{spec.name}</code>" in html
    assert "legitimate_interests" in html
    assert str(get_inventory().path) not in html and ".yaml" not in html  # no server path
    assert "default inventory" in html


@pytest.mark.parametrize("role", ["agent", "senior_agent", "supervisor", "billing", "admin",
                                  "security_officer", "privacy_officer", "auditor"])
def test_every_role_gets_a_working_navigation(role, make_user, console_client):
    """Each link in the sidebar leads to a page that renders for that role."""
    client = console_client(make_user(role))
    response = client.get(reverse("console:tokens"))
    assert response.status_code == 200
    nav_urls = {
        "tickets": reverse("console:tickets"), "customers": reverse("console:customers"),
        "agents": reverse("console:agents"), "datamap": reverse("console:datamap"),
    }
    html = _html(response)
    for name, url in nav_urls.items():
        if f'data-nav="{name}"' in html:
            assert client.get(url).status_code == 200, (role, url)
        else:
            assert client.get(url).status_code == 403, (role, url)


def test_queue_pages_keep_the_default_filter(agent_client, make_ticket, customer, team, system):
    """Page 2 of the default (active) queue is still the active queue."""
    from trustdesk.tickets import services

    tickets = [make_ticket(customer, subject=f"Question {i}", team=team) for i in range(27)]
    services.ticket_update(actor=system, ticket_id=tickets[0].pk, status="closed")

    first = agent_client.get(reverse("console:tickets"))
    assert "26 tickets · page 1 of 2" in _html(first)
    next_link = re.search(r'<a href="(\?[^"]*)">Next →</a>', _html(first)).group(1)
    second = agent_client.get(reverse("console:tickets") + next_link.replace("&amp;", "&"))
    assert "26 tickets · page 2 of 2" in _html(second)
    assert "status-closed" not in _html(second)

    everything = agent_client.get(reverse("console:tickets"), {"status": "", "page": "2"})
    assert "27 tickets · page 2 of 2" in _html(everything)


def test_ticket_detail_labels_customer_fields_from_the_inventory(agent_client, make_customer,
                                                                  make_ticket, team):
    customer = make_customer(full_name="Mary Somerville", account_number="AC-1729",
                             postal_address="1 Burntisland Road\nFife")
    ticket = make_ticket(customer, team=team)
    html = _html(agent_client.get(reverse("console:ticket", args=[ticket.pk])))
    # Both fields are revealable for an agent, so they show masked.
    assert "<dt>Account number</dt><dd>•••••29</dd>" in html
    assert "<dt>Postal address</dt><dd>" in html
    assert "AC-1729" not in html and "Burntisland" not in html
    assert "Account_number" not in html
