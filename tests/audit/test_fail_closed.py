"""If the audit event cannot be written, the request fails and nothing is shown."""

from __future__ import annotations

import contextlib

import pytest
from django.db import DatabaseError, connection

from trustdesk.audit.models import AuditEvent
from trustdesk.vault import signing
from trustdesk.vault.errors import KeyProviderUnavailable


@pytest.fixture
def break_audit():
    """Call it once the test's data exists: from then on the database refuses every
    write to the audit table (as a full disk or a revoked grant would), whichever code
    path issues it."""
    def refuse(execute, sql, params, many, context):
        if "INSERT INTO audit_auditevent" in sql:
            raise DatabaseError("could not extend file: No space left on device")
        return execute(sql, params, many, context)

    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(connection.execute_wrapper(refuse))


@pytest.mark.django_db
def test_customer_view_fails_when_the_event_cannot_be_written(make_user, api_client,
                                                             console_client, make_customer,
                                                             break_audit):
    customer = make_customer(full_name="Ada Lovelace", email="ada@example.org")
    agent = make_user("agent")
    api, console = api_client(agent), console_client(agent)
    break_audit()
    response = api.get(f"/api/v1/customers/{customer.id}")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "audit_unavailable"
    assert b"Ada" not in response.content and b"ada@" not in response.content
    page = console.get(f"/customers/{customer.id}/")
    assert page.status_code == 503 and b"Ada" not in page.content


@pytest.mark.django_db
def test_changes_roll_back_when_the_event_cannot_be_written(make_user, api_client,
                                                           break_audit):
    from trustdesk.customers.models import Customer

    client = api_client(make_user("agent"))
    break_audit()
    response = client.post(
        "/api/v1/customers", {"profile": {"full_name": "Grace Hopper"}},
        content_type="application/json")
    assert response.status_code == 503
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_an_unavailable_audit_key_fails_closed(make_user, api_client, make_customer,
                                               monkeypatch):
    customer = make_customer()
    client = api_client(make_user("agent"))

    def no_key():
        raise KeyProviderUnavailable(detail="audit key file unreadable")

    monkeypatch.setattr(signing, "mac_key", no_key)
    response = client.get(f"/api/v1/customers/{customer.id}")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "audit_unavailable"


@pytest.mark.django_db
def test_a_failed_write_logs_no_row_contents(make_user, as_actor, caplog):
    """PostgreSQL's error DETAIL quotes the failing row; only the first line is logged."""
    from django.db import transaction

    from trustdesk.audit.errors import AuditUnavailable
    from trustdesk.audit.services import record

    def refuse(execute, sql, params, many, context):
        if "INSERT INTO audit_auditevent" in sql:
            raise DatabaseError('new row violates check constraint "x"\n'
                                "DETAIL:  Failing row contains (the reason, Ada Lovelace).")
        return execute(sql, params, many, context)

    actor = as_actor(make_user("agent"))
    with connection.execute_wrapper(refuse), pytest.raises(AuditUnavailable) as caught, \
            transaction.atomic():
        record(actor=actor, action="customer.view", reason="the reason")
    assert "violates check constraint" in caught.value.detail
    assert "Ada" not in caught.value.detail and "Ada" not in caplog.text
    assert "violates check constraint" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction():
    from django.db import transaction

    from trustdesk.audit.errors import OutsideTransaction
    from trustdesk.audit.services import record
    from trustdesk.core.actor import Actor

    actor = Actor.system("tests")
    with pytest.raises(OutsideTransaction):
        record(actor=actor, action="test.outside")
    assert not AuditEvent.objects.filter(action="test.outside").exists()
    with transaction.atomic():
        record(actor=actor, action="test.inside")
    assert AuditEvent.objects.filter(action="test.inside").count() == 1


@pytest.mark.django_db(transaction=True)
def test_every_front_door_records_inside_its_transaction(make_user, make_customer,
                                                         console_client, api_client):
    """Without the test's own wrapping transaction, the everyday flows still audit: each
    use case opens its own."""
    agent, customer = make_user("agent"), make_customer()
    api = api_client(agent)
    assert api.get(f"/api/v1/customers/{customer.id}").status_code == 200
    assert api.get("/api/v1/audit/events").status_code == 403  # a refusal, recorded
    console = console_client(agent)
    assert console.get(f"/customers/{customer.id}/").status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"customer.view", "access.denied"} <= actions
