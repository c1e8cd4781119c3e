"""Facts from the company's records: the CSV connector (the newest row of each kind, the
customer found by account number or email whatever the case), the signed webhook
against a real HTTP server (a slow, failing, oversized or garbled answer gives no facts;
no redirect is followed), and the fact never shown to the agent."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from trustdesk.core.errors import Conflict
from trustdesk.verification import facts, services
from verification.callers import ACCOUNT, EMAIL, write_facts

pytestmark = [pytest.mark.django_db, pytest.mark.verification_gates]

SECRET = "a facts webhook secret of 32+ characters, for tests"
AMOUNT = "4711.29"  # easy to spot in any page


# --- the CSV connector -------------------------------------------------------------------
def test_the_newest_row_of_each_kind_counts(desk, settings, tmp_path):
    path = tmp_path / "facts.csv"
    write_facts(path, [
        (ACCOUNT, "payment_amount", "10.00", "2026-10-01"),
        (ACCOUNT, "payment_amount", "20.00", "2026-11-15"),  # the newest
        (ACCOUNT, "payment_amount", "15.00", "2026-11-01"),
        (ACCOUNT, "order_date", "2026-09-09", "2026-09-09"),
        (ACCOUNT, "shoe_size", "44", "2026-11-20"),  # no question asks this
        ("ACCT-00000001", "payment_amount", "99.00", "2026-12-01"),  # someone else
        (ACCOUNT, "order_number", "", "2026-12-01"),  # empty: not a fact
    ])
    settings.VERIFICATION_FACTS_CSV = path
    held = facts.facts_for(desk.customer.id)
    assert {k: f.value for k, f in held.items()} == {"payment_amount": "20.00",
                                                     "order_date": "2026-09-09"}


@pytest.mark.parametrize("key", [ACCOUNT, ACCOUNT.lower(), f"  {ACCOUNT}  ", EMAIL,
                                 EMAIL.upper(), " Orla.Kinsella@Example.NET"])
def test_the_customer_is_found_by_account_number_or_email_in_any_case(desk, settings,
                                                                     tmp_path, key):
    path = tmp_path / "facts.csv"
    write_facts(path, [(key, "payment_amount", AMOUNT, "2026-11-30")])
    settings.VERIFICATION_FACTS_CSV = path
    assert facts.facts_for(desk.customer.id)["payment_amount"].value == AMOUNT


def test_rows_of_either_key_are_one_customer_and_the_newest_wins(desk, settings, tmp_path):
    path = tmp_path / "facts.csv"
    write_facts(path, [(EMAIL, "payment_amount", "1.00", "2026-11-01"),
                       (ACCOUNT, "payment_amount", "2.00", "2026-11-02")])
    settings.VERIFICATION_FACTS_CSV = path
    assert facts.facts_for(desk.customer.id)["payment_amount"].value == "2.00"


def test_the_knowledge_method_asks_about_the_newest_record(desk, settings, tmp_path):
    path = tmp_path / "facts.csv"
    write_facts(path, [(ACCOUNT, "payment_amount", "10.00", "2026-10-01"),
                       (ACCOUNT, "payment_amount", "20.00", "2026-11-15")])
    settings.VERIFICATION_FACTS_CSV = path
    started = services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                       method_name="knowledge")
    answer = lambda said: services.challenge_answer(  # noqa: E731
        actor=desk.actor, challenge_id=started.challenge_id, answer=said)
    assert answer("10.00").matches is False
    assert answer("20").matches is True


def test_an_unreadable_csv_gives_no_facts(desk, settings, tmp_path):
    path = tmp_path / "facts.csv"
    path.write_bytes(b"customer,kind,value,occurred_on\n\xff\xfe garbage\n")
    settings.VERIFICATION_FACTS_CSV = path
    assert facts.facts_for(desk.customer.id) == {}
    settings.VERIFICATION_FACTS_CSV = tmp_path / "gone.csv"
    assert facts.facts_for(desk.customer.id) == {}


def test_a_card_on_file_gives_its_last_four(make_customer):
    customer = make_customer(email="card.holder@example.net", payment_card="4000056655665556")
    assert facts.facts_for(customer.id)["card_last4"].value == "5556"


# --- the webhook connector ---------------------------------------------------------------
@dataclass
class Answer:
    status: int = 200
    body: bytes = b'{"facts": []}'
    delay: float = 0.0
    headers: dict = field(default_factory=dict)


class Records:
    """A connected system on a real local port: what it was asked, and how it answers."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = Answer()
        records = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                headers = {k.lower(): v for k, v in self.headers.items()}
                records.requests.append({"path": self.path, "headers": headers,
                                         "body": self.rfile.read(length)})
                answer = records.answer
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:  # the client gave up (the timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/facts"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def facts_answer(self, items) -> None:
        self.answer = Answer(body=json.dumps({"facts": items}).encode())

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def records(settings):
    server = Records()
    settings.VERIFICATION_FACTS_URL = server.url
    settings.VERIFICATION_FACTS_SECRET = SECRET
    yield server
    server.close()


