"""Caller verification against someone trying to get round it: an override recorded
only when it was used, a blocked customer's open challenges closed to answers, amounts
that only look like the record, and the attacks of docs/verification.md's threat list
(replays, other people's challenges, resets, leaks of facts or codes, forged forms)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import RateLimited
from trustdesk.customers import services as customers
from trustdesk.customers import verified
from trustdesk.customers.delivery import Undeliverable
from trustdesk.customers.models import CallerFactor, Customer
from trustdesk.verification import answers, selectors, services
from trustdesk.verification.models import Challenge
from verification.callers import mailed_code, mailed_link, pass_factor

pytestmark = [pytest.mark.django_db, pytest.mark.verification_gates]

OVERRIDE = "Caller is the account holder, confirmed in person at the branch"


@pytest.fixture
def officer(make_user, as_actor):
    user = make_user("privacy_officer")
    return user, as_actor(user)


# --- an override is recorded only when it was used ---------------------------------------
def test_an_erasure_of_a_verified_caller_records_no_override(desk, officer):
    _user, actor = officer
    pass_factor(actor, desk.customer.id, "email_code")
    pass_factor(actor, desk.customer.id, "sms_code")
    customers.customer_erase(actor=actor, customer_id=desk.customer.id,
                             reason="Customer asked to be forgotten",
                             verification_override=OVERRIDE)
    assert Customer.objects.get(pk=desk.customer.id).status == Customer.Status.ERASED
    assert not AuditEvent.objects.filter(action="customer.verification_override").exists()
    assert not Alert.objects.filter(kind=Alert.Kind.VERIFICATION_OVERRIDE).exists()


# --- a block closes the challenges already open -------------------------------------------
def _block(desk, settings):
    """Three failed knowledge challenges: the customer is blocked for the hour."""
    for _ in range(3):
        started = services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                           method_name="knowledge")
        for _ in range(settings.VERIFICATION_ATTEMPTS):
            services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                      answer="1.00")
    assert Alert.objects.filter(kind=Alert.Kind.VERIFICATION_FAILURES).exists()


@pytest.mark.parametrize("counters", ["database", "redis"])
def test_a_blocked_customer_cannot_be_verified_by_a_challenge_opened_before(
        desk, settings, payment_on_file, make_user, as_actor, counters):
    import counters_backend

    counters_backend.use(counters, settings)
    colleague = as_actor(make_user("agent", teams=[desk.team]))
    opened = services.challenge_start(actor=colleague, customer_id=desk.customer.id,
                                      method_name="email_code")
    code = mailed_code()
    _block(desk, settings)
    with pytest.raises(RateLimited, match="rest of the hour"):
        services.challenge_answer(actor=colleague, challenge_id=opened.challenge_id,
                                  answer=code)
    assert Challenge.objects.get(pk=opened.challenge_id).attempts == 0
    assert verified.state(colleague, desk.customer.id).level == 0
    assert not CallerFactor.objects.exists()


def test_a_blocked_customer_cannot_be_verified_by_a_link_sent_before(desk, settings,
                                                                     payment_on_file):
    services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                             method_name="email_link")
    token = mailed_link().split("/")[2]
    _block(desk, settings)
    assert services.link_confirm(token=token) is False
    assert not CallerFactor.objects.exists()
    # The customer's page says what it says of any link that is not valid.
    response = Client().post(f"/verify/{token}/")
    assert response.status_code == 410
    assert "This link is not valid any more." in response.content.decode()


# --- an amount is read as written, never made up from its digits --------------------------
@pytest.mark.parametrize(("typed", "record"), [
    ("1e5", "15"), ("1e5", "100000"), ("12abc34", "1234"), ("12abc34", "12.34"),
    ("4x2.50", "42.50"), ("42.5O0", "42.50"), ("1 e 5", "15"), ("12/50", "1250"),
    ("42-50", "4250"), ("42.50-", "42.50"), ("4\u00b75", "45"),
])
def test_letters_or_marks_between_digits_are_no_amount(typed, record):
    assert answers.amount(typed) is None
    assert not answers.same("payment_amount", typed, record)


@pytest.mark.parametrize(("typed", "value"), [
    ("£42.50", "42.50"), ("42.50 EUR", "42.50"), ("EUR42,50", "42.50"),
    ("1'234.50", "1234.50"), ("1\u2019234.50", "1234.50"), ("1\u00a0234,50 €", "1234.50"),
    ("\u221242.50", "-42.50"), ("٤٢٫٥٠", "42.50"), ("٤٬٢٣٤٫٥٠ ر.س", "4234.50"),
    ("Rs. 1,234", "1234.00"), ("USD -5", "-5.00"), ("42.50.", "42.50"),
])
def test_currency_signs_separators_and_other_digits_are_still_read(typed, value):
    assert answers.amount(typed) == Decimal(value)


def test_a_knowledge_answer_spelt_with_an_exponent_does_not_pass(desk, settings, tmp_path):
    from verification.callers import EMAIL, write_facts

    path = tmp_path / "facts.csv"
    write_facts(path, [(EMAIL, "payment_amount", "15.00", "2026-11-30")])
    settings.VERIFICATION_FACTS_CSV = path
    started = services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                       method_name="knowledge")
    answered = services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                         answer="1e5")
    assert answered.matches is False
    assert services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                     answer="15").matches is True


# --- guessing across challenges ------------------------------------------------------------
@pytest.mark.parametrize("counters", ["database", "redis"])
def test_leaving_each_challenge_one_short_of_failing_still_blocks(
        desk, settings, payment_on_file, make_user, as_actor, counters):
    """Two wrong answers, then a new challenge (by the same person or a colleague), never
    runs a challenge out: the wrong answers are counted for the customer all the same."""
    import counters_backend

    counters_backend.use(counters, settings)
    settings.VERIFICATION_STARTS_PER_HOUR = 100
    people = [desk.actor, as_actor(make_user("agent", teams=[desk.team]))]
    allowed = 3 * settings.VERIFICATION_ATTEMPTS
    wrong = 0
    for round_ in range(allowed):
        who = people[round_ % 2]
        started = services.challenge_start(actor=who, customer_id=desk.customer.id,
                                           method_name="knowledge")
        for _ in range(settings.VERIFICATION_ATTEMPTS - 1):
            services.challenge_answer(actor=who, challenge_id=started.challenge_id,
                                      answer=f"{wrong + 1}.00")
            wrong += 1
            if wrong == allowed:
                break
        if wrong == allowed:
            break
    assert not Challenge.objects.filter(outcome=Challenge.Outcome.FAILED).exists()
    [alert] = Alert.objects.filter(kind=Alert.Kind.VERIFICATION_FAILURES)
    assert alert.customer_id == desk.customer.id
    last = who
    for who in people:
        with pytest.raises(RateLimited, match="rest of the hour"):
            services.challenge_start(actor=who, customer_id=desk.customer.id,
                                     method_name="knowledge")
    # Not even the right answer, in a challenge still open.
    with pytest.raises(RateLimited):
        services.challenge_answer(actor=last, challenge_id=started.challenge_id,
                                  answer=payment_on_file)
    assert not CallerFactor.objects.exists()


def test_fewer_wrong_answers_than_three_failed_challenges_do_not_block(desk, settings,
                                                                      payment_on_file):
    for i in range(3 * settings.VERIFICATION_ATTEMPTS - 1):
        if i % 2 == 0:  # two wrong answers to each
            started = services.challenge_start(actor=desk.actor,
                                               customer_id=desk.customer.id,
                                               method_name="knowledge")
        services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                  answer="1.00")
    assert not Alert.objects.filter(kind=Alert.Kind.VERIFICATION_FAILURES).exists()
    started = services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                       method_name="knowledge")
    assert services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                     answer=payment_on_file).matches


# --- codes never land in the log -------------------------------------------------------------
STAND_IN_SMS = ("trustdesk.customers.delivery.ConsoleSms", "trustdesk.customers.delivery.FileSms")
STAND_IN_MAIL = ("django.core.mail.backends.console.EmailBackend",
                 "django.core.mail.backends.filebased.EmailBackend")


@pytest.mark.parametrize("backend", STAND_IN_SMS)
def test_in_production_no_code_is_texted_through_a_stand_in(desk, settings, capsys, backend):
    settings.PRODUCTION = True
    settings.SMS_BACKEND = backend
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    panel = selectors.verification_panel(actor=desk.actor, customer_id=desk.customer.id)
    offers = {m.name: m.available for m in panel.methods}
    assert offers["sms_code"] is False
    with pytest.raises(Undeliverable):
        services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                 method_name="sms_code")
    assert "verification code" not in capsys.readouterr().out
    assert not settings.SMS_FILE_DIR.exists()
    assert not Challenge.objects.filter(outcome=Challenge.Outcome.OPEN).exists()


@pytest.mark.parametrize("backend", STAND_IN_MAIL)
@pytest.mark.parametrize("method", ["email_code", "email_link"])
def test_in_production_no_code_or_link_is_mailed_through_a_stand_in(desk, settings, capsys,
                                                                    tmp_path, backend,
                                                                    method):
    settings.PRODUCTION = True
    settings.EMAIL_BACKEND = backend
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    panel = selectors.verification_panel(actor=desk.actor, customer_id=desk.customer.id)
    assert {m.name: m.available for m in panel.methods}[method] is False
    with pytest.raises(Undeliverable):
        services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                 method_name=method)
    out = capsys.readouterr().out
    assert "verification code" not in out and "/verify/" not in out
    assert not (tmp_path / "mail").exists()


def test_in_development_the_stand_ins_still_carry_codes(desk, settings, capsys):
    settings.SMS_BACKEND = "trustdesk.customers.delivery.ConsoleSms"
    services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                             method_name="sms_code")
    assert "Your verification code is" in capsys.readouterr().out


def test_the_production_check_says_which_methods_a_stand_in_turns_off(settings):
    from trustdesk.config.checks import verification_channels

    settings.PRODUCTION = False
    assert verification_channels() == []
    settings.PRODUCTION = True
    settings.SMS_BACKEND = "trustdesk.customers.delivery.FileSms"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    [found] = verification_channels()
    assert found.id == "trustdesk.W011" and "TRUSTDESK_SMS_BACKEND" in found.msg
    settings.SMS_BACKEND = "myprovider.Sms"
    assert verification_channels() == []


# --- the records asked about are the customer's own ----------------------------------------
def test_the_account_number_the_records_are_asked_by_is_changed_only_at_level_two(
        desk, settings, tmp_path):
    """An impostor asks to have "their" account number corrected to one they hold, then
    answers a question from that account's records: the change is refused first."""
    from trustdesk.customers.errors import VerificationRequired
    from verification.callers import ACCOUNT, write_facts

    path = tmp_path / "facts.csv"
    write_facts(path, [(ACCOUNT, "payment_amount", "42.50", "2026-11-30"),
                       ("ACCT-IMPOSTOR", "payment_amount", "99.00", "2026-11-30")])
    settings.VERIFICATION_FACTS_CSV = path
    with pytest.raises(VerificationRequired) as refused:
        customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                                  changes={"account_number": "ACCT-IMPOSTOR"})
    assert (refused.value.needed, refused.value.held) == (2, 0)
    assert "account number" in refused.value.message
    started = services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                       method_name="knowledge")
    assert not services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                         answer="99.00").matches
    # With the caller verified to the level, or on a reason, it changes.
    customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                              changes={"account_number": "ACCT-27182818"},
                              verification_override=OVERRIDE)


