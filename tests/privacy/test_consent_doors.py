"""Consent through the console and the API: the same services behind both, under
``consent.view`` / ``consent.manage`` and need-to-know; a profile write of a
consent-based field says how consent was given or is refused."""

from __future__ import annotations

import pytest

from trustdesk.customers.models import Consent, CustomerField, Objection
from trustdesk.tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, make_team, make_customer, system):
    team = make_team()
    lin = make_customer(preferred_language="zh", consent_how="phone")
    tickets.ticket_create(actor=system, customer_id=lin.id, subject="Help", body="Hello",
                          team_id=team.pk, channel="email")
    return {"team": team, "lin": lin, "agent": make_user("agent", teams=[team], mfa=True)}


def test_the_api_lists_gives_withdraws_and_objects(desk, api_client):
    client, lin = api_client(desk["agent"]), desk["lin"]
    base = f"/api/v1/customers/{lin.id}"
    listed = client.get(f"{base}/consents").json()["purposes"]
    language = next(p for p in listed if p["name"] == "field:preferred_language")
    assert language["allowed"] and language["consent"]["how"] == "phone"
    consent_id = language["consent"]["id"]
    withdrawn = client.post(f"{base}/consents/{consent_id}/withdraw", {"how": "email"},
                            content_type="application/json")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawal_how"] == "email"
    assert not CustomerField.objects.filter(customer_id=lin.id,
                                            name="preferred_language").exists()
    twice = client.post(f"{base}/consents/{consent_id}/withdraw", {"how": "email"},
                        content_type="application/json")
    assert twice.status_code == 409
    given = client.post(f"{base}/consents", {"purpose": "field:preferred_language",
                                             "how": "letter"},
                        content_type="application/json")
    assert given.status_code == 201 and given.json()["how"] == "letter"
    objected = client.post(f"{base}/objections", {"purpose": "satisfaction_surveys",
                                                  "how": "phone", "request_id": 4},
                           content_type="application/json")
    assert objected.status_code == 201 and objected.json()["request_id"] == 4
    refused = client.post(f"{base}/objections", {"purpose": "field:email", "how": "phone"},
                          content_type="application/json")
    assert refused.status_code == 409
    unknown = client.post(f"{base}/objections", {"purpose": "nope", "how": "phone"},
                          content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "purpose"


def test_the_api_refuses_roles_and_strangers(desk, make_user, make_customer, api_client):
    stranger = make_customer()
    agent = api_client(desk["agent"])
    import uuid

    for unseen in (stranger.id, uuid.uuid4()):  # not served and missing: alike
        assert agent.get(f"/api/v1/customers/{unseen}/consents").status_code == 404
    billing = api_client(make_user("billing", mfa=True))
    url = f"/api/v1/customers/{desk['lin'].id}/consents"
    assert billing.get(url).status_code == 403
    assert billing.post(url, {"purpose": "field:preferred_language", "how": "phone"},
                        content_type="application/json").status_code == 403


def test_an_api_profile_write_says_how_consent_was_given(desk, api_client):
    client = api_client(desk["agent"])
    bare = client.post("/api/v1/customers", {"profile": {"full_name": "Mei Chen",
                                                         "preferred_language": "zh"}},
                       content_type="application/json")
    assert bare.status_code == 400
    assert bare.json()["error"]["field"] == "preferred_language"
    told = client.post("/api/v1/customers", {"profile": {"full_name": "Mei Chen",
                                                         "preferred_language": "zh"},
                                             "consent_how": "phone"},
                       content_type="application/json")
    assert told.status_code == 201
    assert Consent.objects.filter(customer_id=told.json()["id"], method="phone").exists()


def test_the_console_customer_page_shows_and_changes_consents(desk, console_client):
    client, lin = console_client(desk["agent"]), desk["lin"]
    page = client.get(f"/customers/{lin.id}/").content.decode()
    assert "Consents and objections" in page and "Withdraw consent" in page
    row = Consent.objects.get(customer_id=lin.id)
    response = client.post(f"/customers/{lin.id}/consents/{row.pk}/withdraw/",
                           {"how": "phone"})
    assert response.status_code == 302
    assert Consent.objects.get(pk=row.pk).withdrawal_method == "phone"
    again = client.post(f"/customers/{lin.id}/consents/{row.pk}/withdraw/",
                        {"how": "phone"}, follow=True)
    assert "withdrawn already" in again.content.decode()
    assert client.post(f"/customers/{lin.id}/consents/give/",
                       {"purpose": "field:preferred_language", "how": "email"}
                       ).status_code == 302
    assert client.post(f"/customers/{lin.id}/objections/",
                       {"purpose": "satisfaction_surveys", "how": "letter"}
                       ).status_code == 302
    assert Objection.objects.filter(customer_id=lin.id, method="letter").exists()
    assert client.get(f"/customers/{lin.id}/consents/give/").status_code == 405


def test_the_console_edit_form_needs_how_for_a_consent_field(desk, console_client,
                                                             make_user, system):
    lin = desk["lin"]
    client = console_client(desk["agent"])
    row = Consent.objects.get(customer_id=lin.id)
    from trustdesk.customers import consent

    consent.consent_withdraw(actor=system, customer_id=lin.id, consent_id=row.pk,
                             how="phone")
    form = {"full_name": "Customer Number1", "preferred_language": "fr"}
    refused = client.post(f"/customers/{lin.id}/", form)
    assert refused.status_code == 400 and "consent" in refused.content.decode()
    saved = client.post(f"/customers/{lin.id}/", {**form, "consent_how": "phone"})
    assert saved.status_code == 302
    assert Consent.objects.filter(customer_id=lin.id, withdrawn_at__isnull=True,
                                  method="phone").exists()
