"""The gates, with the shipped levels: a reveal needs one factor; a change of email, phone
or card and an erasure need two. Refused in the services (403 ``verification_required``
in the API, a message in the console), passed with a reason that is audited and alerts,
refused with a reason that is no reason; TrustDesk's own jobs pass. A changed email or
phone hears of it, in words that name nothing new; after erasure, nothing is sent."""

from __future__ import annotations

import pytest
from django.core import mail

from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import ValidationError
from trustdesk.customers import reveal, selectors
from trustdesk.customers import services as customers
from trustdesk.customers.errors import VerificationRequired
from trustdesk.customers.models import ContactNotice, Customer
from trustdesk.jobs.worker import run_pending
from verification.callers import ACCOUNT, EMAIL, PHONE, pass_factor, texts

pytestmark = [pytest.mark.django_db, pytest.mark.verification_gates]

NEW_EMAIL = "attacker.mailbox@evil.example"
NEW_PHONE = "+442079460999"
CARD = "4000056655665556"
OVERRIDE = "Caller is the account holder, confirmed in person at the branch"
REASON = "Caller asked for their account number"


@pytest.fixture
def officer(make_user, as_actor):
    user = make_user("privacy_officer")
    return user, as_actor(user)


def two_factors(actor, customer_id):
    pass_factor(actor, customer_id, "email_code")
    pass_factor(actor, customer_id, "sms_code")


def overrides() -> list[Alert]:
    return list(Alert.objects.filter(kind=Alert.Kind.VERIFICATION_OVERRIDE).order_by("id"))


def email_of(customer_id) -> str:
    from helpers import stored_profile

    return stored_profile(customer_id).get("email")


# --- reveal: level 1 ---------------------------------------------------------------------
def test_a_reveal_needs_one_factor(desk):
    with pytest.raises(VerificationRequired) as refused:
        reveal.customer_reveal(actor=desk.actor, customer_id=desk.customer.id,
                               field="account_number", reason=REASON)
    assert (refused.value.needed, refused.value.held) == (1, 0)
    assert "Verify the caller first" in refused.value.message
    assert not AuditEvent.objects.filter(action="customer.reveal").exists()
    pass_factor(desk.actor, desk.customer.id, "email_code")
    assert reveal.customer_reveal(actor=desk.actor, customer_id=desk.customer.id,
                                  field="account_number", reason=REASON).value == ACCOUNT