def test_other_fields_change_without_verification(desk):
    customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                              changes={"company": "Kinsella Holdings"})
    assert not Alert.objects.filter(kind=Alert.Kind.VERIFICATION_OVERRIDE).exists()


# --- one customer's panel answers for that customer only ------------------------------------
def test_a_challenge_answered_on_another_customers_panel_is_not_found(desk, console_client,
                                                                      make_customer):
    other = make_customer(email="someone.else@example.net")
    client = console_client(desk.agent)
    client.post(f"/customers/{other.id}/verification/start/", {"method": "email_code"},
                HTTP_HX_REQUEST="true")
    challenge = Challenge.objects.get()
    response = client.post(
        f"/customers/{desk.customer.id}/verification/{challenge.pk}/answer/",
        {"answer": mailed_code()}, HTTP_HX_REQUEST="true")
    assert response["X-TrustDesk-Status"] == "404"
    assert "The answer matches." not in response.content.decode()
    assert not CallerFactor.objects.exists()
    assert Challenge.objects.get().attempts == 0
    # On its own customer's panel it answers as ever.
    response = client.post(f"/customers/{other.id}/verification/{challenge.pk}/answer/",
                           {"answer": mailed_code()}, HTTP_HX_REQUEST="true")
    assert "The answer matches." in response.content.decode()
    assert verified.state(desk.actor, other.id).level == 1


