"""Erasure through the API: the privacy officer's crypto-shred, and what remains."""

import pytest

from trustdesk.audit.models import AuditEvent


@pytest.fixture
def officer_api(console_client, make_user):
    """The privacy officer's console session, password confirmed: erasure cannot be
    undone, so it needs a recent re-authentication, which no bearer token has."""
    return console_client(make_user("privacy_officer"))


@pytest.mark.django_db
def test_erasure_needs_a_recent_password(api_client, console_client, make_user,
                                         make_customer):
    officer, customer = make_user("privacy_officer"), make_customer(full_name="Ada Lovelace")
    body = {"reason": "GDPR Art. 17 request #42"}
    url = f"/api/v1/customers/{customer.id}/erase"
    for client in (api_client(officer), console_client(officer, confirmed=False)):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "reauthentication_required"
    assert api_client(officer).get(f"/api/v1/customers/{customer.id}").json()[
        "status"] == "active"
    assert not AuditEvent.objects.filter(action="customer.erase").exists()


@pytest.mark.django_db
def test_privacy_officer_erases_a_customer(officer_api, make_user, api_client, make_customer,
                                           make_ticket):
    customer = make_customer(full_name="Ada Lovelace", email="ada@example.org")
    ticket = make_ticket(customer, body="My card was charged twice")
    response = officer_api.post(f"/api/v1/customers/{customer.id}/erase",
                                {"reason": "GDPR Art. 17 request #42"},
                                content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "erased" and body["profile"] == {}
    assert body["erasure"]["reason"] == "GDPR Art. 17 request #42"
    assert body["erasure"]["erased_by"].startswith("privacy_officer")

    supervisor = api_client(make_user("supervisor"))
    again = officer_api.get(f"/api/v1/customers/{customer.id}").json()
    assert again["status"] == "erased" and again["profile"] == {}
    detail = supervisor.get(f"/api/v1/tickets/{ticket.pk}")
    assert detail.status_code == 200
    assert detail.json()["messages"][0]["body"].startswith("[This message was erased")
    assert b"charged twice" not in detail.content
    assert AuditEvent.objects.filter(action="customer.erase",
                                     object_id=str(customer.id)).count() == 1
    # Erasing twice is a conflict, and an erased customer takes no new ticket or change.
    assert officer_api.post(f"/api/v1/customers/{customer.id}/erase", {"reason": "again"},
                            content_type="application/json").status_code == 409
    assert officer_api.patch(f"/api/v1/customers/{customer.id}",
                             {"profile": {"full_name": "Back"}},
                             content_type="application/json").status_code == 409


@pytest.mark.django_db
def test_erasure_needs_the_permission_and_a_reason(api_client, make_user, make_customer,
                                                   officer_api):
    customer = make_customer()
    for role in ("agent", "supervisor", "admin", "security_officer"):
        response = api_client(make_user(role)).post(
            f"/api/v1/customers/{customer.id}/erase", {"reason": "x"},
            content_type="application/json")
        assert response.status_code in (403, 404), role
    assert officer_api.post(f"/api/v1/customers/{customer.id}/erase", {"reason": ""},
                            content_type="application/json").status_code == 400


@pytest.mark.django_db
def test_the_erasure_record_keeps_no_contact_details_typed_into_the_reason(
        officer_api, make_customer):
    """The reason outlives the key: "request from ada@example.org" kept the address the
    erasure destroyed everywhere else, in the erasure record and the audit trail."""
    customer = make_customer(full_name="Ada Lovelace", email="ada@example.org")
    reason = "Art. 17 request from ada@example.org, +44 20 7946 0958, on 3 April 2026"
    response = officer_api.post(f"/api/v1/customers/{customer.id}/erase",
                                {"reason": reason}, content_type="application/json")
    assert response.status_code == 200, response.content
    kept = response.json()["erasure"]["reason"]
    event = AuditEvent.objects.get(action="customer.erase")
    for text in (kept, event.reason):
        assert "ada@example.org" not in text and "7946" not in text
        assert text.startswith("Art. 17 request from") and "3 April 2026" in text