def test_a_reveal_is_refused_in_the_api_with_verification_required(desk, api_client):
    client = api_client(desk.agent)
    url = f"/api/v1/customers/{desk.customer.id}/reveal"
    response = client.post(url, {"field": "account_number", "reason": REASON},
                           content_type="application/json")
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == "verification_required"
    assert "needs level 1" in error["message"] and "not verified" in error["message"]
    assert (error["needed"], error["held"]) == (1, 0)
    assert ACCOUNT not in response.content.decode()
    pass_factor(desk.actor, desk.customer.id, "email_link")
    response = client.post(url, {"field": "account_number", "reason": REASON},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["value"] == ACCOUNT


def test_a_reveal_is_refused_in_the_console_with_guidance(desk, console_client):
    client = console_client(desk.agent)
    url = f"/customers/{desk.customer.id}/fields/account_number/reveal/"
    response = client.post(url, {"reason": REASON}, HTTP_HX_REQUEST="true")
    assert response["X-TrustDesk-Status"] == "403"
    assert client.post(url, {"reason": REASON}).status_code == 403  # without htmx
    body = response.content.decode()
    assert "Verify the caller first" in body and 'name="verification_override"' in body
    assert ACCOUNT not in body
    assert any(e.context.get("permission") == "customer.verification"
               for e in AuditEvent.objects.filter(action="access.denied"))
    response = client.post(url, {"reason": REASON, "verification_override": OVERRIDE},
                           HTTP_HX_REQUEST="true")
    assert response["X-TrustDesk-Status"] == "200" and ACCOUNT in response.content.decode()
    [alert] = overrides()
    assert alert.field == "reveal" and alert.reason == OVERRIDE


def test_a_reveal_override_is_audited_and_alerts(desk):
    revealed = reveal.customer_reveal(actor=desk.actor, customer_id=desk.customer.id,
                                      field="account_number", reason=REASON,
                                      verification_override=OVERRIDE)
    assert revealed.value == ACCOUNT
    [event] = AuditEvent.objects.filter(action="customer.reveal")
    assert event.context["verification_override"] == OVERRIDE and event.reason == REASON
    [alert] = overrides()
    assert (alert.actor_user_id, alert.customer_id, alert.field, alert.reason) == (
        desk.agent.pk, desk.customer.id, "reveal", OVERRIDE)


# --- contact and payment changes: level 2 ------------------------------------------------
@pytest.mark.parametrize(("field", "value"), [("email", NEW_EMAIL), ("phone", NEW_PHONE)])
def test_a_change_of_contact_needs_two_factors(desk, field, value):
    change = {field: value}
    with pytest.raises(VerificationRequired) as refused:
        customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                                  changes=change)
    assert (refused.value.needed, refused.value.held) == (2, 0)
    pass_factor(desk.actor, desk.customer.id, "email_code")
    with pytest.raises(VerificationRequired) as refused:
        customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                                  changes=change)
    assert (refused.value.needed, refused.value.held) == (2, 1)
    assert not ContactNotice.objects.exists()
    assert email_of(desk.customer.id) == EMAIL
    pass_factor(desk.actor, desk.customer.id, "sms_code")
    customers.customer_update(actor=desk.actor, customer_id=desk.customer.id, changes=change)
    from helpers import stored_profile

    assert stored_profile(desk.customer.id)[field] == value
    assert overrides() == []


def test_other_fields_need_no_verification(desk):
    customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                              changes={"company": "Kinsella Haulage"})
    assert AuditEvent.objects.filter(action="customer.update").exists()


def test_a_change_of_card_needs_two_factors(desk, officer):
    _user, actor = officer
    with pytest.raises(VerificationRequired) as refused:
        customers.customer_update(actor=actor, customer_id=desk.customer.id,
                                  changes={"payment_card": CARD})
    assert refused.value.needed == 2
    two_factors(actor, desk.customer.id)
    customers.customer_update(actor=actor, customer_id=desk.customer.id,
                              changes={"payment_card": CARD})
    profile = selectors.customer_get(actor=actor, customer_id=desk.customer.id)
    assert profile.profile["payment_card"].endswith("5556")


def test_a_change_is_refused_in_the_api_with_verification_required(desk, api_client):
    client = api_client(desk.agent)
    url = f"/api/v1/customers/{desk.customer.id}"
    for change in ({"email": NEW_EMAIL}, {"phone": NEW_PHONE},
                   {"email": NEW_EMAIL, "company": "Anything"}):
        response = client.patch(url, {"profile": change}, content_type="application/json")
        assert response.status_code == 403, response.content
        error = response.json()["error"]
        assert error["code"] == "verification_required"
        assert "needs level 2" in error["message"]
    assert email_of(desk.customer.id) == EMAIL
    assert not AuditEvent.objects.filter(action="customer.update").exists()


def test_a_change_is_refused_in_the_console_with_guidance(desk, console_client):
    client = console_client(desk.agent)
    response = client.post(f"/customers/{desk.customer.id}/",
                           {"full_name": "Orla Kinsella", "email": NEW_EMAIL})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Verify the caller first" in body and "data-verification-needed" in body
    assert 'name="verification_override"' in body
    assert email_of(desk.customer.id) == EMAIL