# --- what a code or an answer leaves behind -------------------------------------------------
def test_no_code_or_answer_reaches_the_log_the_audit_trail_or_a_response(
        desk, api_client, settings, payment_on_file, caplog):
    import logging

    from verification.callers import texted_code

    caplog.set_level(logging.DEBUG)
    client = api_client(desk.agent)
    said = {}
    for name in ("sms_code", "email_code", "knowledge"):
        started = client.post(f"/api/v1/customers/{desk.customer.id}/verification/challenges",
                              {"method": name}, content_type="application/json")
        assert started.status_code == 201
        right = {"sms_code": lambda: texted_code(settings), "email_code": mailed_code,
                 "knowledge": lambda: "£42.50"}[name]()
        wrong = "41.99" if name == "knowledge" else f"{(int(right) + 1) % 10 ** 6:06d}"
        said[name] = (right, wrong)
        for answer in (wrong, right):
            response = client.post(
                f"/api/v1/verification/challenges/{started.json()['challenge_id']}/answer",
                {"answer": answer}, content_type="application/json")
            assert response.status_code == 200
            assert answer not in response.content.decode()
            assert "42.50" not in response.content.decode()
        assert started.json()["prompt"].count("42") == 0
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    trail = "\n".join(f"{e.reason} {e.context}" for e in AuditEvent.objects.all())
    for right, wrong in said.values():
        for secret in (right, wrong, "42.50"):
            assert secret not in logged, secret
            assert secret not in trail, secret
    assert AuditEvent.objects.filter(action="verification.pass").count() == 3


