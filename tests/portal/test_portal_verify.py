"""Verify your identity in the portal: a signed-in customer raises their own level from
1 (the sign-in link) to 2 with a code texted to the phone on file, through the same
limits, hashing and audit as the staff's flow."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from trustdesk.audit.models import AuditEvent
from trustdesk.core.actor import Actor
from trustdesk.customers import verified
from trustdesk.customers.models import CallerFactor
from trustdesk.verification import services
from trustdesk.verification.models import Challenge
from verification.callers import PHONE, texted_code, texts

pytestmark = pytest.mark.django_db

CHALLENGE = re.compile(r'name="challenge" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _sms(settings, tmp_path):
    settings.SMS_BACKEND = "trustdesk.customers.delivery.FileSms"
    settings.SMS_FILE_DIR = tmp_path / "sms"
    services._counters.cache_clear()
    yield
    services._counters.cache_clear()


@pytest.fixture
def customer(make_customer):
    return make_customer(email="mei.lin@example.org", phone=PHONE)


def level(customer) -> int:
    return verified.state(Actor.customer(customer.id), customer.id).level


def send_code(client) -> str:
    """Ask for a code; the challenge's id from the form it shows."""
    response = client.post("/help/verify/")
    assert response.status_code == 200, response.content
    return CHALLENGE.search(response.content.decode()).group(1)


