"""Reveal-with-reason in the console: htmx fragments, no inline script, masked again
after the time is up, break-glass alerts on the security officer's page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _reveal(client, customer, field, reason="Customer asked on the phone", **data):
    return client.post(reverse("console:customer_field_reveal", args=[customer.id, field]),
                       {"reason": reason, **data}, **HX)


def test_the_profile_shows_masked_values_with_a_reveal_form(console_client, agent, customer,
                                                             assigned):
    html = console_client(agent).get(reverse("console:customer", args=[customer.id])
                                     ).content.decode()
    assert "a***@example.org" in html and "ada.secret@example.org" not in html
    assert "ACCT-99887766" not in html and "•••••••••7766" in html
    assert "411111" not in html and "Payment card" not in html  # hidden: not even a label
    reveal_url = reverse("console:customer_field_reveal", args=[customer.id,
                                                                 "account_number"])
    assert f'hx-post="{reveal_url}"' in html
    # The email is masked, not revealable: no form for it.
    assert reverse("console:customer_field_reveal", args=[customer.id, "email"]) not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script (CSP)


def test_reveal_swaps_in_the_value_and_masks_it_again_after_the_ttl(
        console_client, agent, customer, assigned, settings):
    settings.ACCESS_REVEAL_SECONDS = 45
    client = console_client(agent)
    response = _reveal(client, customer, "account_number")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ACCT-99887766" in html
    masked_url = reverse("console:customer_field", args=[customer.id, "account_number"])
    assert f'hx-get="{masked_url}"' in html
    assert 'hx-trigger="load delay:45s"' in html
    assert "<script" not in html and "<html" not in html  # a fragment, nothing inline

    again = client.get(masked_url, **HX).content.decode()
    assert "ACCT-99887766" not in again and "•••••••••7766" in again
    event = AuditEvent.objects.get(action="customer.reveal")
    assert (event.fields, event.reason) == (["account_number"], "Customer asked on the phone")


def test_without_htmx_the_reveal_is_a_page_of_its_own(console_client, agent, customer,
                                                      assigned):
    response = console_client(agent).post(
        reverse("console:customer_field_reveal", args=[customer.id, "account_number"]),
        {"reason": "Customer asked on the phone"})
    assert response.status_code == 200
    assert "<html" in response.content.decode() and "ACCT-99887766" in response.content.decode()


def test_an_empty_reason_is_refused_on_the_form(console_client, agent, customer, assigned):
    # htmx swaps only 2xx responses: the refusal comes as a 200 fragment, the real
    # status in a header; without htmx it is the status itself.
    response = _reveal(console_client(agent), customer, "account_number", reason=" ")
    assert (response.status_code, response["X-TrustDesk-Status"]) == (200, "400")
    assert "ACCT-99887766" not in response.content.decode()
    assert 'class="field-error"' in response.content.decode()
    plain = console_client(agent).post(
        reverse("console:customer_field_reveal", args=[customer.id, "account_number"]),
        {"reason": ""})
    assert plain.status_code == 400
    assert not AuditEvent.objects.filter(action="customer.reveal").exists()


def test_restricted_fields_ask_for_a_fresh_confirmation(console_client, agent, customer,
                                                        assigned):
    stale = console_client(agent, confirmed=False)
    response = _reveal(stale, customer, "date_of_birth")
    assert response["X-TrustDesk-Status"] == "403"
    html = response.content.decode()
    assert reverse("account_reauthenticate") in html and "1961" not in html
    fresh = _reveal(console_client(agent), customer, "date_of_birth")
    assert fresh.status_code == 200 and "1961-12-10" in fresh.content.decode()


def test_break_glass_from_the_console_alerts_the_security_officer(
        console_client, agent, customer, make_user, settings):
    client = console_client(agent)
    html = client.get(reverse("console:customer", args=[customer.id])).content.decode()
    assert "Break the glass" in html and "a***@example.org" not in html
    plain = _reveal(client, customer, "account_number")
    assert plain["X-TrustDesk-Status"] == "403" and not Alert.objects.exists()
    assert "no ticket for this customer" in plain.content.decode()
    assert AuditEvent.objects.filter(action="access.denied").exists()
    glass = _reveal(client, customer, "account_number", break_glass="on",
                    reason="Chargeback call, no ticket yet")
    assert glass.status_code == 200 and "ACCT-99887766" in glass.content.decode()
    assert "break-glass" in glass.content.decode()

    officer = console_client(make_user("security_officer"))
    page = officer.get(reverse("console:alerts"))
    assert page.status_code == 200
    assert agent.email in page.content.decode()
    assert "Chargeback call, no ticket yet" in page.content.decode()
    assert "ACCT-99887766" not in page.content.decode()
    # The customer as the officer's field policy shows them: by default an officer sees
    # no customer field, so a placeholder; where the policy shows names, the name, and
    # the read is on record.
    assert customer.profile["full_name"] not in page.content.decode()
    assert f"Customer {str(customer.id)[:8]}" in page.content.decode()
    assert not AuditEvent.objects.filter(action="customer.names").exists()
    settings.ACCESS_FIELD_POLICY = {"security_officer": {"full_name": "visible"}}
    page = officer.get(reverse("console:alerts"))
    assert customer.profile["full_name"] in page.content.decode()
    shown = AuditEvent.objects.filter(action="customer.names").latest("id")
    assert shown.context["customers"] == [str(customer.id)]
    assert client.get(reverse("console:alerts")).status_code == 403