# --- erasure: level 2 --------------------------------------------------------------------
def test_erasure_needs_two_factors(desk, officer):
    _user, actor = officer
    with pytest.raises(VerificationRequired):
        customers.customer_erase(actor=actor, customer_id=desk.customer.id,
                                 reason="Customer asked to be forgotten")
    assert Customer.objects.get(pk=desk.customer.id).status == Customer.Status.ACTIVE
    assert email_of(desk.customer.id) == EMAIL  # the key is still there
    pass_factor(actor, desk.customer.id, "email_code")
    with pytest.raises(VerificationRequired):
        customers.customer_erase(actor=actor, customer_id=desk.customer.id,
                                 reason="Customer asked to be forgotten")
    pass_factor(actor, desk.customer.id, "sms_code")
    customers.customer_erase(actor=actor, customer_id=desk.customer.id,
                             reason="Customer asked to be forgotten")
    assert Customer.objects.get(pk=desk.customer.id).status == Customer.Status.ERASED
    assert not AuditEvent.objects.filter(action="customer.verification_override").exists()


def test_erasure_is_refused_in_the_api_and_the_console(desk, officer, console_client):
    user, _actor = officer
    client = console_client(user)  # a session: erasure needs a fresh re-authentication
    response = client.post(f"/api/v1/customers/{desk.customer.id}/erase",
                           {"reason": "Customer asked to be forgotten"},
                           content_type="application/json")
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "verification_required"
    response = client.post(f"/customers/{desk.customer.id}/erase/",
                           {"reason": "Customer asked to be forgotten", "confirm": "on"},
                           follow=True)
    assert "Verify the caller first" in response.content.decode()
    assert Customer.objects.get(pk=desk.customer.id).status == Customer.Status.ACTIVE


def test_an_erasure_override_is_audited_and_alerts_before_the_key_goes(desk, officer):
    user, actor = officer
    customers.customer_erase(actor=actor, customer_id=desk.customer.id,
                             reason="Customer asked to be forgotten",
                             verification_override=OVERRIDE)
    assert Customer.objects.get(pk=desk.customer.id).status == Customer.Status.ERASED
    [event] = AuditEvent.objects.filter(action="customer.verification_override")
    assert event.reason == OVERRIDE and event.context == {"actions": ["erase"]}
    erased = AuditEvent.objects.get(action="customer.erase")
    assert event.pk < erased.pk
    [alert] = overrides()
    assert (alert.field, alert.reason, alert.actor_user_id) == ("erase", OVERRIDE, user.pk)


# --- overrides ---------------------------------------------------------------------------
def test_a_change_override_passes_is_audited_and_alerts(desk):
    customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                              changes={"email": NEW_EMAIL}, verification_override=OVERRIDE)
    assert email_of(desk.customer.id) == NEW_EMAIL
    [event] = AuditEvent.objects.filter(action="customer.update")
    assert OVERRIDE in event.reason and event.context["verification_override"] is True
    [alert] = overrides()
    assert (alert.field, alert.reason, alert.customer_id) == ("contact_change", OVERRIDE,
                                                              desk.customer.id)


def test_an_override_in_the_api_passes(desk, api_client):
    response = api_client(desk.agent).patch(
        f"/api/v1/customers/{desk.customer.id}",
        {"profile": {"email": NEW_EMAIL}, "verification_override": OVERRIDE},
        content_type="application/json")
    assert response.status_code == 200, response.content
    assert len(overrides()) == 1


@pytest.mark.parametrize("reason", ["", "   ", "abc", "\u200b" * 10, "\u00a0" * 8, "ok!"])
def test_an_override_without_a_real_reason_is_refused(desk, officer, reason):
    _user, officer_actor = officer
    with pytest.raises(ValidationError):
        customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                                  changes={"email": NEW_EMAIL}, verification_override=reason)
    with pytest.raises(ValidationError):
        reveal.customer_reveal(actor=desk.actor, customer_id=desk.customer.id,
                               field="account_number", reason=REASON,
                               verification_override=reason)
    with pytest.raises(ValidationError):
        customers.customer_erase(actor=officer_actor, customer_id=desk.customer.id,
                                 reason="Customer asked to be forgotten",
                                 verification_override=reason)
    assert email_of(desk.customer.id) == EMAIL
    assert Customer.objects.get(pk=desk.customer.id).status == Customer.Status.ACTIVE
    assert overrides() == []
    assert not AuditEvent.objects.filter(action__in=["customer.update", "customer.reveal",
                                                     "customer.erase"]).exists()


