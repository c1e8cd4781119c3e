"""Caller verification against someone trying to get round it: an override recorded
only when it was used, a blocked customer's open challenges closed to answers, amounts
that only look like the record, and the attacks of docs/verification.md's threat list
(replays, other people's challenges, resets, leaks of facts or codes, forged forms)."""

from __future__ import annotations

import pytest

from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.customers import services as customers
from trustdesk.customers.models import Customer
from verification.callers import pass_factor

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
