"""``GET /metrics``: refused unless the token or an allowed address; counters labelled by
route (never a path or an id); no customer data; counters of every process summed."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
import textwrap

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import Client

from planted import PROFILE
from scraped import samples
from trustdesk.accounts import lockout
from trustdesk.audit.services import record
from trustdesk.config import controls, metrics
from trustdesk.core.actor import Actor

pytestmark = pytest.mark.django_db
TOKEN = "m" * 20 + "-metrics-token-for-tests"
REQUESTS = "trustdesk_http_requests_total"


def _get(remote="127.0.0.1", **headers):
    return Client().get("/metrics", REMOTE_ADDR=remote, **headers)


def _refused(response):
    assert response.status_code == 404
    assert b"trustdesk_" not in response.content


def test_loopback_is_allowed_by_default():
    response = _get()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"trustdesk_signin_lockouts_total" in response.content


def test_any_other_address_without_the_token_is_refused():
    _refused(_get("203.0.113.5"))
    _refused(_get("10.0.0.7"))
    # The connection's address decides, not a header the client writes.
    _refused(_get("203.0.113.5", HTTP_X_FORWARDED_FOR="127.0.0.1",
                  HTTP_X_REAL_IP="127.0.0.1"))
    _refused(_get("not an address"))


def test_a_request_through_a_proxy_is_never_let_in_by_address(settings):
    """With the TLS proxy on the same host every visitor arrives from loopback: what came
    through a proxy needs the token."""
    for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED"):
        _refused(_get("127.0.0.1", **{header: "203.0.113.5"}))
    settings.METRICS_TOKEN = TOKEN
    response = _get("127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5",
                    HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200


def test_the_token_opens_metrics_from_anywhere(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOW = ()
    assert _get("203.0.113.5", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert _get("203.0.113.5", HTTP_AUTHORIZATION=f"bearer {TOKEN}").status_code == 200
    for wrong in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer ", f"Basic {TOKEN}",
                  TOKEN):
        _refused(_get("203.0.113.5", HTTP_AUTHORIZATION=wrong))
    # No address is allowed now: not even loopback without the token.
    _refused(_get("127.0.0.1"))


def test_a_wrong_token_is_refused_even_from_an_allowed_address(settings):
    settings.METRICS_TOKEN = TOKEN
    _refused(_get("127.0.0.1", HTTP_AUTHORIZATION="Bearer guessed-token"))
    settings.METRICS_TOKEN = None
    # Without a configured token no bearer value can match, not even an empty one.
    _refused(_get("127.0.0.1", HTTP_AUTHORIZATION="Bearer "))


def test_the_allow_list_takes_networks(settings):
    settings.METRICS_ALLOW = (ipaddress.ip_network("10.0.0.0/8"),
                              ipaddress.ip_network("2001:db8::/32"))
    assert _get("10.1.2.3").status_code == 200
    assert _get("2001:db8::5").status_code == 200
    assert _get("::ffff:10.9.9.9").status_code == 200
    _refused(_get("11.0.0.1"))
    _refused(_get("127.0.0.1"))


def test_metrics_settings_are_checked_at_startup():
    assert controls.operations({})["METRICS_ALLOW"] == tuple(
        ipaddress.ip_network(n) for n in controls.LOOPBACK)
    assert controls.operations({})["METRICS_TOKEN"] is None
    assert controls.operations({"TRUSTDESK_METRICS_ALLOW": ""})["METRICS_ALLOW"] == ()
    assert controls.operations({"TRUSTDESK_METRICS_TOKEN": TOKEN})["METRICS_TOKEN"] == TOKEN
    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_METRICS_ALLOW"):
        controls.operations({"TRUSTDESK_METRICS_ALLOW": "10.0.0.0/8, intranet"})
    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_METRICS_TOKEN"):
        controls.operations({"TRUSTDESK_METRICS_TOKEN": "short"})


def test_requests_are_counted_by_route_never_by_path(scrape, make_user, console_client,
                                                     make_customer):
    customer = make_customer(**PROFILE)
    client = console_client(make_user("supervisor"))
    route = "customers/<uuid:customer_id>/"
    key = (REQUESTS, (("method", "GET"), ("route", route), ("status", "2xx")))
    before = scrape().get(key, 0)
    for _ in range(3):
        assert client.get(f"/customers/{customer.id}/").status_code == 200
    client.get(f"/no/such/{customer.id}/page")
    after = scrape()
    assert after[key] == before + 3
    assert after[(REQUESTS, (("method", "GET"), ("route", "unmatched"),
                             ("status", "4xx")))] >= 1
    assert after[("trustdesk_http_request_duration_seconds_count",
                  (("route", route),))] >= 3
    text = Client().get("/metrics").content.decode()
    assert str(customer.id) not in text and "/no/such" not in text


def test_reveals_and_lockouts_are_counted_and_no_customer_data_shows(
        scrape, make_user, make_team, make_customer, make_ticket, api_client,
        django_capture_on_commit_callbacks):
    team = make_team()
    agent = make_user("agent", teams=[team], email="agent.watched@example.com")
    customer = make_customer(**PROFILE)
    make_ticket(customer, team=team)
    field = ("trustdesk_reveals_total", (("break_glass", "false"), ("kind", "field")))
    locked = ("trustdesk_signin_lockouts_total", (("kind", "account"),))
    before = scrape()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(agent).post(
            f"/api/v1/customers/{customer.id}/reveal", content_type="application/json",
            data={"field": "account_number", "reason": "Customer asked on the phone"})
    assert response.status_code == 200, response.content
    limit = 10
    for _ in range(limit):
        attempt = lockout.reserve("locked.out@example.com", "192.0.2.44")
        lockout.failed(attempt)
    after = scrape()
    assert after[field] == before[field] + 1
    assert after[locked] == before[locked] + 1
    text = Client().get("/metrics").content.decode()
    for value in [*PROFILE.values(), str(customer.id), agent.email, "locked.out@",
                  "192.0.2.44", "Customer asked"]:
        assert value not in text


def test_audit_lag_is_read_at_scrape_time(scrape, system):
    from trustdesk.audit import chain

    chain.chain_pending()
    assert scrape()[("trustdesk_audit_pending_events", ())] == 0
    with transaction.atomic():
        record(actor=Actor.system("tests"), action="audit.test", object_type="test")
    now = scrape()
    assert now[("trustdesk_audit_pending_events", ())] == 1
    assert now[("trustdesk_audit_oldest_pending_seconds", ())] >= 0
    head = now[("trustdesk_audit_chain_head", ())]
    chain.chain_pending()
    later = scrape()
    assert later[("trustdesk_audit_pending_events", ())] == 0
    assert later[("trustdesk_audit_chain_head", ())] == head + 1


def test_jobs_are_counted_by_status_and_queue(scrape):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    def job(status, queue):
        DBTaskResult.objects.create(status=status, queue_name=queue, args_kwargs={},
                                    task_path="trustdesk.jobs.example", backend_name="default",
                                    run_after=timezone.now(), exception_class_path="",
                                    traceback="")
    for status, queue in [("READY", "default"), ("READY", "default"), ("FAILED", "mail"),
                          ("RUNNING", "mail")]:
        job(status, queue)
    now = scrape()

    def jobs(status, queue):
        return now[("trustdesk_jobs", (("queue", queue), ("status", status)))]
    assert jobs("READY", "default") == 2
    assert jobs("FAILED", "mail") == 1 and jobs("RUNNING", "mail") == 1
    assert jobs("SUCCESSFUL", "mail") == 0 and jobs("FAILED", "default") == 0


def test_jobs_are_left_out_until_their_table_exists(monkeypatch):
    from django.db import connection

    monkeypatch.setattr(metrics, "_tables_seen", set())
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    assert metrics._jobs() is None


_CHILD = textwrap.dedent("""
    import django, sys
    django.setup()
    from django.test import Client
    for _ in range(int(sys.argv[1])):
        assert Client().get("/healthz").status_code == 200
