"""What gets recorded: sign-ins and their failures, refusals, and reads of customer data
— with who, from where and why, and never the values."""

from __future__ import annotations

import pytest

from trustdesk.audit.models import AuditEvent
from trustdesk.customers.selectors import customer_get

PASSWORD = "a long enough passphrase for tests"


@pytest.mark.django_db
def test_sign_in_success_and_failure(client, make_user):
    user = make_user("agent", email="sam@example.com")
    client.post("/accounts/login/", {"login": "sam@example.com", "password": "wrong one"},
                REMOTE_ADDR="198.51.100.7")
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert (failed.actor_label, failed.outcome, failed.ip) == ("sam@example.com", "denied",
                                                               "198.51.100.7")
    assert "wrong one" not in str(failed.context) + failed.reason
    client.post("/accounts/login/", {"login": "sam@example.com", "password": PASSWORD})
    ok = AuditEvent.objects.get(action="auth.login")
    assert ok.actor_user_id == user.pk and ok.session


@pytest.mark.django_db
def test_a_refusal_is_recorded_even_though_the_use_case_rolled_back(make_user, api_client,
                                                                   make_customer):
    customer = make_customer()
    response = api_client(make_user("security_officer")).get(f"/api/v1/customers/{customer.id}")
    assert response.status_code == 403
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.outcome == "denied" and denied.context["permission"] == "customer.view"
    assert denied.context["path"] == f"/api/v1/customers/{customer.id}"


@pytest.mark.django_db
def test_reads_name_fields_not_values(make_user, as_actor, make_customer):
    customer = make_customer(full_name="Ada Lovelace", email="ada@example.org")
    actor = as_actor(make_user("agent"))
    customer_get(actor=actor, customer_id=customer.id)
    event = AuditEvent.objects.filter(action="customer.view").latest("id")
    # The event names the fields shown: need-to-know withholds the email from an agent
    # with no ticket for this customer.
    assert event.fields == ["full_name"]
    assert event.object_id == str(customer.id) and event.actor_label == actor.label
    everything = b" ".join(bytes(body) for body in AuditEvent.objects.values_list(
        "body", flat=True)).decode()
    assert "Ada" not in everything and "ada@example.org" not in everything
