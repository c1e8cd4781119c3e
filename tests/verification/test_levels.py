"""Levels are counted in independent kinds of factor, within the verification window, for
the one person the caller proved them to; a factor proved to an agent gives that agent
need-to-know of the customer until the window passes."""

from __future__ import annotations

import datetime as dt

import pytest

from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers import reveal, selectors, verified
from trustdesk.customers.visibility import known_customers
from trustdesk.verification import services
from verification.callers import ACCOUNT, mailed_code, pass_factor

pytestmark = [pytest.mark.django_db, pytest.mark.verification_gates]


def level(desk, actor=None) -> int:
    return verified.state(actor or desk.actor, desk.customer.id).level


def test_nobody_is_verified_to_begin_with(desk):
    state = verified.state(desk.actor, desk.customer.id)
    assert (state.level, state.kinds, state.expires_at) == (0, (), None)
    assert state.label == "not verified"


def test_a_code_and_a_link_to_the_same_mailbox_are_one_factor(desk):
    pass_factor(desk.actor, desk.customer.id, "email_code")
    pass_factor(desk.actor, desk.customer.id, "email_link")
    state = verified.state(desk.actor, desk.customer.id)
    assert state.level == 1 and state.kinds == ("email",)
    # The same method twice is one factor too.
    pass_factor(desk.actor, desk.customer.id, "email_code")
    assert level(desk) == 1


def test_two_texts_are_one_factor(desk):
    pass_factor(desk.actor, desk.customer.id, "sms_code")
    pass_factor(desk.actor, desk.customer.id, "sms_code")
    assert verified.state(desk.actor, desk.customer.id).kinds == ("phone",)
    assert level(desk) == 1


@pytest.mark.parametrize(("first", "second"), [("email_code", "knowledge"),
                                               ("email_link", "knowledge"),
                                               ("knowledge", "sms_code"),
                                               ("email_code", "sms_code")])
def test_two_kinds_of_factor_are_level_two(desk, payment_on_file, first, second):
    pass_factor(desk.actor, desk.customer.id, first, answer="42.50")
    assert level(desk) == 1
    pass_factor(desk.actor, desk.customer.id, second, answer="42.50")
    state = verified.state(desk.actor, desk.customer.id)
    assert state.level == 2 and state.label == "verified by two factors"
    assert len(set(state.kinds)) == 2


def test_three_kinds_are_still_level_two(desk, payment_on_file):
    for method in ("email_code", "sms_code", "knowledge"):
        pass_factor(desk.actor, desk.customer.id, method, answer="42.50")
    assert level(desk) == 2


def test_factors_expire_after_the_window(desk, settings, move_clock, payment_on_file):
    settings.VERIFICATION_MINUTES = 15
    pass_factor(desk.actor, desk.customer.id, "email_code")
    state = verified.state(desk.actor, desk.customer.id)
    assert state.expires_at is not None
    left = state.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=14) < left <= dt.timedelta(minutes=15)
    move_clock(minutes=10)
    pass_factor(desk.actor, desk.customer.id, "knowledge", answer="42.50")
    assert level(desk) == 2
    # The level drops when the oldest factor ages out, and is said to.
    assert verified.state(desk.actor, desk.customer.id).expires_at == state.expires_at
    move_clock(minutes=15, seconds=1)
    later = verified.state(desk.actor, desk.customer.id)
    assert later.level == 1 and later.kinds == ("knowledge",)
    move_clock(minutes=25, seconds=1)
    assert level(desk) == 0


def test_the_window_is_the_setting(desk, settings, move_clock):
    settings.VERIFICATION_MINUTES = 2
    pass_factor(desk.actor, desk.customer.id, "email_code")
    move_clock(minutes=1)
    assert level(desk) == 1
    move_clock(minutes=2, seconds=1)
    assert level(desk) == 0


