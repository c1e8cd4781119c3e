"""/api/v1/audit/…: events with filters and paging, the last verification, and a
verification run — for security officers and auditors only, and every read recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from helpers import agent_actor, record_event
from trustdesk.accounts import services as accounts
from trustdesk.audit.models import AuditChainLink, AuditEvent, AuditVerification
from trustdesk.config.wsgi import application
from trustdesk.core import clock
from trustdesk.customers import selectors as customer_selectors

from .conftest import API

pytestmark = pytest.mark.django_db

EVENTS, VERIFICATION, VERIFY = f"{API}/audit/events", f"{API}/audit/verification", \
    f"{API}/audit/verify"
EVENT_KEYS = {"id", "at", "actor", "action", "object", "fields", "outcome", "reason", "ip",
              "context"}


def _record(label: str = "someone@example.com", **kwargs) -> AuditEvent:
    return record_event(agent_actor(label), **kwargs)


def _actions(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["action"] for e in response.json()["items"]]


@pytest.fixture
def officer(make_user):
    return make_user("security_officer")


@pytest.fixture
def officer_api(api_client, officer):
    return api_client(officer)


@pytest.mark.parametrize("role", ["security_officer", "auditor"])
def test_overseers_use_every_endpoint(role, make_user, api_client, make_ticket):
    client = api_client(make_user(role))
    make_ticket()

    body = client.get(EVENTS).json()
    assert set(body) == {"items", "page", "page_size", "total"}
    assert (body["page"], body["page_size"]) == (1, 50)
    assert body["total"] == len(body["items"]) > 0
    assert [e["id"] for e in body["items"]] == sorted((e["id"] for e in body["items"]),
                                                      reverse=True)

    assert client.get(VERIFICATION).json() == {"last": None}

    result = client.post(VERIFY)
    assert result.status_code == 200, result.content
    result = result.json()
    assert result["ok"] is True and result["first_bad_seq"] is None
    assert result["checked"] == result["last_seq"] > 0
    assert set(result) == {"ok", "checked", "last_seq", "first_bad_seq", "problem", "seconds"}

    last = client.get(VERIFICATION).json()["last"]
    assert last["ok"] is True and last["checked"] == result["checked"]
    assert last["first_bad_seq"] is None and last["problem"] == ""
    assert AuditVerification.objects.count() == 1


@pytest.mark.parametrize("role", ["agent", "senior_agent", "supervisor", "billing", "admin",
                                  "privacy_officer"])
def test_other_roles_are_refused(role, make_user, api_client, api_error):
    user = make_user(role)
    client = api_client(user)
    api_error(client.get(EVENTS), 403, "forbidden")
    api_error(client.get(VERIFICATION), 403, "forbidden")
    api_error(client.post(VERIFY), 403, "forbidden")
    assert not AuditVerification.objects.exists()
    denied = AuditEvent.objects.filter(action="access.denied", actor_label=user.email)
    assert {e.context["path"] for e in denied} == {EVENTS, VERIFICATION, VERIFY}
    assert not AuditEvent.objects.filter(action__in=("audit.view", "audit.verify")).exists()


def test_a_token_without_the_audit_scope_is_refused(officer, api_client, api_error):
    client = api_client(officer, scopes=("agent.*",))
    api_error(client.get(EVENTS), 403, "forbidden")
    api_error(client.post(VERIFY), 403, "forbidden")
    assert api_client(officer, scopes=("audit.read",)).get(EVENTS).status_code == 200


def test_anonymous_callers_get_401(client, api_error):
    for response in (client.get(EVENTS), client.get(VERIFICATION), client.post(VERIFY)):
        api_error(response, 401, "unauthenticated")


def test_reading_events_is_recorded(officer_api, officer):
    officer_api.get(EVENTS, {"action": "ticket.", "page_size": 10})
    event = AuditEvent.objects.get(action="audit.view")
    assert (event.actor_label, event.actor_kind) == (officer.email, "token")
    assert event.token_id is not None
    assert event.context == {"filters": {"action": "ticket."}, "page": 1}


def test_event_shape(officer_api):
    _record("agent9@example.com", action="customer.reveal", object_type="customer",
            object_id="c-42", fields=["phone", "email"], outcome="denied",
            reason="Caller verified by code", context={"customer": "c-42"})
    item = officer_api.get(EVENTS, {"action": "customer.reveal"}).json()["items"][0]
    assert set(item) == EVENT_KEYS
    assert item["actor"] == {"kind": "agent", "label": "agent9@example.com", "user_id": None}
    assert item["object"] == {"type": "customer", "id": "c-42"}
    assert item["fields"] == ["email", "phone"]
    assert (item["outcome"], item["reason"], item["ip"]) == ("denied",
                                                             "Caller verified by code",
                                                             "203.0.113.7")
    assert item["context"] == {"customer": "c-42"}
    assert dt.datetime.fromisoformat(item["at"]).tzinfo is not None


def test_filters(officer_api, agent, as_actor, make_customer, make_ticket, agent_api):
    ada, bob = make_customer(), make_customer()
    make_ticket(ada)
    make_ticket(bob)
    customer_selectors.customer_get(actor=as_actor(agent), customer_id=ada.id)
    agent_api.get(EVENTS)  # refused: an access.denied event by the agent's token
    _record(action="customers.weird")

    by_actor = officer_api.get(EVENTS, {"actor": agent.email}).json()["items"]
    assert [e["action"] for e in by_actor] == ["access.denied", "customer.view"]
    assert all(e["actor"]["label"] == agent.email for e in by_actor)

    assert set(_actions(officer_api.get(EVENTS, {"action": "customer."}))) == {
        "customer.create", "customer.view"}
    assert _actions(officer_api.get(EVENTS, {"action": "customer.view"})) == ["customer.view"]
    assert _actions(officer_api.get(EVENTS, {"action": "customer"})) == []

    assert _actions(officer_api.get(EVENTS, {"outcome": "denied"})) == ["access.denied"]

    about_ada = officer_api.get(EVENTS, {"customer_id": str(ada.id)}).json()["items"]
    assert sorted(e["action"] for e in about_ada) == ["customer.create", "customer.view",
                                                     "ticket.create"]
    assert all(str(bob.id) not in str(e) for e in about_ada)

    both = officer_api.get(EVENTS, {"customer_id": str(ada.id), "action": "ticket."})
    assert _actions(both) == ["ticket.create"]


def test_date_filters_are_whole_days(officer_api, monkeypatch):
    now = clock.now()
    for days, action in ((10, "test.old"), (5, "test.mid"), (0, "test.new")):
        monkeypatch.setattr(clock, "now", lambda d=days: now - dt.timedelta(days=d))
        _record(action=action)
    monkeypatch.undo()
    day = (now - dt.timedelta(days=5)).date().isoformat()

    def actions(**params):
        return _actions(officer_api.get(EVENTS, {"action": "test.", **params}))

    assert actions(since=day) == ["test.new", "test.mid"]
    assert actions(until=day) == ["test.mid", "test.old"]
    assert actions(since=day, until=day) == ["test.mid"]
    assert actions(since="9999-12-31", until="9999-12-31") == []
    assert actions(since="0001-01-01", until="9999-12-31") == ["test.new", "test.mid",
                                                               "test.old"]


def test_paging(officer_api):
    for i in range(7):
        _record(action="test.bulk", object_type="thing", object_id=i)
    pages = [officer_api.get(EVENTS, {"action": "test.bulk", "page_size": 3, "page": n}).json()
             for n in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [7, 7, 7, 7]
    # Past the end is the last page (and says which it is), not an empty one.
    assert [[e["object"]["id"] for e in p["items"]] for p in pages] == [
        ["6", "5", "4"], ["3", "2", "1"], ["0"], ["0"]]
    assert [p["page"] for p in pages] == [1, 2, 3, 3]
    assert officer_api.get(EVENTS, {"page_size": 100}).status_code == 200


@pytest.mark.parametrize(("params", "field"), [
    ({"since": "yesterday"}, "since"),
    ({"until": "2024-13-01"}, "until"),
    ({"since": "2024-01-01T12:30:00"}, "since"),
    ({"customer_id": "not-a-uuid"}, "customer_id"),
    ({"outcome": "maybe"}, "outcome"),
    ({"action": "x" * 65}, "action"),
    ({"actor": "a\x00b"}, "actor"),
    ({"action": "customer.\x00"}, "action"),
    ({"page": 0}, "page"),
    ({"page": "x"}, "page"),
    ({"page_size": 101}, "page_size"),
    ({"page_size": 0}, "page_size"),
    ({"page": 10**30}, "page"),
])
def test_bad_filters_are_400(officer_api, api_error, params, field):
    api_error(officer_api.get(EVENTS, params), 400, "invalid", field=field)
    assert not AuditEvent.objects.filter(action="audit.view").exists()


def test_verify_reports_tampering_by_position(officer_api, make_ticket, api_error):
    make_ticket()
    assert officer_api.post(VERIFY).json()["ok"] is True  # chains everything so far
    victim = AuditEvent.objects.get(action="ticket.create")
    seq = AuditChainLink.objects.get(event_id=victim.pk).seq

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    AuditEvent.objects.filter(pk=victim.pk).update(  # the reason, inside the body
        body=bytes(victim.body).replace(b'"reason":""', b'"reason":"edited"'))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")

    result = officer_api.post(VERIFY)
    assert result.status_code == 200, result.content
    result = result.json()
    assert result["ok"] is False
    assert result["first_bad_seq"] == seq
    assert f"position {seq} (id {victim.pk}) was modified" in result["problem"]

    last = officer_api.get(VERIFICATION).json()["last"]
    assert (last["ok"], last["first_bad_seq"], last["problem"]) == (False, seq,
                                                                    result["problem"])
    runs = AuditEvent.objects.filter(action="audit.verify").order_by("id")
    assert [e.context["ok"] for e in runs] == [True, False]


def test_verify_is_post_only(officer_api, api_error):
    response = officer_api.get(VERIFY)
    api_error(response, 405, "method_not_allowed", None)
    assert response["Allow"] == "POST"
    api_error(officer_api.post(EVENTS), 405, "method_not_allowed", None)
    assert not AuditVerification.objects.exists()


def test_documented_in_openapi(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    assert set(paths[EVENTS]) == {"get"}
    assert set(paths[VERIFICATION]) == {"get"}
    assert set(paths[VERIFY]) == {"post"}
    params = {p["name"] for p in paths[EVENTS]["get"]["parameters"]}
    assert params == {"actor", "customer_id", "action", "outcome", "since", "until", "page",
                      "page_size"}


# As in test_fuzz.py (which calls as a supervisor and so only ever gets 403 here): the
# audit operations, fuzzed from the OpenAPI document through the whole WSGI stack, as a
# security officer; committed for real, hence a transactional database.
FUZZ = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", application, config=schemathesis.Config.from_dict({
        "seed": 20260102,
        "generation": {"mode": "all", "max-examples": 40, "deterministic": True,
                       "database": "none"},
    })).include(path_regex="^/api/v1/audit/")


@pytest.fixture
def officer_token(system, make_user, make_ticket):
    make_ticket()
    return accounts.token_create(actor=system, user=make_user("security_officer"),
                                 name="fuzz").secret


@FUZZ.parametrize()
@pytest.mark.django_db(transaction=True)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_audit_api_never_answers_5xx(case, officer_token):
    response = case.call(headers={"Authorization": f"Bearer {officer_token}"})
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code in (200, 400, 405), case.as_curl_command()
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
