"""The API's and the console's verification endpoints, their limits on floods of code
requests, and the customer's link page (a GET confirms nothing; a POST with the page's
CSRF token does; a wrong, used or expired link answers 410 with one text)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail
from django.test import Client

from trustdesk.customers import verified
from trustdesk.customers.models import CallerFactor
from trustdesk.verification.models import Challenge
from verification.callers import EMAIL, PHONE, mailed_code, mailed_link

pytestmark = [pytest.mark.django_db, pytest.mark.verification_gates]

JSON = "application/json"


def start(client, customer_id, method="email_code"):
    return client.post(f"/api/v1/customers/{customer_id}/verification/challenges",
                       {"method": method}, content_type=JSON)


def answer(client, challenge_id, said):
    return client.post(f"/api/v1/verification/challenges/{challenge_id}/answer",
                       {"answer": said}, content_type=JSON)


# --- the API -----------------------------------------------------------------------------
def test_the_panel_says_the_state_the_methods_and_the_gates(desk, api_client):
    response = api_client(desk.agent).get(
        f"/api/v1/customers/{desk.customer.id}/verification")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == {"level": 0, "label": "not verified", "factors": [],
                             "expires_at": None}
    assert body["gates"] == {"reveal": 1, "contact_change": 2, "payment_change": 2,
                             "erase": 2, "privacy_request": 2}
    methods = {m["name"]: m for m in body["methods"]}
    assert set(methods) == {"email_code", "sms_code", "email_link", "knowledge"}
    assert methods["email_code"]["available"] and methods["sms_code"]["available"]
    assert methods["email_link"]["answered_by_agent"] is False
    assert methods["knowledge"]["available"] is False  # no records and no card
    text = response.content.decode()
    assert EMAIL not in text and PHONE not in text and "960123" not in text


def test_a_code_challenge_through_the_api(desk, api_client):
    client = api_client(desk.agent)
    response = start(client, desk.customer.id)
    assert response.status_code == 201, response.content
    started = response.json()
    assert started["method"] == "email_code" and started["answer_label"] == "Code"
    assert EMAIL not in response.content.decode()
    wrong = f"{(int(mailed_code()) + 1) % 10 ** 6:06d}"
    response = answer(client, started["challenge_id"], wrong)
    assert response.status_code == 200
    assert response.json()["matches"] is False and response.json()["attempts_left"] == 2
    response = answer(client, started["challenge_id"], mailed_code())
    assert response.json()["matches"] is True
    assert response.json()["state"]["level"] == 1
    assert response.json()["state"]["factors"] == ["email"]
    # Replay: the challenge is over.
    response = answer(client, started["challenge_id"], mailed_code())
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    panel = client.get(f"/api/v1/customers/{desk.customer.id}/verification").json()
    assert panel["state"]["level"] == 1 and panel["state"]["expires_at"]


def test_a_colleagues_challenge_is_not_found(desk, api_client, make_user):
    colleague = make_user("agent", teams=[desk.team])
    started = start(api_client(desk.agent), desk.customer.id).json()
    response = answer(api_client(colleague), started["challenge_id"], mailed_code())
    assert response.status_code == 404
    assert not CallerFactor.objects.exists()
    assert Challenge.objects.get(pk=started["challenge_id"]).attempts == 0
    response = answer(api_client(desk.agent), uuid.uuid4(), "123456")
    assert response.status_code == 404


@pytest.mark.parametrize("payload", [{"method": "carrier_pigeon"}, {"method": ""}, {},
                                     {"method": "x" * 33}, {"method": 6}])
def test_a_bad_method_is_400(desk, api_client, payload):
    response = api_client(desk.agent).post(
        f"/api/v1/customers/{desk.customer.id}/verification/challenges", payload,
        content_type=JSON)
    assert response.status_code == 400, response.content
    assert mail.outbox == [] and not Challenge.objects.exists()


def test_bad_answers_and_unknown_customers(desk, api_client):
    client = api_client(desk.agent)
    assert start(client, uuid.uuid4()).status_code == 404
    started = start(client, desk.customer.id).json()
    for said in ("", "   ", "1" * 201):
        response = answer(client, started["challenge_id"], said)
        assert response.status_code == 400, (said, response.content)
    link = start(client, desk.customer.id, "email_link").json()
    assert answer(client, link["challenge_id"], "anything").status_code == 409
    knowledge = start(client, desk.customer.id, "knowledge")
    assert knowledge.status_code == 409
    assert "No records" in knowledge.json()["error"]["message"]


def test_a_role_that_does_not_verify_is_refused(desk, api_client, make_user):
    admin = make_user("admin", mfa=True)
    client = api_client(admin)
    assert client.get(f"/api/v1/customers/{desk.customer.id}/verification"
                      ).status_code == 403
    assert start(client, desk.customer.id).status_code == 403
    assert mail.outbox == []


@pytest.mark.parametrize("counters", ["database", "redis"])
def test_a_flood_of_code_requests_is_stopped(desk, api_client, make_user, settings, counters):
    import counters_backend

    counters_backend.use(counters, settings)
    sends = settings.VERIFICATION_SENDS_PER_HOUR
    colleagues = [api_client(make_user("agent", teams=[desk.team])) for _ in range(3)]
    statuses = []
    for i in range(sends + 3):  # from several people, by email and by text
        response = start(colleagues[i % 3], desk.customer.id,
                         "email_code" if i % 2 else "sms_code")
        statuses.append(response.status_code)
    assert statuses == [201] * sends + [429] * 3
    assert len(mail.outbox) + len(list(settings.SMS_FILE_DIR.iterdir())) == sends
    refused = start(colleagues[0], desk.customer.id, "email_link")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "ask a question" in refused.json()["error"]["message"]


@pytest.mark.parametrize("counters", ["database", "redis"])
def test_one_person_starts_a_limited_number_an_hour(desk, api_client, settings, counters,
                                                    payment_on_file, make_user):
    import counters_backend

    counters_backend.use(counters, settings)
    client = api_client(desk.agent)
    limit = settings.VERIFICATION_STARTS_PER_HOUR
    statuses = [start(client, desk.customer.id, "knowledge").status_code
                for _ in range(limit + 1)]
    assert statuses == [201] * limit + [429]
    # A colleague's allowance is their own.
    assert start(api_client(make_user("agent", teams=[desk.team])), desk.customer.id,
                 "knowledge").status_code == 201


# --- the console panel -------------------------------------------------------------------
def test_the_console_panel_verifies_by_a_code(desk, console_client):
    client = console_client(desk.agent)
    base = f"/customers/{desk.customer.id}/verification/"
    panel = client.get(base, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and 'data-verification-level="0"' in panel.content.decode()
    response = client.post(base + "start/", {"method": "email_code"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response["X-TrustDesk-Status"] == "200", body
    assert "registered email address. Ask the caller to read it out." in body
    action = re.search(r'action="([^"]+/answer/)"', body).group(1)
    assert EMAIL not in body
    code = mailed_code()
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    response = client.post(action, {"answer": wrong}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "The answer does not match. 2 attempts left." in body
    assert f'action="{action}"' in body  # try again on the same challenge
    response = client.post(action, {"answer": " ".join(code)}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "The answer matches." in body and 'data-verification-level="1"' in body
    assert verified.state(desk.actor, desk.customer.id).level == 1
    # Without htmx: the same panel on a page of its own.
    page = client.get(base)
    assert page.status_code == 200 and 'data-verification-level="1"' in page.content.decode()


def test_the_console_panel_says_when_the_attempts_ran_out(desk, console_client, settings):
    settings.VERIFICATION_ATTEMPTS = 1
    client = console_client(desk.agent)
    base = f"/customers/{desk.customer.id}/verification/"
    body = client.post(base + "start/", {"method": "sms_code"},
                       HTTP_HX_REQUEST="true").content.decode()
    action = re.search(r'action="([^"]+/answer/)"', body).group(1)
    body = client.post(action, {"answer": "000000x"}, HTTP_HX_REQUEST="true").content.decode()
    assert "no attempts are left" in body and "data-verification-start" in body


def test_the_console_says_a_flood_is_stopped(desk, console_client, settings):
    settings.VERIFICATION_SENDS_PER_HOUR = 1
    client = console_client(desk.agent)
    url = f"/customers/{desk.customer.id}/verification/start/"
    client.post(url, {"method": "email_code"}, HTTP_HX_REQUEST="true")
    response = client.post(url, {"method": "email_code"}, HTTP_HX_REQUEST="true")
    assert response["X-TrustDesk-Status"] == "429"
    assert "Enough codes and links" in response.content.decode()
    assert len(mail.outbox) == 1


# --- the customer's link page ------------------------------------------------------------
def _section(response) -> str:
    body = response.content.decode()
    match = re.search(r"<section[^>]*data-verify-link.*?</section>", body, re.S)
    assert match, body[:2000]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", match.group(0))


def _post_with_csrf(client: Client, path: str):
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    return client.post(path, {"csrfmiddlewaretoken": token.group(1) if token else ""})


@pytest.fixture
def link(desk, api_client):
    started = start(api_client(desk.agent), desk.customer.id, "email_link")
    assert started.status_code == 201, started.content
    return mailed_link()


def test_opening_the_link_confirms_nothing(desk, link):
    scanner = Client()
    for _ in range(3):
        response = scanner.get(link)
        assert response.status_code == 200
        assert "Press Confirm only if" in response.content.decode()
    assert scanner.head(link).status_code in (200, 405)
    assert not CallerFactor.objects.exists()
    assert Challenge.objects.get().outcome == Challenge.Outcome.OPEN
    body = response.content.decode()
    assert EMAIL not in body and "Kinsella" not in body and "Orla" not in body
    assert "no-store" in response.get("Cache-Control", "")


def test_confirming_takes_a_post_with_the_pages_csrf_token(desk, link):
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(link, {})
    assert refused.status_code == 403
    assert not CallerFactor.objects.exists()
    response = _post_with_csrf(browser, link)
    assert response.status_code == 200
    assert "you are confirmed" in response.content.decode()
    state = verified.state(desk.actor, desk.customer.id)
    assert state.level == 1 and state.kinds == ("email",)


def test_a_wrong_used_or_expired_link_answers_410_with_one_text(desk, link, api_client,
                                                                 move_clock, settings):
    browser = Client(enforce_csrf_checks=True)
    challenge_id, nonce = link.split("/")[2].split(".")
    wrong = [f"/verify/{challenge_id}.{nonce[:-2]}xx/", f"/verify/{uuid.uuid4()}.{nonce}/",
             "/verify/garbage/", f"/verify/{challenge_id}/"]
    answers = [_post_with_csrf(browser, path) for path in wrong]
    assert _post_with_csrf(browser, link).status_code == 200
    answers.append(_post_with_csrf(browser, link))  # used
    start(api_client(desk.agent), desk.customer.id, "email_link")
    expiring = mailed_link()
    move_clock(minutes=settings.VERIFICATION_CODE_MINUTES, seconds=1)
    answers.append(_post_with_csrf(browser, expiring))  # expired
    assert [a.status_code for a in answers] == [410] * len(answers)
    sections = {_section(a) for a in answers}
    assert len(sections) == 1, sections
    assert "This link is not valid any more." in sections.pop()
    assert CallerFactor.objects.count() == 1