def test_one_agents_verification_is_not_anothers(desk, make_user, as_actor):
    colleague = as_actor(make_user("agent", teams=[desk.team]))
    pass_factor(desk.actor, desk.customer.id, "email_code")
    assert level(desk) == 1
    assert level(desk, colleague) == 0
    # Nor can the colleague answer the agent's challenge, or read out its code.
    started = services.challenge_start(actor=desk.actor, customer_id=desk.customer.id,
                                       method_name="email_code")
    with pytest.raises(NotFound):
        services.challenge_answer(actor=colleague, challenge_id=started.challenge_id,
                                  answer=mailed_code())
    assert level(desk, colleague) == 0
    assert services.challenge_answer(actor=desk.actor, challenge_id=started.challenge_id,
                                     answer=mailed_code()).matches


def test_the_system_and_unknown_people_hold_no_level(desk, system):
    pass_factor(desk.actor, desk.customer.id, "email_code")
    assert verified.state(system, desk.customer.id).level == 0
    assert verified.verified_customers(system, [desk.customer.id]) == set()


def test_a_factor_is_for_one_customer(desk, make_customer):
    other = make_customer(email="other.person@example.net")
    pass_factor(desk.actor, desk.customer.id, "email_code")
    assert verified.state(desk.actor, other.id).level == 0


# --- need-to-know ------------------------------------------------------------------------
@pytest.fixture
def stranger(make_user, make_team, as_actor):
    """An agent of another team: no ticket of the customer's is theirs."""
    return as_actor(make_user("agent", teams=[make_team()]))


def test_without_a_ticket_the_customer_is_locked(desk, stranger):
    profile = selectors.customer_get(actor=stranger, customer_id=desk.customer.id)
    assert profile.access["account_number"] == "locked"
    assert profile.access["email"] == "locked"
    assert desk.customer.id not in known_customers(stranger, [desk.customer.id])
    with pytest.raises(PermissionDenied) as refused:
        reveal.customer_reveal(actor=stranger, customer_id=desk.customer.id,
                               field="account_number", reason="Caller asked for it")
    assert refused.value.permission == "customer.need_to_know"


def test_a_verified_caller_gives_need_to_know_until_the_window_passes(desk, stranger,
                                                                      settings, move_clock):
    pass_factor(stranger, desk.customer.id, "email_code")
    assert desk.customer.id in known_customers(stranger, [desk.customer.id])
    profile = selectors.customer_get(actor=stranger, customer_id=desk.customer.id)
    assert profile.access["account_number"] == "revealable"
    assert profile.access["email"] == "masked"
    # Level 1 is also what a reveal needs: the agent may now read it out.
    shown = reveal.customer_reveal(actor=stranger, customer_id=desk.customer.id,
                                   field="account_number", reason="Caller asked for it")
    assert shown.value == ACCOUNT
    move_clock(minutes=settings.VERIFICATION_MINUTES, seconds=1)
    assert desk.customer.id not in known_customers(stranger, [desk.customer.id])
    profile = selectors.customer_get(actor=stranger, customer_id=desk.customer.id)
    assert profile.access["account_number"] == "locked"


def test_need_to_know_from_a_caller_is_the_agents_alone(desk, stranger, make_user, make_team,
                                                       as_actor):
    other = as_actor(make_user("agent", teams=[make_team()]))
    pass_factor(stranger, desk.customer.id, "email_code")
    assert desk.customer.id in known_customers(stranger, [desk.customer.id])
    assert desk.customer.id not in known_customers(other, [desk.customer.id])
    assert selectors.customer_get(actor=other, customer_id=desk.customer.id
                                  ).access["account_number"] == "locked"


def test_a_failed_challenge_gives_no_need_to_know(desk, stranger, settings):
    started = services.challenge_start(actor=stranger, customer_id=desk.customer.id,
                                       method_name="email_code")
    code = mailed_code()
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for _ in range(settings.VERIFICATION_ATTEMPTS):
        services.challenge_answer(actor=stranger, challenge_id=started.challenge_id,
                                  answer=wrong)
    assert desk.customer.id not in known_customers(stranger, [desk.customer.id])
