"""Each verification method: success, a wrong answer, expiry, replay, the attempt limit
(then the challenge is failed; three failed challenges block the customer for the hour
and alert security officers), and a code or link sent only to the channel on file, never
stored in clear."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.forms.models import model_to_dict

from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import Conflict, NotFound, RateLimited, ValidationError
from trustdesk.customers import services as customers
from trustdesk.customers import verified
from trustdesk.customers.delivery import Undeliverable
from trustdesk.customers.models import CallerFactor
from trustdesk.verification import services
from trustdesk.verification.models import Challenge
from verification.callers import (
    EMAIL,
    PHONE,
    mailed_code,
    mailed_link,
    texted_code,
    texts,
    write_facts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.verification_gates]

AGENT_ANSWERED = ("email_code", "sms_code", "knowledge")
AMOUNT = "42.50"


@pytest.fixture(autouse=True)
def _records(settings, tmp_path):
    """The company's records hold the customer's last payment (the knowledge method)."""
    path = tmp_path / "facts.csv"
    write_facts(path, [(EMAIL, "payment_amount", AMOUNT, "2026-11-30")])
    settings.VERIFICATION_FACTS_CSV = path


def begin(desk, method: str):
    return services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                    method_name=method)


def right_answer(method: str, settings) -> str:
    """What the caller who is who they say would say."""
    if method == "email_code":
        return mailed_code()
    if method == "sms_code":
        return texted_code(settings)
    return "£42.50"


def wrong_answer(method: str, settings) -> str:
    if method == "knowledge":
        return "42.51"
    right = right_answer(method, settings)
    return f"{(int(right) + 1) % 10 ** 6:06d}"


def say(desk, started, answer: str):
    return services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                     answer=answer)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- success -----------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "kind"), [("email_code", "email"), ("sms_code", "phone"),
                                              ("knowledge", "knowledge")])
def test_the_right_answer_passes_and_records_the_factor_for_the_agent(desk, settings, method,
                                                                      kind):
    started = begin(desk, method)
    assert started.method == method
    answered = say(desk, started, right_answer(method, settings))
    assert answered.matches is True and answered.attempts_left == 0
    assert answered.state.level == 1 and answered.state.kinds == (kind,)
    assert verified.state(desk.actor, desk.customer.id).level == 1
    [factor] = CallerFactor.objects.filter(customer_id=desk.customer.id)
    assert (factor.user_id, factor.kind, factor.method) == (desk.agent.pk, kind, method)
    challenge = Challenge.objects.get(pk=started.challenge_id)
    assert challenge.outcome == Challenge.Outcome.PASSED and challenge.attempts == 1
    [start], [passed] = events("verification.start"), events("verification.pass")
    assert start.actor_label == passed.actor_label == desk.agent.email
    assert passed.object_id == str(desk.customer.id)
    assert passed.context["method"] == method and passed.context["level"] == 1


def test_the_link_confirmed_by_the_customer_passes_for_the_agent_who_sent_it(desk, client):
    started = begin(desk, "email_link")
    assert started.prompt.answer_label == ""
    [sent] = mail.outbox
    assert sent.to == [EMAIL]
    path = mailed_link(sent)
    assert path.startswith(f"/verify/{started.challenge_id}.")
    assert services.link_confirm(token=path.split("/")[2]) is True
    state = verified.state(desk.actor, desk.customer.id)
    assert state.level == 1 and state.kinds == ("email",)
    assert Challenge.objects.get(pk=started.challenge_id).outcome == Challenge.Outcome.PASSED
    [passed] = events("verification.pass")
    # The customer confirmed it, not the agent: the trail says so, and for whom.
    assert passed.actor_label == "system:verification_link"
    assert passed.context["verified_for"] == desk.agent.email
    assert passed.context["method"] == "email_link"


def test_a_link_is_not_answered_by_the_agent(desk):
    started = begin(desk, "email_link")
    token = mailed_link().split("/")[2]
    with pytest.raises(Conflict):
        say(desk, started, token)
    assert verified.state(desk.actor, desk.customer.id).level == 0


# --- wrong answers -----------------------------------------------------------------------
@pytest.mark.parametrize("method", AGENT_ANSWERED)
def test_a_wrong_answer_does_not_match_and_says_how_many_attempts_are_left(desk, settings,
                                                                           method):
    started = begin(desk, method)
    answered = say(desk, started, wrong_answer(method, settings))
    assert answered.matches is False
    assert answered.attempts_left == settings.VERIFICATION_ATTEMPTS - 1
    assert answered.state.level == 0
    assert not CallerFactor.objects.exists()
    [fail] = events("verification.fail")
    assert fail.outcome == AuditEvent.Outcome.DENIED and fail.context["attempts"] == 1
    # The challenge stays open: the right answer still passes.
    assert say(desk, started, right_answer(method, settings)).matches is True


def test_a_wrong_link_confirms_nothing(desk):
    started = begin(desk, "email_link")
    token = mailed_link().split("/")[2]
    challenge_id, nonce = token.split(".")
    for bad in (f"{challenge_id}.{nonce[:-1]}x", f"{challenge_id}.", nonce, "",
                f"{challenge_id}.{nonce}.{nonce}", "not-a-uuid." + nonce, "x" * 200):
        assert services.link_confirm(token=bad) is False, bad
    assert not CallerFactor.objects.exists()
    assert Challenge.objects.get(pk=started.challenge_id).outcome == Challenge.Outcome.OPEN
    assert services.link_confirm(token=token) is True


def test_an_empty_or_overlong_answer_is_refused_without_spending_an_attempt(desk):
    started = begin(desk, "email_code")
    for bad in ("", "   ", "1" * 201):
        with pytest.raises(ValidationError):
            say(desk, started, bad)
    assert Challenge.objects.get(pk=started.challenge_id).attempts == 0


# --- expiry ------------------------------------------------------------------------------
@pytest.mark.parametrize("method", AGENT_ANSWERED)
def test_an_expired_challenge_cannot_pass(desk, settings, move_clock, method):
    started = begin(desk, method)
    right = right_answer(method, settings)
    move_clock(minutes=settings.VERIFICATION_CODE_MINUTES, seconds=1)
    with pytest.raises(Conflict, match="expired"):
        say(desk, started, right)
    assert not CallerFactor.objects.exists()


def test_a_challenge_just_before_its_expiry_still_passes(desk, settings, move_clock):
    started = begin(desk, "email_code")
    move_clock(minutes=settings.VERIFICATION_CODE_MINUTES - 1)
    assert say(desk, started, mailed_code()).matches is True


def test_an_expired_link_confirms_nothing(desk, settings, move_clock):
    begin(desk, "email_link")
    token = mailed_link().split("/")[2]
    move_clock(minutes=settings.VERIFICATION_CODE_MINUTES, seconds=1)
    assert services.link_confirm(token=token) is False
    assert not CallerFactor.objects.exists()


# --- replay ------------------------------------------------------------------------------
@pytest.mark.parametrize("method", AGENT_ANSWERED)
def test_a_passed_challenge_cannot_pass_again(desk, settings, method):
    started = begin(desk, method)
    right = right_answer(method, settings)
    assert say(desk, started, right).matches is True
    with pytest.raises(Conflict, match="over"):
        say(desk, started, right)
    assert CallerFactor.objects.count() == 1


@pytest.mark.parametrize("method", ["email_code", "sms_code"])
def test_a_code_belongs_to_its_own_challenge(desk, settings, method):
    first = begin(desk, method)
    old = right_answer(method, settings)
    second = begin(desk, method)
    new = right_answer(method, settings)
    if old == new:  # one chance in a million: nothing to tell apart
        pytest.skip("the two codes happen to be equal")
    assert say(desk, second, old).matches is False
    assert say(desk, first, old).matches is True
    assert say(desk, second, new).matches is True


def test_a_used_link_confirms_nothing_again(desk):
    begin(desk, "email_link")
    token = mailed_link().split("/")[2]
    assert services.link_confirm(token=token) is True
    assert services.link_confirm(token=token) is False
    assert CallerFactor.objects.count() == 1


# --- attempt limits ----------------------------------------------------------------------
@pytest.mark.parametrize("method", AGENT_ANSWERED)
def test_the_attempts_run_out_and_the_challenge_is_failed(desk, settings, method):
    started = begin(desk, method)
    right, wrong = right_answer(method, settings), wrong_answer(method, settings)
    left = [say(desk, started, wrong).attempts_left
            for _ in range(settings.VERIFICATION_ATTEMPTS)]
    assert left == list(range(settings.VERIFICATION_ATTEMPTS - 1, -1, -1))
    challenge = Challenge.objects.get(pk=started.challenge_id)
    assert challenge.outcome == Challenge.Outcome.FAILED and challenge.closed_at
    with pytest.raises(Conflict, match="over"):
        say(desk, started, right)
    assert not CallerFactor.objects.exists()
    assert len(events("verification.fail")) == settings.VERIFICATION_ATTEMPTS


def test_the_attempt_limit_is_the_setting(desk, settings):
    settings.VERIFICATION_ATTEMPTS = 1
    started = begin(desk, "email_code")
    assert say(desk, started, wrong_answer("email_code", settings)).attempts_left == 0
    with pytest.raises(Conflict):
        say(desk, started, mailed_code())


def _fail_challenge(desk, settings, method):
    started = begin(desk, method)
    for _ in range(settings.VERIFICATION_ATTEMPTS):
        say(desk, started, wrong_answer(method, settings))


@pytest.mark.parametrize("counters", ["database", "redis"])
@pytest.mark.parametrize("method", AGENT_ANSWERED)
def test_three_failed_challenges_block_the_customer_for_the_hour_and_alert(
        desk, settings, method, counters, make_user, as_actor):
    import counters_backend

    counters_backend.use(counters, settings)
    for _ in range(2):
        _fail_challenge(desk, settings, method)
    assert not Alert.objects.filter(kind=Alert.Kind.VERIFICATION_FAILURES).exists()
    _fail_challenge(desk, settings, method)
    [alert] = Alert.objects.filter(kind=Alert.Kind.VERIFICATION_FAILURES)
    assert alert.customer_id == desk.customer.id and alert.actor_user_id == desk.agent.pk
    sent = len(mail.outbox) + len(texts(settings))
    # Blocked for everyone, by every method: a colleague cannot start one either.
    colleague = as_actor(make_user("agent", teams=[desk.team]))
    for who in (desk.actor, colleague):
        for name in ("email_code", "sms_code", "email_link", "knowledge"):
            with pytest.raises(RateLimited, match="rest of the hour") as refused:
                services.challenge_start(actor=who, customer_id=desk.customer.id,
                                         method_name=name)
            assert refused.value.retry_after == 3600
    assert len(mail.outbox) + len(texts(settings)) == sent  # nothing more was sent
    assert Alert.objects.filter(kind=Alert.Kind.VERIFICATION_FAILURES).count() == 1


def test_the_block_is_for_that_customer_only(desk, settings, make_customer):
    for _ in range(3):
        _fail_challenge(desk, settings, "email_code")
    other = make_customer(email="someone.else@example.net")
    started = services.challenge_start(actor=desk.actor, customer_id=other.id,
                                       method_name="email_code")
    assert mail.outbox[-1].to == ["someone.else@example.net"]
    assert started.challenge_id


# --- where codes go ----------------------------------------------------------------------
def test_an_email_code_goes_to_the_registered_address_only(desk, settings):
    started = begin(desk, "email_code")
    [sent] = mail.outbox
    assert sent.to == [EMAIL] and not sent.cc and not sent.bcc
    assert sent.subject == "Your verification code"
    assert sent.extra_headers.get("Auto-Submitted") == "auto-generated"
    assert texts(settings) == []
    # The agent is told where in words, never the address.
    assert EMAIL not in started.prompt.text and "kinsella" not in started.prompt.text
    assert "registered email address" in started.prompt.text


def test_a_text_goes_to_the_registered_phone_only(desk, settings):
    started = begin(desk, "sms_code")
    [text] = texts(settings)
    assert text["to"] == PHONE
    assert mail.outbox == []
    assert PHONE not in started.prompt.text and "960123" not in started.prompt.text
    [path] = settings.SMS_FILE_DIR.iterdir()
    assert path.stat().st_mode & 0o777 == 0o600


def test_after_a_change_of_address_codes_go_to_the_new_one_on_file(desk, system):
    customers.customer_update(actor=system, customer_id=desk.customer.id,
                              changes={"email": "orla.new@example.net"})
    mail.outbox.clear()
    begin(desk, "email_code")
    assert [m.to for m in mail.outbox] == [["orla.new@example.net"]]


def test_no_phone_on_file_no_text(desk, settings, make_customer, make_ticket):
    customer = make_customer(email="no.phone@example.net")
    make_ticket(customer, team=desk.team)
    with pytest.raises(Undeliverable):
        services.challenge_start(actor=desk.actor, customer_id=customer.id,
                                 method_name="sms_code")
    assert texts(settings) == [] and mail.outbox == []
    assert not Challenge.objects.filter(customer_id=customer.id).exists()
    [undelivered] = events("verification.undelivered")
    assert undelivered.outcome == AuditEvent.Outcome.DENIED


def test_the_caller_cannot_name_where_the_code_goes(desk, api_client):
    client = api_client(desk.agent)
    url = f"/api/v1/customers/{desk.customer.id}/verification/challenges"
    for extra in ({"email": "attacker@evil.example"}, {"to": "attacker@evil.example"},
                  {"phone": "+15555550100"}):
        response = client.post(url, {"method": "email_code", **extra},
                               content_type="application/json")
        assert response.status_code == 400, response.content
    assert mail.outbox == []
    response = client.post(url, {"method": "email_code"}, content_type="application/json")
    assert response.status_code == 201
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_an_unknown_method_or_customer_is_refused(desk):
    with pytest.raises(ValidationError):
        begin(desk, "carrier_pigeon")
    for bad in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        with pytest.raises(NotFound):
            services.challenge_start(actor=desk.actor, customer_id=bad,
                                     method_name="email_code")
    assert mail.outbox == []


# --- never in clear ----------------------------------------------------------------------
@pytest.mark.parametrize("method", ["email_code", "sms_code", "email_link"])
def test_the_code_or_link_is_never_stored_in_clear(desk, settings, method):
    started = begin(desk, method)
    if method == "email_link":
        secret = mailed_link().split("/")[2].split(".")[1]
    else:
        secret = right_answer(method, settings)
        say(desk, started, wrong_answer(method, settings))
        say(desk, started, secret)
    row = Challenge.objects.get(pk=started.challenge_id)
    stored = json.dumps(model_to_dict(row), default=str)
    assert secret not in stored and row.secret and len(row.secret) <= 64
    trail = json.dumps([model_to_dict(e) for e in AuditEvent.objects.all()], default=str)
    assert secret not in trail
    assert AuditEvent.objects.filter(action__startswith="verification.").exists()


def test_a_question_keeps_which_record_not_its_value(desk):
    started = begin(desk, "knowledge")
    row = Challenge.objects.get(pk=started.challenge_id)
    assert row.question == "payment_amount" and row.secret == ""
    assert AMOUNT not in json.dumps(model_to_dict(row), default=str)
    assert "42" not in started.prompt.text
    assert started.prompt.text == "Ask the caller for the amount of their last payment."
    say(desk, started, "1.00")
    say(desk, started, "£42.50")
    trail = json.dumps([model_to_dict(e) for e in AuditEvent.objects.all()], default=str)
    assert AMOUNT not in trail and "42,50" not in trail


# --- how codes are typed -----------------------------------------------------------------
@pytest.mark.parametrize("shape", [
    "{}", "{0}{1}{2} {3}{4}{5}", "{0}{1}{2}-{3}{4}{5}", " {0} {1} {2} {3} {4} {5} ",
    "full-width", "arabic-indic", "devanagari", "{0}{1}{2}\u00a0{3}{4}{5}",
    "{0}{1}{2}\u200b{3}{4}{5}"])
@pytest.mark.parametrize("method", ["email_code", "sms_code"])
def test_codes_typed_with_spaces_dashes_or_other_digits_are_accepted(desk, settings, method,
                                                                     shape):
    started = begin(desk, method)
    code = right_answer(method, settings)
    scripts = {"full-width": 0xFF10, "arabic-indic": 0x0660, "devanagari": 0x0966}
    if shape in scripts:
        typed = "".join(chr(scripts[shape] + int(c)) for c in code)
    elif shape == "{}":
        typed = code
    else:
        typed = shape.format(*code)
    assert say(desk, started, typed).matches is True


def test_full_width_digits_of_a_known_code_are_accepted(desk, monkeypatch):
    from trustdesk.verification.methods import codes

    monkeypatch.setattr(codes.secrets, "randbelow", lambda n: 123456)
    started = begin(desk, "email_code")
    assert mailed_code() == "123456"
    assert say(desk, started, "１２３４５６").matches is True


@pytest.mark.parametrize("typed", ["{0}{1}{2}{3}{4}", "{0}{1}{2}{3}{4}{5}0",
                                   "0{0}{1}{2}{3}{4}{5}"])
def test_a_five_or_seven_digit_answer_is_refused(desk, typed):
    started = begin(desk, "email_code")
    code = mailed_code()
    answered = say(desk, started, typed.format(*code))
    assert answered.matches is False and answered.attempts_left == 2
    assert say(desk, started, code).matches is True
