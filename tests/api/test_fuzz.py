"""Property-based fuzzing of the whole API from its own OpenAPI document.

Schemathesis generates valid and invalid requests for every documented operation and
sends them through the real WSGI application (``trustdesk.config.wsgi.application``, all
middleware included) as a supervisor. Whatever it sends, the API must never answer 5xx,
and every error must keep the error contract.

Database: requests go through the WSGI application, not Django's test client, so Django's
``close_old_connections`` runs around every request; inside the ``db`` fixture's wrapping
transaction that would close the test's own connection. So these tests use a
transactional database (``django_db(transaction=True)``): every request commits for real,
as in production, and the tables are flushed afterwards. Data persists between Hypothesis
examples of one operation, which only makes the state richer.

Reproducible: a fixed seed, ``deterministic`` generation (Hypothesis' ``derandomize``) and
no example database, so every run sends the same requests.

The schema is loaded at import (Schemathesis' lazy ``from_fixture`` does not work with
pytest 9); serving /openapi.json needs no database.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from trustdesk.accounts import services as accounts
from trustdesk.config.wsgi import application
from trustdesk.tickets import services as tickets
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = schemathesis.Config.from_dict({
    "seed": 20260101,
    "generation": {
        "mode": "all",  # valid and invalid requests
        "max-examples": 25,  # per operation
        "deterministic": True,
        "database": "none",
    },
})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture
def world(system, make_user, make_team, make_customer, make_ticket):
    """A supervisor's bearer token, and tickets, customers and files for it to find."""
    team = make_team("Fuzz team")
    supervisor = make_user("supervisor", teams=[team])
    make_user("agent", teams=[team])
    customer = make_customer(full_name="Fuzz Customer", email="fuzz@example.org",
                             phone="+44 20 7946 0958")
    ticket_ids = []
    for i in range(3):
        ticket = make_ticket(customer, subject=f"Fuzz ticket {i}", team=team if i else None,
                             attachments=[NewAttachment("a.txt", "text/plain", b"a")])
        tickets.ticket_reply(actor=system, ticket_id=ticket.pk, body="Reply", internal=i == 2)
        ticket_ids.append(ticket.pk)
    return {
        "token": accounts.token_create(actor=system, user=supervisor, name="fuzz").secret,
        "ticket_id": ticket_ids,
        "attachment_id": list(Attachment.objects.values_list("pk", flat=True)),
        "customer_id": [str(customer.id)],
    }


def _aim(case, world) -> None:
    """Point about half of the well-formed ids the fuzzer makes up at objects that exist,
    so that it gets past 404 into the code that reads and changes them. Deterministic,
    like the generation itself; malformed and out-of-range ids are left as they are."""
    def pick(name, value):
        known = world.get(name)
        if not known:
            return value
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31:
            return known[value // 2 % len(known)] if value % 2 == 0 else value
        if isinstance(value, str):
            try:
                parsed = uuid.UUID(value)
            except ValueError:
                return value
            return known[0] if parsed.int % 2 == 0 else value
        return value

    for name, value in list((case.path_parameters or {}).items()):
        case.path_parameters[name] = pick(name, value)
    if isinstance(case.body, dict) and "customer_id" in case.body:
        case.body["customer_id"] = pick("customer_id", case.body["customer_id"])


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_never_answers_5xx(case, world):
    _aim(case, world)
    response = case.call(headers={"Authorization": f"Bearer {world['token']}"})
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500, case.as_curl_command()
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "message", "field"}, body


def test_the_fuzzer_reaches_real_data(world):
    """Guards the test above against fuzzing nothing but 401s and 404s."""
    client = Client(headers={"Authorization": f"Bearer {world['token']}"})
    assert client.get("/api/v1/tickets").json()["total"] == 3
    for ticket_id in world["ticket_id"]:
        assert client.get(f"/api/v1/tickets/{ticket_id}").status_code == 200
    for attachment_id in world["attachment_id"]:
        assert client.get(f"/api/v1/attachments/{attachment_id}").content == b"a"
    assert client.get(f"/api/v1/customers/{world['customer_id'][0]}").status_code == 200
