"""Fixtures for the console tests: a team, an agent in it, a ticket routed to it, and
signed-in test clients built on the shared ``console_client`` fixture."""

from __future__ import annotations

import pytest


@pytest.fixture
def team(make_team):
    return make_team()


@pytest.fixture
def agent(make_user, team):
    return make_user("agent", teams=[team])


@pytest.fixture
def agent_client(console_client, agent):
    return console_client(agent)


@pytest.fixture
def customer(make_customer):
    return make_customer(full_name="Ada Lovelace", email="ada@example.org",
                         company="Analytical Engines Ltd")


@pytest.fixture
def ticket(make_ticket, customer, team):
    return make_ticket(customer, subject="Parcel never arrived", team=team,
                       body="I ordered on Monday and nothing came.")


@pytest.fixture
def site_admin(make_user):
    # Not ``admin_user``: pytest-django already has a fixture of that name.
    return make_user("admin")


@pytest.fixture
def admin_console(console_client, site_admin):
    return console_client(site_admin)