def answer(client, challenge: str, code: str):
    return client.post("/help/verify/answer/", {"challenge": challenge, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** 6:06d}"


def test_a_right_code_raises_the_level_from_one_to_two(customer, portal_client, settings):
    client = portal_client(customer)
    page = client.get("/help/verify/").content.decode()
    assert 'data-level="1"' in page and "Verified by one factor until" in page
    challenge = send_code(client)
    response = answer(client, challenge, texted_code(settings))
    assert response.status_code == 302 and response["Location"].startswith("/help/verify/")
    assert level(customer) == 2
    factor = CallerFactor.objects.get(customer_id=customer.id, kind="phone")
    assert factor.user_id is None and factor.method == "sms_code"
    page = client.get("/help/verify/").content.decode()
    assert 'data-level="2"' in page
    assert re.search(r"Verified by two factors until \d\d:\d\d", page)
    assert 'data-level="2"' in client.get("/help/").content.decode()


@pytest.mark.parametrize("typed", ["{0} {1}", "{0}-{1}", "{f}"])
def test_codes_typed_with_spaces_or_full_width_digits_are_accepted(customer, portal_client,
                                                                   settings, typed):
    client = portal_client(customer)
    challenge = send_code(client)
    code = texted_code(settings)
    full = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = answer(client, challenge, typed.format(code[:3], code[3:], f=full))
    assert response.status_code == 302
    assert level(customer) == 2


def test_a_wrong_code_does_not_pass(customer, portal_client, settings):
    client = portal_client(customer)
    challenge = send_code(client)
    response = answer(client, challenge, wrong(texted_code(settings)))
    assert response.status_code == 400
    page = response.content.decode()
    assert "That code is not right." in page and "Tries left for this code: 2." in page
    assert level(customer) == 1
    assert AuditEvent.objects.filter(action="verification.fail",
                                     outcome=AuditEvent.Outcome.DENIED).count() == 1


def test_an_expired_code_does_not_pass(customer, portal_client, settings, monkeypatch):
    import datetime as dt

    from trustdesk.core import clock

    client = portal_client(customer)
    challenge = send_code(client)
    code = texted_code(settings)
    later = clock.now() + dt.timedelta(minutes=settings.VERIFICATION_CODE_MINUTES + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = answer(client, challenge, code)
    assert response.status_code == 400
    assert "can no longer be used" in response.content.decode()
    assert not CallerFactor.objects.filter(customer_id=customer.id, kind="phone").exists()


def test_a_code_works_once(customer, portal_client, settings):
    client = portal_client(customer)
    challenge = send_code(client)
    code = texted_code(settings)
    assert answer(client, challenge, code).status_code == 302
    replay = answer(client, challenge, code)
    assert replay.status_code == 400
    assert "can no longer be used" in replay.content.decode()
    assert CallerFactor.objects.filter(customer_id=customer.id, kind="phone").count() == 1


def test_the_attempt_limit_ends_the_challenge(customer, portal_client, settings):
    client = portal_client(customer)
    challenge = send_code(client)
    code = texted_code(settings)
    for _ in range(settings.VERIFICATION_ATTEMPTS):
        response = answer(client, challenge, wrong(code))
    assert response.status_code == 400
    assert "Ask for a new code" in response.content.decode()
    assert Challenge.objects.get(pk=challenge).outcome == Challenge.Outcome.FAILED
    # The right code, now: too late.
    assert answer(client, challenge, code).status_code == 400
    assert level(customer) == 1


def test_wrong_codes_over_several_challenges_block_the_customer(customer, portal_client,
                                                                settings):
    client = portal_client(customer)
    for _ in range(3):
        challenge = send_code(client)
        for _ in range(settings.VERIFICATION_ATTEMPTS):
            answer(client, challenge, wrong(texted_code(settings)))
    response = client.post("/help/verify/")
    assert response.status_code == 429 and response["Retry-After"]
    assert "Too many codes or attempts" in response.content.decode()


def test_the_code_goes_only_to_the_phone_on_file(customer, portal_client, settings):
    client = portal_client(customer)
    response = client.post("/help/verify/", {"phone": "+15005550006", "to": "+15005550006"})
    assert response.status_code == 200
    sent = texts(settings)
    assert [t["to"] for t in sent] == [PHONE]
    assert "Type it only into our customer portal" in sent[0]["text"]
    page = response.content.decode()
    assert PHONE not in page and PHONE[-4:] not in page


def test_a_customer_cannot_answer_another_customers_challenge(customer, make_customer,
                                                               portal_client, settings):
    other = make_customer(email="someone.else@example.org", phone="+441614960999")
    theirs = send_code(portal_client(other))
    code = texted_code(settings)
    mine = portal_client(customer)
    response = answer(mine, theirs, code)
    assert response.status_code == 404
    assert level(customer) == 1 and level(other) == 1
    assert not CallerFactor.objects.filter(kind="phone").exists()
    assert Challenge.objects.get(pk=theirs).attempts == 0


def test_a_staff_challenge_is_not_the_customers(customer, portal_client, settings,
                                                make_user, as_actor):
    agent = as_actor(make_user("agent"))
    started = services.challenge_start(actor=agent, customer_id=customer.id,
                                       method_name="sms_code")
    client = portal_client(customer)
    assert answer(client, str(started.challenge_id),
                  texted_code(settings)).status_code == 404


def test_not_signed_in_goes_to_the_sign_in_page(customer, settings):
    client = Client()
    for response in (client.get("/help/verify/"), client.post("/help/verify/"),
                     client.post("/help/verify/answer/", {"challenge": "x", "code": "1"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/help/?lang=")
    assert texts(settings) == []


def test_no_phone_on_file_is_said_plainly_and_nothing_is_offered(make_customer,
                                                                 portal_client, settings):
    client = portal_client(make_customer(email="no.phone@example.org"))
    page = client.get("/help/verify/").content.decode()
    assert "We have no phone number on file for you" in page
    assert "data-send-code" not in page and 'action="/help/verify/' not in page
    response = client.post("/help/verify/")
    assert response.status_code == 503
    assert texts(settings) == []


def test_the_forms_need_their_csrf_token(customer, portal_client, settings):
    # Signed in, with the CSRF cookie, but posting without the form's token.
    client = Client(enforce_csrf_checks=True)
    client.cookies = portal_client(customer).cookies
    assert client.post("/help/verify/").status_code == 403
    assert client.post("/help/verify/answer/", {"challenge": "x", "code": "1"}
                       ).status_code == 403
    assert texts(settings) == []


def test_audit_events_and_pages_carry_no_code(customer, portal_client, settings):
    client = portal_client(customer)
    challenge = send_code(client)
    code = texted_code(settings)
    answer(client, challenge, wrong(code))
    answer(client, challenge, code)
    events = AuditEvent.objects.filter(action__startswith="verification.")
    assert {e.action for e in events} == {"verification.start", "verification.fail",
                                          "verification.pass"}
    for event in events:
        assert event.actor_label == f"customer:{customer.id}"
        said = f"{event.reason} {event.context}"
        assert code not in said and wrong(code) not in said
    stored = Challenge.objects.get(pk=challenge)
    assert code not in stored.secret


def test_the_page_is_under_the_portal_csp_and_in_chinese(customer, portal_client):
    client = portal_client(customer)
    response = client.get("/help/verify/?lang=zh-hans")
    csp = response["Content-Security-Policy"]
    assert "script-src" not in csp or "'unsafe-inline'" not in csp
    page = response.content.decode()
    assert "<script" not in page
    assert "验证" in page


def test_asking_for_a_code_counts_against_the_portal_writes(customer, portal_client,
                                                             settings):
    settings.PORTAL_WRITES_PER_HOUR = 1
    client = portal_client(customer)
    send_code(client)
    response = client.post("/help/verify/")
    assert response.status_code == 429 and response["Retry-After"]
    assert len(texts(settings)) == 1


def test_codes_sent_by_staff_and_by_the_portal_share_one_send_limit(
        customer, portal_client, settings, make_user, as_actor):
    settings.VERIFICATION_SENDS_PER_HOUR = 1
    services.challenge_start(actor=as_actor(make_user("agent")), customer_id=customer.id,
                             method_name="sms_code")
    response = portal_client(customer).post("/help/verify/")
    assert response.status_code == 429
    assert len(texts(settings)) == 1


@pytest.mark.verification_gates
def test_a_request_filed_below_the_level_waits_until_the_customer_verifies(
        customer, portal_client, settings):
    from trustdesk.customers.models import DataRequest

    client = portal_client(customer)
    filed = client.post("/help/requests/new/", {"kind": "access", "details": ""})
    assert filed.status_code == 200 and b"data-verify-first" in filed.content
    row = DataRequest.objects.get(customer_id=customer.id)
    assert row.paused_at is not None and row.identity_verified_at is None
    challenge = send_code(client)
    assert answer(client, challenge, texted_code(settings)).status_code == 302
    row.refresh_from_db()
    assert row.identity_verified_at is not None and row.paused_at is None
    assert row.identity_method.startswith("portal level 2")
    event = AuditEvent.objects.filter(action="privacy_request.identity").latest("id")
    assert event.object_id == str(row.pk) and event.actor_label == f"customer:{customer.id}"
    # Verified now: the next request goes ahead at once.
    again = client.post("/help/requests/new/", {"kind": "erasure", "details": ""})
    assert b"data-verify-first" not in again.content
    assert DataRequest.objects.get(customer_id=customer.id, kind="erasure").paused_at is None


@pytest.mark.verification_gates
def test_the_home_page_says_where_each_request_stands(customer, portal_client, settings):
    client = portal_client(customer)
    client.post("/help/requests/new/", {"kind": "erasure", "details": ""})
    page = client.get("/help/").content.decode()
    assert 'data-request-state="identity"' in page and "/help/verify/" in page
    answer(client, send_code(client), texted_code(settings))
    assert 'data-request-state="open"' in client.get("/help/").content.decode()