def test_the_webhook_is_signed_and_sends_no_email_or_name(desk, records):
    records.facts_answer([{"kind": "payment_amount", "value": AMOUNT}])
    before = int(time.time())
    held = facts.facts_for(desk.customer.id)
    assert held["payment_amount"].value == AMOUNT
    [request] = records.requests
    body = request["body"]
    assert json.loads(body) == {"customer": str(desk.customer.id), "account_number": ACCOUNT}
    assert EMAIL.encode() not in body and b"Orla" not in body and b"Kinsella" not in body
    assert request["headers"]["content-type"] == "application/json"
    signature = request["headers"]["x-trustdesk-signature"]
    parts = dict(p.split("=", 1) for p in signature.split(","))
    assert set(parts) == {"t", "v1"}
    assert before <= int(parts["t"]) <= int(time.time())
    expected = hmac.new(SECRET.encode(), parts["t"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    # Signed with this secret and no other.
    wrong = hmac.new(b"another secret", parts["t"].encode() + b"." + body,
                     hashlib.sha256).hexdigest()
    assert parts["v1"] != wrong


def test_the_webhook_wins_a_kind_over_the_csv(desk, records, settings, tmp_path):
    path = tmp_path / "facts.csv"
    write_facts(path, [(ACCOUNT, "payment_amount", "1.00", "2026-11-01"),
                       (ACCOUNT, "order_date", "2026-11-01", "2026-11-01")])
    settings.VERIFICATION_FACTS_CSV = path
    records.facts_answer([{"kind": "payment_amount", "value": AMOUNT},
                          {"kind": "not_a_question", "value": "x"}, "junk", {"kind": "x"}])
    held = facts.facts_for(desk.customer.id)
    assert {k: f.value for k, f in held.items()} == {"payment_amount": AMOUNT,
                                                     "order_date": "2026-11-01"}


def test_a_knowledge_question_from_the_webhook_passes(desk, records):
    records.facts_answer([{"kind": "payment_date", "value": "2026-04-03"}])
    started = services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                       method_name="knowledge")
    assert started.prompt.text == "Ask the caller for the date of their last payment."
    assert services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                     answer="3 April 2026").matches is True


@pytest.mark.parametrize("failure", ["timeout", "500", "oversize", "garbage", "list",
                                     "facts-not-a-list", "redirect", "not-json-object"])
