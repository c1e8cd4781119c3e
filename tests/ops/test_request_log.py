"""Every response carries a request id (the proxy's if well-formed, else a new one);
every log record written during the request names it; the access record gives method,
route, status, duration and the actor's number — and no customer data, path or address."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.test import Client

from planted import PROFILE
from trustdesk.core.logs import JsonFormatter, OneLineFormatter
from trustdesk.core.requests import RequestFilter

pytestmark = pytest.mark.django_db
HEX32 = re.compile(r"[0-9a-f]{32}")
KEYS = {"timestamp", "level", "logger", "message", "request_id", "method", "route",
        "status", "duration_ms", "actor_id"}


def _capture(name: str):
    """Records of logger ``name`` as the JSON log writes them: yields a function that
    returns those so far."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestFilter())
    logger = logging.getLogger(name)
    logger.addHandler(handler)

    def lines() -> list[dict]:
        text = stream.getvalue()
        assert text == "" or text.endswith("\n")
        return [json.loads(line) for line in text.splitlines()]
    yield lines
    logger.removeHandler(handler)


@pytest.fixture
def log_lines():
    yield from _capture("trustdesk")


@pytest.fixture
def django_log_lines():
    yield from _capture("django.request")


def test_a_well_formed_request_id_is_echoed():
    for given in ("abc-123", "7f3c9a1e-5b2d-4c8e-9f10-2a3b4c5d6e7f", "edge:1.2_x", "a" * 64):
        response = Client().get("/healthz", HTTP_X_REQUEST_ID=given)
        assert response["X-Request-ID"] == given


def test_anything_else_is_replaced_by_a_new_id():
    seen = set()
    for given in (None, "", "a" * 65, "has space", "line\r\nX-Injected: 1", "ünï",
                  "<script>", "a/b"):
        headers = {} if given is None else {"HTTP_X_REQUEST_ID": given}
        response = Client().get("/healthz", **headers)
        assert HEX32.fullmatch(response["X-Request-ID"]), response["X-Request-ID"]
        seen.add(response["X-Request-ID"])
    assert len(seen) == 8  # a new one each time


def test_an_unknown_method_is_logged_as_other(log_lines, django_log_lines):
    Client().generic("X-ADA@EXAMPLE.ORG", "/healthz", HTTP_X_REQUEST_ID="req-m")
    [access] = [r for r in log_lines() if r["request_id"] == "req-m"
                and r["logger"] == "trustdesk.request"]
    assert access["method"] == "other" and access["status"] == 405
    assert [r["message"] for r in django_log_lines()] == [
        "Method Not Allowed (other): healthz"]
    assert "ADA" not in json.dumps(log_lines() + django_log_lines())


def test_refusals_and_redirects_carry_the_id_too(client):
    assert client.get("/customers/")["X-Request-ID"]  # redirected to sign in
    assert client.get("/api/v1/tickets", HTTP_X_REQUEST_ID="r-1")["X-Request-ID"] == "r-1"


def test_the_access_record_is_one_json_line_without_customer_data(
        log_lines, make_user, make_customer, console_client):
    user = make_user("supervisor", email="supervisor.named@example.com")
    customer = make_customer(**PROFILE)
    client = console_client(user)
    response = client.get(f"/customers/{customer.id}/?q={PROFILE['email']}",
                          HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200
    [access] = [r for r in log_lines() if r["logger"] == "trustdesk.request"
                and r["request_id"] == "req-42"]
    assert set(access) == KEYS
    assert access["message"] == "request" and access["level"] == "INFO"
    assert access["method"] == "GET" and access["status"] == 200
    assert access["route"] == "customers/<uuid:customer_id>/"
    assert access["actor_id"] == user.pk
    assert isinstance(access["duration_ms"], float) and access["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", access["timestamp"])
    everything = json.dumps(log_lines())
    for value in [*PROFILE.values(), str(customer.id), user.email, "127.0.0.1"]:
        assert value not in everything


def test_records_written_during_a_request_name_it(log_lines, make_user, api_client):
    client = api_client(make_user("agent"))
    assert client.get("/api/v1/tickets", HTTP_X_REQUEST_ID="req-77").status_code == 200
    Client().get("/api/v1/tickets", HTTP_AUTHORIZATION="Bearer td_wrong",
                 HTTP_X_REQUEST_ID="req-78")
    lines = log_lines()
    [refused] = [r for r in lines if r["logger"] == "trustdesk.api.auth"]
    assert refused["request_id"] == "req-78" and refused["method"] == "GET"
    assert refused["status"] is None  # not known yet when it was written
    assert refused["route"] == "api/v1/tickets"
    [ok] = [r for r in lines if r["logger"] == "trustdesk.request"
            and r["request_id"] == "req-77"]
    assert ok["route"] == "api/v1/tickets" and ok["actor_id"] is not None
    # Outside a request the fields are there, empty.
    logging.getLogger("trustdesk.tests").warning("outside")
    assert log_lines()[-1]["request_id"] is None


BREAKS = "\r\n\x85\u2028\u2029"


def test_djangos_own_records_name_the_route_not_the_path(log_lines, django_log_lines,
                                                         make_customer):
    customer = make_customer(**PROFILE)
    Client().get(f"/nothing/{customer.id}/here")
    Client().get(f"/customers/{customer.id}/fields/email/reveal/")  # GET: 405
    lines = django_log_lines()
    # The 404 is not logged again after the request (the access record has it); the 405,
    # logged by the view, names the route.
    assert [r["message"] for r in lines] == [
        "Method Not Allowed (GET): customers/<uuid:customer_id>/fields/<slug:field>/reveal/"]
    access = [r for r in log_lines() if r["logger"] == "trustdesk.request"]
    assert [(r["route"], r["status"], r["level"]) for r in access[-2:]] == [
        ("unmatched", 404, "WARNING"),
        ("customers/<uuid:customer_id>/fields/<slug:field>/reveal/", 405, "WARNING")]
    assert str(customer.id) not in json.dumps(lines + access)


def test_the_json_log_keeps_one_record_per_line():
    record = logging.LogRecord("trustdesk.tests", logging.WARNING, __file__, 1,
                               "refused %s", (f"/x{BREAKS}forged",), None)
    RequestFilter().filter(record)
    line = JsonFormatter().format(record)
    assert not any(c in line for c in BREAKS)
    assert json.loads(line)["message"] == f"refused /x{BREAKS}forged"
    try:
        raise ValueError(f"bad{BREAKS}input")
    except ValueError:
        import sys
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line and "ValueError" in json.loads(line)["exception"]


def test_the_text_log_names_the_request_on_the_same_line():
    formatter = OneLineFormatter("%(levelname)s %(name)s %(message)s")
    record = logging.LogRecord("trustdesk.request", logging.INFO, __file__, 1, "request",
                               (), None)
    record.request_id, record.route, record.status = "abc", f"x{BREAKS}", 200
    line = formatter.format(record)
    assert line.startswith("INFO trustdesk.request request request_id=abc")
    assert "status=200" in line and not any(c in line for c in BREAKS)