def test_an_override_without_a_reason_is_refused_in_the_api(desk, api_client):
    response = api_client(desk.agent).patch(
        f"/api/v1/customers/{desk.customer.id}",
        {"profile": {"email": NEW_EMAIL}, "verification_override": "  no "},
        content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "reason"
    assert overrides() == [] and email_of(desk.customer.id) == EMAIL


def test_an_override_reason_keeps_no_contact_details(desk):
    customers.customer_update(
        actor=desk.actor, customer_id=desk.customer.id, changes={"email": NEW_EMAIL},
        verification_override=f"Caller gave {NEW_EMAIL} and {PHONE} on the phone")
    [alert] = overrides()
    assert NEW_EMAIL not in alert.reason and PHONE not in alert.reason
    event = AuditEvent.objects.get(action="customer.update")
    assert NEW_EMAIL not in event.reason and PHONE not in event.reason


def test_the_system_actor_passes_every_gate(desk, system):
    customers.customer_update(actor=system, customer_id=desk.customer.id,
                              changes={"email": NEW_EMAIL, "payment_card": CARD})
    customers.customer_erase(actor=system, customer_id=desk.customer.id,
                             reason="Retention period ended")
    assert Customer.objects.get(pk=desk.customer.id).status == Customer.Status.ERASED
    assert overrides() == []


# --- the old contact hears of a change ---------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_change_of_email_tells_the_old_address_and_names_nothing_new(desk):
    two_factors(desk.actor, desk.customer.id)
    customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                              changes={"email": NEW_EMAIL})
    [notice] = ContactNotice.objects.filter(customer_id=desk.customer.id)
    assert EMAIL.encode() not in bytes(notice.sealed)
    mail.outbox.clear()
    assert run_pending() >= 1
    [sent] = mail.outbox
    assert sent.to == [EMAIL] and sent.subject == "Your contact details were changed"
    text = sent.subject + sent.body
    assert "email address" in text
    for typed in (NEW_EMAIL, "attacker", "evil.example", OVERRIDE, desk.agent.email):
        assert typed not in text
    assert not ContactNotice.objects.exists()
    mail.outbox.clear()
    run_pending()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_an_overridden_change_of_phone_texts_the_old_number(desk, settings):
    customers.customer_update(actor=desk.actor, customer_id=desk.customer.id,
                              changes={"phone": NEW_PHONE}, verification_override=OVERRIDE)
    assert run_pending() >= 1
    [text] = texts(settings)
    assert text["to"] == PHONE
    assert "phone number" in text["text"]
    for typed in (NEW_PHONE, "2079460999", OVERRIDE):
        assert typed not in text["text"]
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_removed_email_is_told_too(desk, system):
    customers.customer_update(actor=system, customer_id=desk.customer.id,
                              changes={"email": None})
    run_pending()
    assert [m.to for m in mail.outbox] == [[EMAIL]]


@pytest.mark.django_db(transaction=True)
def test_after_erasure_the_notice_sends_nothing(desk, system, settings):
    customers.customer_update(actor=system, customer_id=desk.customer.id,
                              changes={"email": NEW_EMAIL})
    assert ContactNotice.objects.count() == 1
    customers.customer_erase(actor=system, customer_id=desk.customer.id,
                             reason="Customer asked to be forgotten")
    mail.outbox.clear()
    run_pending()
    assert mail.outbox == [] and texts(settings) == []
    assert not ContactNotice.objects.exists()