def test_a_failing_webhook_gives_no_facts_and_no_question(desk, records, monkeypatch,
                                                          failure):
    good = json.dumps({"facts": [{"kind": "payment_amount", "value": AMOUNT}]}).encode()
    elsewhere = Records()  # where a redirect would lead
    elsewhere.answer = Answer(body=good)
    try:
        if failure == "timeout":
            monkeypatch.setattr(facts, "WEBHOOK_TIMEOUT", 0.3)
            records.answer = Answer(body=good, delay=1.0)
        elif failure == "500":
            records.answer = Answer(status=500, body=good)
        elif failure == "oversize":
            pad = "x" * (facts.WEBHOOK_MAX_BYTES + 10)
            records.answer = Answer(body=json.dumps(
                {"facts": [{"kind": "payment_amount", "value": AMOUNT}], "pad": pad}).encode())
        elif failure == "garbage":
            records.answer = Answer(body=b"\x00\xffnot json at all{")
        elif failure == "list":
            records.answer = Answer(body=b'[{"kind": "payment_amount", "value": "1"}]')
        elif failure == "facts-not-a-list":
            records.answer = Answer(body=b'{"facts": 5}')
        elif failure == "not-json-object":
            records.answer = Answer(body=b'"facts"')
        elif failure == "redirect":
            for status in (301, 302, 303, 307, 308):
                records.answer = Answer(status=status, body=b"",
                                        headers={"Location": elsewhere.url})
                assert facts.facts_for(desk.customer.id) == {}
        assert facts.facts_for(desk.customer.id) == {}
        with pytest.raises(Conflict, match="No records"):
            services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                     method_name="knowledge")
        assert elsewhere.requests == []  # no redirect followed
        assert records.requests  # the webhook was asked
    finally:
        elsewhere.close()


def test_an_oversized_answer_just_under_the_limit_is_read(desk, records):
    body = json.dumps({"facts": [{"kind": "payment_amount", "value": AMOUNT}]})
    pad = facts.WEBHOOK_MAX_BYTES - len(body) - len(', "pad": ""') - 1
    records.answer = Answer(body=(body[:-1] + ', "pad": "' + "x" * pad + '"}').encode())
    assert len(records.answer.body) <= facts.WEBHOOK_MAX_BYTES
    assert facts.facts_for(desk.customer.id)["payment_amount"].value == AMOUNT


def test_an_unreachable_webhook_gives_no_facts(desk, settings):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.VERIFICATION_FACTS_URL = f"http://127.0.0.1:{port}/facts"
    settings.VERIFICATION_FACTS_SECRET = SECRET
    assert facts.facts_for(desk.customer.id) == {}


# --- the agent never sees a fact ---------------------------------------------------------
def test_the_agent_never_sees_the_fact_in_the_api_or_the_console(desk, records, api_client,
                                                                 console_client):
    records.facts_answer([{"kind": "payment_amount", "value": AMOUNT}])
    forms = (AMOUNT, "4711", "4,711", "711.29")
    api = api_client(desk.agent)
    bodies = []
    panel = api.get(f"/api/v1/customers/{desk.customer.id}/verification")
    assert panel.status_code == 200
    bodies.append(panel.content.decode())
    started = api.post(f"/api/v1/customers/{desk.customer.id}/verification/challenges",
                       {"method": "knowledge"}, content_type="application/json")
    assert started.status_code == 201, started.content
    assert started.json()["prompt"] == "Ask the caller for the amount of their last payment."
    bodies.append(started.content.decode())
    url = f"/api/v1/verification/challenges/{started.json()['challenge_id']}/answer"
    for said in ("4711.28", "4711.29"):
        response = api.post(url, {"answer": said}, content_type="application/json")
        assert response.status_code == 200
        assert set(response.json()) == {"matches", "attempts_left", "state"}
        bodies.append(response.content.decode().replace(said, ""))
    assert response.json()["matches"] is True

    console = console_client(desk.agent)
    base = f"/customers/{desk.customer.id}/verification/"
    for response in (console.get(base), console.get(base, HTTP_HX_REQUEST="true"),
                     console.post(base + "start/", {"method": "knowledge"},
                                  HTTP_HX_REQUEST="true"),
                     console.get(f"/tickets/{desk.ticket.pk}/"),
                     console.get(f"/customers/{desk.customer.id}/")):
        assert response.status_code == 200
        bodies.append(response.content.decode())
    assert "Ask the caller for the amount of their last payment." in bodies[-3]
    leaked = [(i, f) for i, body in enumerate(bodies) for f in forms if f in body]
    assert leaked == []
