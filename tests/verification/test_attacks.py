"""Caller verification against someone trying to get round it: an override recorded
only when it was used, a blocked customer's open challenges closed to answers, amounts
that only look like the record, and the attacks of docs/verification.md's threat list
(replays, other people's challenges, resets, leaks of facts or codes, forged forms)."""

from __future__ import annotations

import pytest
from django.test import Client

from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import RateLimited
from trustdesk.customers import services as customers
from trustdesk.customers import verified
from trustdesk.customers.models import CallerFactor, Customer
from trustdesk.verification import services
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