# --- forged forms and malformed input --------------------------------------------------------
def test_the_console_forms_and_the_api_by_session_need_the_csrf_token(desk, console_client):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(desk.agent)
    base = f"/customers/{desk.customer.id}/verification/"
    assert forger.post(base + "start/", {"method": "email_code"},
                       HTTP_HX_REQUEST="true").status_code == 403
    assert forger.post(f"/api/v1/customers/{desk.customer.id}/verification/challenges",
                       {"method": "email_code"},
                       content_type="application/json").status_code == 403
    console_client(desk.agent).post(base + "start/", {"method": "email_code"},
                                    HTTP_HX_REQUEST="true")
    challenge = Challenge.objects.get()
    assert forger.post(f"{base}{challenge.pk}/answer/", {"answer": mailed_code()},
                       HTTP_HX_REQUEST="true").status_code == 403
    assert Challenge.objects.get().attempts == 0 and len(mail.outbox) == 1


@pytest.mark.parametrize("body", [b'{"method": "\xff\xfe"}', b"\xff\x00",
                                  b'{"method": "email_code\\u0000"}',
                                  b'{"method": "' + b"x" * 100_000 + b'"}',
                                  b'{"method": ["email_code"]}', b"[]"])
def test_an_undecodable_or_oversized_method_starts_nothing(desk, api_client, body):
    response = api_client(desk.agent).post(
        f"/api/v1/customers/{desk.customer.id}/verification/challenges", body,
        content_type="application/json")
    assert response.status_code == 400, response.content
    assert not Challenge.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("body", [b"method=%ff%fe", b"method=email_code%00",
                                  b"method=" + b"x" * 100_000, b"\xff\xfe=\xff"])
def test_the_console_starts_nothing_on_a_malformed_method(desk, console_client, body):
    response = console_client(desk.agent).post(
        f"/customers/{desk.customer.id}/verification/start/", body,
        content_type="application/x-www-form-urlencoded", HTTP_HX_REQUEST="true")
    assert response["X-TrustDesk-Status"] == "400"
    assert "Choose a verification method." in response.content.decode()
    assert not Challenge.objects.exists() and mail.outbox == []
