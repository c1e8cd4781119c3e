"""Signing in to the console through django-allauth's login page."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

GENERIC_ERROR = "The email address and/or password you specified are not correct."


def test_login_page_renders(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="login"' in html
    assert 'name="password"' in html
    assert 'autocomplete="current-password"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'class="sidebar"' not in html  # no console navigation before sign-in


def test_wrong_password_gives_a_generic_error(client, agent):
    wrong = client.post(reverse("account_login"),
                        {"login": agent.email, "password": "not the passphrase at all"})
    assert wrong.status_code == 200
    assert GENERIC_ERROR in wrong.content.decode()
    assert SESSION_KEY not in client.session

    # An unknown address gets exactly the same answer: nothing tells which part was wrong.
    unknown = client.post(reverse("account_login"),
                          {"login": "nobody@example.com", "password": "not the passphrase"})
    assert unknown.status_code == 200
    assert GENERIC_ERROR in unknown.content.decode()
    assert agent.email in wrong.content.decode()  # the typed address is kept in the form
    assert "not the passphrase" not in wrong.content.decode()  # the password is not


def test_disabled_agent_cannot_sign_in(client, make_user, system):
    from trustdesk.accounts import services

    user = make_user("agent")
    services.user_update(actor=system, user_id=user.pk, is_active=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert client.get(reverse("console:tickets")).status_code == 302


def test_correct_login_lands_on_the_queue(client, agent, ticket):
    response = client.post(reverse("account_login"),
                           {"login": agent.email.upper(), "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1] == (reverse("console:tickets"), 302)
    assert int(client.session[SESSION_KEY]) == agent.pk
    html = response.content.decode()
    assert ticket.subject in html
    assert agent.full_name in html


def test_login_returns_to_the_page_asked_for(client, agent, ticket):
    target = reverse("console:ticket", args=[ticket.pk])
    login = client.get(target, follow=True)
    assert f'value="{target}"' in login.content.decode()  # the hidden "next" field
    response = client.post(f"{reverse('account_login')}?next={target}",
                           {"login": agent.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == target


def test_login_refuses_to_redirect_off_site(client, agent):
    response = client.post(reverse("account_login"), {
        "login": agent.email, "password": PASSWORD, "next": "https://evil.example/",
    })
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_sign_out(agent_client):
    page = agent_client.get(reverse("console:tickets"))
    assert reverse("account_logout") in page.content.decode()
    response = agent_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert agent_client.get(reverse("console:tickets")).status_code == 302


def test_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert 'name="password1"' not in response.content.decode()
