"""The portal's "Your consents" page: the customer sees what they agreed to and objected
to, withdraws and objects with CSRF-protected forms counted as portal writes; another
customer's consent cannot be reached by changing an id, and a second click is harmless."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from trustdesk.audit.models import AuditEvent
from trustdesk.customers import consent
from trustdesk.customers.models import Consent, CustomerField, Objection

pytestmark = pytest.mark.django_db


@pytest.fixture
def lin(make_customer):
    return make_customer(preferred_language="zh", consent_how="phone")


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_the_page_shows_what_was_given_when_and_how(lin, portal_client):
    client = portal_client(lin)
    page = client.get("/help/consents/").content.decode()
    assert 'data-purpose="field:preferred_language" data-allowed="yes"' in page
    assert "told us on the phone" in page and "Withdraw my consent" in page
    assert 'data-purpose="satisfaction_surveys" data-allowed="yes"' in page
    assert "I object" in page
    assert AuditEvent.objects.filter(action="portal.consent_view").exists()
    assert "/help/consents/" in client.get("/help/").content.decode()


def test_withdrawing_in_the_portal_removes_the_value_and_twice_changes_nothing(
        lin, portal_client):
    client = portal_client(lin)
    row = Consent.objects.get(customer_id=lin.id)
    response = client.post("/help/consents/", {"action": "withdraw", "consent": row.pk})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.withdrawn_at and row.withdrawal_method == "portal"
    assert row.withdrawn_by == f"customer:{lin.id}"
    assert not CustomerField.objects.filter(customer_id=lin.id,
                                            name="preferred_language").exists()
    again = client.post("/help/consents/", {"action": "withdraw", "consent": row.pk})
    assert again.status_code == 409 and "nothing changed" in again.content.decode()
    assert Consent.objects.get(pk=row.pk).withdrawn_at == row.withdrawn_at
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1
    page = client.get("/help/consents/").content.decode()
    assert 'data-allowed="no"' in page and "I agree" in page and "withdrawn on" in page


def test_another_customers_consent_cannot_be_withdrawn_by_its_id(lin, make_customer,
                                                                 portal_client):
    ada = make_customer(preferred_language="en", consent_how="email")
    theirs = Consent.objects.get(customer_id=ada.id)
    client = portal_client(lin)
    for value in (theirs.pk, f"{theirs.pk} ", "-1", "1e3", "x"):
        response = client.post("/help/consents/", {"action": "withdraw", "consent": value})
        assert response.status_code == 404, value
    assert Consent.objects.get(pk=theirs.pk).withdrawn_at is None
    assert CustomerField.objects.filter(customer_id=ada.id,
                                        name="preferred_language").exists()


def test_objecting_in_the_portal_stops_surveys(lin, portal_client):
    from trustdesk.customers.consent_selectors import allowed

    client = portal_client(lin)
    assert client.post("/help/consents/", {"action": "object",
                                           "purpose": "satisfaction_surveys"}).status_code == 302
    assert not allowed(lin.id, "satisfaction_surveys")
    [row] = Objection.objects.all()
    assert (row.customer_id, row.method) == (lin.id, "portal")
    assert client.post("/help/consents/", {"action": "object",
                                           "purpose": "satisfaction_surveys"}).status_code == 302
    assert Objection.objects.count() == 1
    page = client.get("/help/consents/").content.decode()
    assert "You objected on" in page
    refused = client.post("/help/consents/", {"action": "object", "purpose": "field:email"})
    assert refused.status_code == 409


def test_giving_in_the_portal_records_it_as_the_customers(make_customer, portal_client):
    ada = make_customer()
    client = portal_client(ada)
    assert client.post("/help/consents/", {"action": "give",
                                           "purpose": "field:preferred_language",
                                           "how": "imported",
                                           "wording": "anything"}).status_code == 302
    row = Consent.objects.get(customer_id=ada.id)
    # The customer's own door, whatever the form said; the inventory's own words.
    assert row.method == "portal" and row.wording.startswith("Preferred language")
    assert row.wording_sealed is None


def test_the_forms_need_their_csrf_token_and_a_session(lin, portal_client):
    client = Client(enforce_csrf_checks=True)
    client.cookies = portal_client(lin).cookies  # the portal session, on a strict client
    row = Consent.objects.get(customer_id=lin.id)
    assert client.post("/help/consents/", {"action": "withdraw",
                                           "consent": row.pk}).status_code == 403
    token = _csrf(client.get("/help/consents/").content.decode())
    assert client.post("/help/consents/", {"action": "withdraw", "consent": row.pk,
                                           "csrfmiddlewaretoken": token}).status_code == 302
    stranger = Client()
    assert stranger.get("/help/consents/").status_code == 302
    assert stranger.post("/help/consents/", {"action": "withdraw",
                                             "consent": row.pk}).status_code == 302


def test_portal_consent_writes_count_towards_the_hourly_allowance(lin, portal_client,
                                                                  settings):
    settings.PORTAL_WRITES_PER_HOUR = 2
    client = portal_client(lin)
    for _ in range(2):
        client.post("/help/consents/", {"action": "object", "purpose": "satisfaction_surveys"})
    response = client.post("/help/consents/", {"action": "withdraw",
                                               "consent": Consent.objects.get().pk})
    assert response.status_code == 429 and response["Retry-After"]
    assert Consent.objects.get().withdrawn_at is None


def test_the_page_is_translated(lin, portal_client):
    client = portal_client(lin)
    page = client.get("/help/consents/?lang=zh-hans").content.decode()
    assert "您的同意" in page and "撤回我的同意" in page and "在电话中告知我们" in page


def test_a_forged_customer_actor_cannot_reach_another_customer(lin, make_customer):
    from trustdesk.core.actor import Actor
    from trustdesk.core.errors import NotFound

    ada = make_customer(preferred_language="en", consent_how="email")
    theirs = Consent.objects.get(customer_id=ada.id)
    with pytest.raises(NotFound):
        consent.consent_withdraw(actor=Actor.customer(lin.id), customer_id=ada.id,
                                 consent_id=theirs.pk)