""")


def test_counters_of_every_process_are_summed(tmp_path, monkeypatch):
    """Two server processes write into one directory; /metrics reports their sum."""
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.update(DJANGO_SETTINGS_MODULE="trustdesk.config.settings",
               TRUSTDESK_DATA_DIR=str(tmp_path / "data"), PROMETHEUS_MULTIPROC_DIR=str(shared))
    children = [subprocess.Popen([sys.executable, "-c", _CHILD, str(n)], env=env)
                for n in (2, 3)]
    assert [c.wait(timeout=120) for c in children] == [0, 0]
    assert len({p.name for p in shared.glob("counter_*.db")}) == 2  # one file per process
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    found = samples(metrics.render().decode())
    assert found[(REQUESTS, (("method", "GET"), ("route", "healthz"),
                             ("status", "2xx")))] == 5
    assert found[("trustdesk_http_request_duration_seconds_count",
                  (("route", "healthz"),))] == 5


def test_metrics_still_answer_while_the_database_is_down(monkeypatch, caplog):
    from django.db import OperationalError, connection

    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = _get()
    assert response.status_code == 200
    found = samples(response.content.decode())
    assert ("trustdesk_audit_pending_events", ()) not in found
    assert not any(name == "trustdesk_jobs" for name, _ in found)
    assert any(name == "trustdesk_signin_lockouts_total" for name, _ in found)
    assert "audit tables could not be read" in caplog.text
