"""Carrying out privacy requests (docs/dsr.md): the requester's identity first, then each
kind end to end — correction, erasure (and a legal hold that refuses it), restriction —
refusal under an exemption, the timeline, and the front doors."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, PermissionDenied, ValidationError
from trustdesk.customers import dsr, requests, verified
from trustdesk.customers import services as customers
from trustdesk.customers.errors import VerificationRequired
from trustdesk.customers.models import Customer, CustomerField, DataRequest
from trustdesk.customers.profiles import read_profile
from trustdesk.dsr import selectors, services
from trustdesk.retention import holds

UTC = dt.UTC
# The shipped verification levels: identity is what these tests are about.
pytestmark = pytest.mark.verification_gates


@pytest.fixture
def officer(make_user, as_actor):
    return as_actor(make_user("privacy_officer"))


@pytest.fixture
def freeze(monkeypatch):
    def move(moment: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)
    return move


def _prove(actor: Actor, customer, *kinds) -> None:
    """The caller (or the customer in the portal) passes these factors to ``actor``."""
    obj = Customer.objects.get(pk=customer.id)
    for kind in kinds:
        verified.factor_passed(actor=actor, customer=obj, kind=kind, method="test")


def _filed(officer, customer, kind: str) -> int:
    """A request taken by phone, its caller verified to the level requests need."""
    _prove(officer, customer, "email", "phone")
    row = dsr.dsr_file(actor=officer, customer_id=customer.id, kind=kind)
    assert row.identity_verified
    return row.id


def test_a_portal_request_waits_for_the_customers_identity(make_customer, freeze):
    t0 = dt.datetime(2025, 3, 3, 9, tzinfo=UTC)
    freeze(t0)
    customer = make_customer(country="DE", phone="+44 20 7946 0958")
    me = Actor.customer(customer.id)
    _prove(me, customer, "email")  # signed in through a link to their mailbox
    row = requests.request_file(actor=me, kind="access")
    assert row.paused and not row.identity_verified
    assert requests.my_identity_proved(actor=me) == 0  # one factor: not enough
    freeze(t0 + dt.timedelta(days=2))
    # Back two days later: signed in again, and the code texted to their phone on file.
    _prove(me, customer, "email", "phone")
    assert requests.my_identity_proved(actor=me) == 1
    stored = DataRequest.objects.get(pk=row.id)
    assert stored.identity_verified_at == t0 + dt.timedelta(days=2)
    assert stored.paused_at is None and stored.paused_total == dt.timedelta(days=2)
    # The two days waited for them are added to the month.
    assert stored.due_at == dt.datetime(2025, 4, 4, tzinfo=UTC) + dt.timedelta(days=2)
    assert requests.my_identity_proved(actor=me) == 0  # nothing more to confirm


def test_a_verified_portal_customer_files_with_the_clock_running(make_customer):
    customer = make_customer()
    me = Actor.customer(customer.id)
    _prove(me, customer, "email", "phone")
    row = requests.request_file(actor=me, kind="erasure")
    assert row.identity_verified and not row.paused


def test_staff_confirm_identity_by_verifying_or_by_a_recorded_reason(make_customer, officer,
                                                                    make_user, as_actor):
    customer = make_customer()
    row = dsr.dsr_file(actor=officer, customer_id=customer.id, kind="access")
    assert not row.identity_verified
    with pytest.raises(VerificationRequired):
        dsr.dsr_confirm_identity(actor=officer, request_id=row.id)
    supervisor = as_actor(make_user("supervisor"))
    with pytest.raises(PermissionDenied):  # a reason instead of codes: officers only
        dsr.dsr_confirm_identity(actor=supervisor, request_id=row.id,
                                 override_reason="Saw a passport")
    with pytest.raises(PermissionDenied):
        dsr.dsr_confirm_identity(actor=Actor.system("cli"), request_id=row.id)
    done = dsr.dsr_confirm_identity(actor=officer, request_id=row.id,
                                    override_reason="Letter with a copy of an ID card")
    assert done.identity_verified
    assert DataRequest.objects.get(pk=row.id).identity_method == "override"
    assert Alert.objects.filter(kind="verification_override").exists()
    with pytest.raises(Conflict):
        dsr.dsr_confirm_identity(actor=officer, request_id=row.id)


@pytest.mark.parametrize("kind", ["access", "rectification", "erasure", "restriction",
                                  "objection"])
def test_nothing_is_done_before_the_identity_is_confirmed(kind, make_customer, officer):
    customer = make_customer()
    row = dsr.dsr_file(actor=officer, customer_id=customer.id, kind=kind)
    with pytest.raises(Conflict, match="identity"):
        services.dsr_fulfil(actor=officer, request_id=row.id, changes={"company": "X"},
                            purpose="satisfaction_surveys")
    assert DataRequest.objects.get(pk=row.id).status == "open"
    assert Customer.objects.get(pk=customer.id).status == "active"


def test_a_correction_changes_the_profile_and_closes_the_request(make_customer, officer):
    customer = make_customer(phone="+44 20 7946 0958", company="Old Ltd")
    pk = _filed(officer, customer, "rectification")
    # Refused as a whole: nothing changed, the request stays open.
    with pytest.raises(ValidationError):
        services.dsr_fulfil(actor=officer, request_id=pk,
                            changes={"company": "New Ltd", "shoe_size": "44"})
    assert read_profile(customer.id).profile["company"] == "Old Ltd"
    assert DataRequest.objects.get(pk=pk).status == "open"
    with pytest.raises(ValidationError):
        services.dsr_fulfil(actor=officer, request_id=pk, changes={})
    # A new phone number would need the caller verified; the request's identity is it.
    row = services.dsr_fulfil(actor=officer, request_id=pk,
                              changes={"company": "New Ltd", "phone": "+44 20 7946 0000"})
    assert row.status == "closed" and row.outcome == "fulfilled"
    profile = read_profile(customer.id).profile
    assert profile["company"] == "New Ltd" and profile["phone"] == "+442079460000"
    update = AuditEvent.objects.filter(action="customer.update").latest("id")
    assert update.customer == str(customer.id)
    with pytest.raises(Conflict, match="closed"):
        services.dsr_fulfil(actor=officer, request_id=pk, changes={"company": "Again"})


def test_a_request_of_another_kind_vouches_for_nothing(make_customer, officer):
    customer, stranger = make_customer(), make_customer()
    access = _filed(officer, customer, "access")
    with pytest.raises(Conflict):
        customers.customer_update(actor=officer, customer_id=customer.id,
                                  changes={"phone": "+44 20 7946 0001"},
                                  identity_request=access)
    fix = _filed(officer, stranger, "rectification")
    with pytest.raises(Conflict):  # the request of someone else
        customers.customer_update(actor=officer, customer_id=customer.id,
                                  changes={"phone": "+44 20 7946 0001"},
                                  identity_request=fix)
    assert "phone" not in read_profile(customer.id).profile


def test_erasure_under_a_legal_hold_is_refused_then_declined_with_the_exemption(
        make_customer, officer, system):
    customer = make_customer(phone="+44 20 7946 0958")
    pk = _filed(officer, customer, "erasure")
    hold = holds.hold_set(actor=system, customer_id=customer.id, reason="Case 2025-17")
    with pytest.raises(Conflict, match="legal hold"):
        services.dsr_fulfil(actor=officer, request_id=pk)
    assert Customer.objects.get(pk=customer.id).status == "active"
    assert CustomerField.objects.filter(customer_id=customer.id).exists()
    assert DataRequest.objects.get(pk=pk).status == "open"
    with pytest.raises(ValidationError):
        services.dsr_refuse(actor=officer, request_id=pk, exemption="because", reason="x")
    row = services.dsr_refuse(actor=officer, request_id=pk, exemption="legal_hold",
                              reason="Held for litigation; we will erase when released")
    assert row.outcome == "refused" and row.exemption == "legal_hold"
    event = AuditEvent.objects.filter(action="privacy_request.refused").latest("id")
    assert event.object_id == str(pk)
    holds.hold_release(actor=system, hold_id=hold.pk)


def test_erasure_shreds_the_customer_and_leaves_a_minimal_record(make_customer, officer):
    customer = make_customer(phone="+44 20 7946 0958")
    me = Actor.customer(customer.id)
    _prove(me, customer, "email", "phone")
    filed = requests.request_file(actor=me, kind="erasure", details="Please forget me, "
                                  "my number is +44 20 7946 0958")
    row = services.dsr_fulfil(actor=officer, request_id=filed.id)
    assert row.outcome == "fulfilled"
    erased = Customer.objects.get(pk=customer.id)
    assert erased.status == "erased" and f"privacy request {filed.id}" in \
        erased.erasure_reason
    assert not CustomerField.objects.filter(customer_id=customer.id).exists()
    assert DataRequest.objects.get(pk=filed.id).details_sealed is None


def test_restriction_freezes_the_profile_until_lifted(make_customer, officer):
    customer = make_customer(company="Acme")
    pk = _filed(officer, customer, "restriction")
    services.dsr_fulfil(actor=officer, request_id=pk)
    assert read_profile(customer.id).restricted
    with pytest.raises(Conflict, match="restricted"):
        customers.customer_update(actor=officer, customer_id=customer.id,
                                  changes={"company": "Other"})
    # A correction still goes through, on its own request.
    fix = _filed(officer, customer, "rectification")
    services.dsr_fulfil(actor=officer, request_id=fix, changes={"company": "Acme GmbH"})
    assert read_profile(customer.id).profile["company"] == "Acme GmbH"
    with pytest.raises(ValidationError):
        services.lift_restriction(actor=officer, customer_id=customer.id, reason=" ")
    services.lift_restriction(actor=officer, customer_id=customer.id,
                              reason="Told the customer by email on 3 March")
    customers.customer_update(actor=officer, customer_id=customer.id,
                              changes={"company": "Other"})
    with pytest.raises(Conflict):
        services.lift_restriction(actor=officer, customer_id=customer.id, reason="again")


def test_the_timeline_lists_every_step_in_order(make_customer, officer):
    customer = make_customer()
    row = dsr.dsr_file(actor=officer, customer_id=customer.id, kind="restriction")
    dsr.dsr_pause(actor=officer, request_id=row.id)
    dsr.dsr_confirm_identity(actor=officer, request_id=row.id,
                             override_reason="Signed letter with ID copy")
    services.dsr_fulfil(actor=officer, request_id=row.id)
    detail = selectors.request_detail(actor=officer, request_id=row.id)
    assert [s.action for s in detail.timeline] == [
        "privacy_request.file", "privacy_request.pause", "privacy_request.identity",
        "privacy_request.fulfil"]
    assert detail.timeline[2].facts["method"] == "override"
    assert detail.restricted and detail.row.outcome == "fulfilled"
    other = dsr.dsr_file(actor=officer, customer_id=customer.id, kind="access")
    assert [s.action for s in selectors.request_detail(
        actor=officer, request_id=other.id).timeline] == ["privacy_request.file"]


def test_the_front_doors_drive_fulfilment(make_customer, make_user, api_client,
                                          console_client):
    user = make_user("privacy_officer", mfa=True)
    customer = make_customer(company="Acme")
    api = api_client(user)
    filed = api.post("/api/v1/privacy/requests", content_type="application/json",
                     data={"customer_id": str(customer.id), "kind": "rectification"}).json()
    base = f"/api/v1/privacy/requests/{filed['id']}"
    early = api.post(f"{base}/fulfil", content_type="application/json",
                     data={"changes": {"company": "Acme 2"}})
    assert early.status_code == 409, early.json()
    unverified = api.post(f"{base}/identity", content_type="application/json", data={})
    assert unverified.status_code == 403
    assert unverified.json()["error"]["code"] == "verification_required"
    confirmed = api.post(f"{base}/identity", content_type="application/json",
                         data={"override_reason": "ID checked at the counter"})
    assert confirmed.status_code == 200 and confirmed.json()["identity_verified"]
    done = api.post(f"{base}/fulfil", content_type="application/json",
                    data={"changes": {"company": "Acme 2"}})
    assert done.status_code == 200 and done.json()["outcome"] == "fulfilled"
    detail = api.get(base).json()
    assert [s["action"] for s in detail["timeline"]][-1] == "privacy_request.fulfil"
    assert api.get("/api/v1/privacy/requests/999999999").status_code == 404
    second = make_customer()
    other = api.post("/api/v1/privacy/requests", content_type="application/json",
                     data={"customer_id": str(second.id), "kind": "objection"}).json()
    refused = api.post(f"/api/v1/privacy/requests/{other['id']}/refuse",
                       content_type="application/json",
                       data={"exemption": "manifestly_unfounded", "reason": "Tenth today"})
    assert refused.status_code == 200 and refused.json()["exemption"] == "manifestly_unfounded"
    console = console_client(user)
    page = console.get(f"/privacy/requests/{filed['id']}/")
    assert page.status_code == 200 and b"data-timeline" in page.content
    assert b"ID checked at the counter" not in page.content  # the reason is the trail's
    assert console.get(f"/privacy/requests/{uuid.uuid4().int % 10**9 + 10**9}/"
                       ).status_code == 404


def test_the_command_line_acts_as_the_named_officer(make_customer, make_user, officer,
                                                   capsys):
    from django.core.management import CommandError, call_command

    person = make_user("privacy_officer")
    customer = make_customer(company="Old")
    pk = _filed(officer, customer, "rectification")
    call_command("privacy-requests", "list", "--open", "--user", person.email)
    assert f"{pk:>6}  rectification" in capsys.readouterr().out
    with pytest.raises(CommandError, match="FIELD=VALUE"):
        call_command("privacy-requests", "fulfil", str(pk), "--set", "company",
                     "--user", person.email)
    call_command("privacy-requests", "fulfil", str(pk), "--set", "company=New",
                 "--user", person.email)
    assert read_profile(customer.id).profile["company"] == "New"
    assert AuditEvent.objects.filter(action="privacy_request.fulfil").latest(
        "id").actor_label == person.email
    agent = make_user("agent")
    with pytest.raises(CommandError):
        call_command("privacy-requests", "list", "--user", agent.email)
    with pytest.raises(CommandError, match="No account"):
        call_command("privacy-requests", "list", "--user", "nobody@example.com")


def test_verifying_in_the_portal_confirms_only_what_the_customer_filed(make_customer,
                                                                      officer):
    # Taken by phone from a caller nobody verified: whoever rang may not be the customer.
    customer = make_customer(phone="+44 20 7946 0958")
    phoned = dsr.dsr_file(actor=officer, customer_id=customer.id, kind="erasure")
    assert not phoned.identity_verified
    me = Actor.customer(customer.id)
    _prove(me, customer, "email")
    mine = requests.request_file(actor=me, kind="access")
    # The customer verifies in the portal for their own request: that proves nothing
    # about the caller's.
    _prove(me, customer, "email", "phone")
    assert requests.my_identity_proved(actor=me) == 1
    assert DataRequest.objects.get(pk=mine.id).identity_verified_at is not None
    assert DataRequest.objects.get(pk=phoned.id).identity_verified_at is None
    with pytest.raises(Conflict):
        services.dsr_fulfil(actor=officer, request_id=phoned.id)
    assert Customer.objects.get(pk=customer.id).status == Customer.Status.ACTIVE


def test_the_clock_pauses_only_for_an_identity_still_awaited_and_in_time(
        make_customer, officer, freeze):
    freeze(dt.datetime(2025, 3, 10, 9, tzinfo=UTC))
    confirmed = _filed(officer, make_customer(country="DE"), "access")
    with pytest.raises(Conflict, match="confirmed"):
        dsr.dsr_pause(actor=officer, request_id=confirmed)
    waiting = dsr.dsr_file(actor=officer, customer_id=make_customer(country="DE").id,
                           kind="erasure")
    assert not waiting.identity_verified
    # Past the deadline (the hourly watch has not flagged it yet): a pause would move
    # the deadline after the fact and hide the breach.
    freeze(dt.datetime(2025, 4, 11, 0, 30, tzinfo=UTC))
    with pytest.raises(Conflict, match="deadline"):
        dsr.dsr_pause(actor=officer, request_id=waiting.id)
    stored = DataRequest.objects.get(pk=waiting.id)
    assert stored.paused_at is None and stored.due_at == dt.datetime(2025, 4, 11, tzinfo=UTC)


def test_a_restricted_customer_joins_no_organisation(make_customer, make_user, as_actor,
                                                     officer):
    from trustdesk.customers import organisations
    from trustdesk.customers.models import Organisation

    customer = make_customer()
    services.dsr_fulfil(actor=officer, request_id=_filed(officer, customer, "restriction"))
    org = Organisation.objects.create(name="Acme")
    supervisor = as_actor(make_user("supervisor"))
    with pytest.raises(Conflict, match="restricted"):
        organisations.customer_set_organisation(actor=supervisor, customer_id=customer.id,
                                                organisation_id=org.pk)
    assert Customer.objects.get(pk=customer.id).organisation_id is None


def test_only_a_privacy_officer_acts_on_a_requests_word(make_customer, make_user,
                                                        as_actor, officer):
    # An agent who knows of a confirmed correction request cannot use it to skip the
    # verification a change of email needs.
    customer = make_customer()
    pk = _filed(officer, customer, "rectification")
    agent = as_actor(make_user("agent"))
    _prove(agent, customer, "email")  # need-to-know, but one factor only
    with pytest.raises(PermissionDenied):
        customers.customer_update(actor=agent, customer_id=customer.id,
                                  changes={"email": "attacker@example.net"},
                                  identity_request=pk)
    erasure = _filed(officer, customer, "erasure")
    with pytest.raises(PermissionDenied):
        customers.customer_erase(actor=agent, customer_id=customer.id, reason="Asked",
                                 identity_request=erasure)
    assert read_profile(customer.id).profile["email"] != "attacker@example.net"


def test_a_request_the_agent_may_not_see_is_not_found_open_or_closed(make_customer,
                                                                     make_user, as_actor,
                                                                     officer):
    from trustdesk.core.errors import NotFound

    stranger = make_customer()
    closed = dsr.dsr_file(actor=officer, customer_id=stranger.id, kind="access")
    dsr.dsr_close(actor=officer, request_id=closed.id)
    still_open = dsr.dsr_file(actor=officer, customer_id=stranger.id, kind="erasure")
    agent = as_actor(make_user("agent"))
    for pk in (closed.id, still_open.id, 2**62):
        with pytest.raises(NotFound):
            dsr.dsr_confirm_identity(actor=agent, request_id=pk)


def test_an_erasure_half_done_is_completed_though_a_hold_came_in_between(
        make_customer, officer, system, monkeypatch):
    from trustdesk.customers import portal

    customer = make_customer(phone="+44 20 7946 0958")
    pk = _filed(officer, customer, "erasure")
    revoke = portal.revoke

    def fails(**kwargs):
        monkeypatch.setattr(portal, "revoke", revoke)
        raise RuntimeError("database went away")

    monkeypatch.setattr(portal, "revoke", fails)
    with pytest.raises(RuntimeError):
        services.dsr_fulfil(actor=officer, request_id=pk)
    # The key is gone (fail closed), the record is not written yet.
    assert Customer.objects.get(pk=customer.id).status == "active"
    assert DataRequest.objects.get(pk=pk).status == "open"
    # A hold placed now can keep nothing: the data is unreadable already. Fulfilling
    # again completes the erasure record rather than leaving it half done for good.
    holds.hold_set(actor=system, customer_id=customer.id, reason="Case 2025-18")
    row = services.dsr_fulfil(actor=officer, request_id=pk)
    assert row.outcome == "fulfilled"
    assert Customer.objects.get(pk=customer.id).status == "erased"
    assert not CustomerField.objects.filter(customer_id=customer.id).exists()


def test_the_console_lifts_a_restriction_from_its_request(make_customer, make_user, officer,
                                                          console_client):
    customer = make_customer()
    pk = _filed(officer, customer, "restriction")
    services.dsr_fulfil(actor=officer, request_id=pk)
    client = console_client(make_user("privacy_officer", mfa=True))
    page = client.get(f"/privacy/requests/{pk}/")
    assert b"data-lift" in page.content
    assert client.post(f"/privacy/requests/{pk}/lift-restriction/",
                       {"reason": "Told by email"}).status_code == 302
    assert not read_profile(customer.id).restricted
    other = _filed(officer, make_customer(), "access")  # not a restriction: nothing to lift
    assert client.post(f"/privacy/requests/{other}/lift-restriction/",
                       {"reason": "x"}).status_code == 404
