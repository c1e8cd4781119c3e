"""Legal deadlines of privacy requests: the arithmetic per jurisdiction, and the clock
through filing, extension, pause, breach and reminder, with a frozen clock."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ConfigurationError, Conflict, NotFound, PermissionDenied
from trustdesk.customers import dsr, requests
from trustdesk.customers.dsr_watch import watch
from trustdesk.customers.models import DataRequest
from trustdesk.jobs.worker import run_pending
from trustdesk.privacy import deadlines, dsr_rules

UTC = dt.UTC
RULES = deadlines.parse(None)


def at(y, m, d, h=9, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=UTC)


def end_of(y, m, d) -> dt.datetime:
    """The first moment late for an answer due on that day."""
    return dt.datetime.combine(dt.date(y, m, d) + dt.timedelta(days=1), dt.time(0),
                               tzinfo=UTC)


# --- Pure arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize(("country", "rule", "due"), [
    ("DE", "gdpr", end_of(2025, 4, 10)), ("no", "gdpr", end_of(2025, 4, 10)),
    ("GB", "uk_gdpr", end_of(2025, 4, 10)), ("US", "ccpa", end_of(2025, 4, 24)),
    ("CN", "pipl", end_of(2025, 3, 25)), ("BR", "gdpr", end_of(2025, 4, 10)),
    (None, "gdpr", end_of(2025, 4, 10)),
])
def test_each_jurisdiction_has_its_period(country, rule, due):
    chosen = RULES.for_country(country)
    assert chosen.name == rule
    assert deadlines.due_at(at(2025, 3, 10), chosen) == due


@pytest.mark.parametrize(("received", "last_day"), [
    (dt.date(2025, 1, 31), dt.date(2025, 2, 28)),
    (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),   # leap year
    (dt.date(2024, 2, 29), dt.date(2024, 3, 29)),
    (dt.date(2025, 3, 31), dt.date(2025, 4, 30)),
    (dt.date(2025, 12, 15), dt.date(2026, 1, 15)),
])
def test_one_month_ends_on_the_corresponding_day_or_the_months_last(received, last_day):
    assert deadlines.add_months(received, 1) == last_day
    due = deadlines.due_at(dt.datetime.combine(received, dt.time(23, 59), tzinfo=UTC),
                           RULES.rules["gdpr"])
    assert deadlines.due_day(due) == last_day


def test_extensions_chain_from_receipt_and_stop_at_the_limit():
    gdpr, ccpa = RULES.rules["gdpr"], RULES.rules["ccpa"]
    assert deadlines.due_day(deadlines.due_at(at(2025, 1, 31), gdpr, extensions=1)) == \
        dt.date(2025, 4, 30)
    assert deadlines.due_day(deadlines.due_at(at(2025, 1, 1), ccpa, extensions=1)) == \
        dt.date(2025, 4, 1)  # 90 days
    with pytest.raises(ValueError):
        deadlines.due_at(at(2025, 1, 31), gdpr, extensions=2)


def test_pauses_add_to_the_due_moment():
    paused = dt.timedelta(days=3, hours=5)
    base = deadlines.due_at(at(2025, 3, 10), RULES.rules["gdpr"])
    assert deadlines.due_at(at(2025, 3, 10), RULES.rules["gdpr"], paused=paused) == \
        base + paused


def test_days_left_counts_to_the_due_day():
    due = end_of(2025, 4, 10)
    assert deadlines.days_left(due, at(2025, 4, 5)) == 5
    assert deadlines.days_left(due, at(2025, 4, 10, 23, 59)) == 0
    assert deadlines.days_left(due, at(2025, 4, 11, 0, 1)) == -1


def test_configuration_adds_rules_and_refuses_what_it_cannot_use():
    rules = deadlines.parse({"rules": {"lgpd": {"label": "LGPD", "days": 15,
                                                "extend_days": 15}},
                             "countries": {"br": "lgpd"}, "default": "uk_gdpr"},
                            pipl_days=20)
    assert rules.for_country("BR").period == deadlines.Period(days=15)
    assert rules.for_country("BR").extensions == 1
    assert rules.for_country("CN").period == deadlines.Period(days=20)
    assert rules.for_country("ZZ").name == "uk_gdpr"
    for bad in ({"countries": {"BR": "nope"}}, {"rules": {"x": {"days": 0}}},
                {"rules": {"x": {"months": 1, "days": 2}}}, {"rules": {"x": {}}},
                {"rules": {"x": {"days": 5, "extensions": 1}}}, {"default": "nope"},
                {"countries": {"BRA": "gdpr"}}, {"oops": 1}, ["a"]):
        with pytest.raises(ConfigurationError):
            deadlines.parse(bad)


def test_a_broken_rules_file_is_refused_with_its_name(settings, tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("countries:\n  BR: lgpd\n")
    settings.DSR_RULES_PATH = str(path)
    dsr_rules.rules.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="unknown rule 'lgpd'"):
            dsr_rules.rules()
    finally:
        settings.DSR_RULES_PATH = ""
        dsr_rules.rules.cache_clear()


# --- The clock through the use cases ------------------------------------------------------


@pytest.fixture
def freeze(monkeypatch):
    def move(moment: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)
    return move


@pytest.fixture
def officer(make_user, as_actor):
    return as_actor(make_user("privacy_officer"))


def test_a_request_gets_the_rule_of_the_customers_country(make_customer, officer, freeze):
    freeze(at(2025, 1, 31))
    german, american, unknown = (make_customer(country="DE"), make_customer(country="US"),
                                 make_customer())
    assert dsr.dsr_file(actor=officer, customer_id=german.id, kind="access").due_at == \
        end_of(2025, 2, 28)
    row = dsr.dsr_file(actor=officer, customer_id=american.id, kind="erasure")
    assert row.jurisdiction == "ccpa" and row.due_at == end_of(2025, 3, 17)
    assert dsr.dsr_file(actor=officer, customer_id=unknown.id, kind="access"
                        ).jurisdiction == "gdpr"
    event = AuditEvent.objects.filter(action="privacy_request.file").latest("id")
    assert event.customer == str(unknown.id)


def test_the_default_country_stands_in_for_a_profile_without_one(make_customer, officer,
                                                                 settings):
    settings.DSR_DEFAULT_COUNTRY = "CN"
    dsr_rules.rules.cache_clear()
    try:
        row = dsr.dsr_file(actor=officer, customer_id=make_customer().id, kind="access")
        assert row.jurisdiction == "pipl"
    finally:
        settings.DSR_DEFAULT_COUNTRY = ""
        dsr_rules.rules.cache_clear()


def test_filing_twice_returns_the_open_request(make_customer, officer):
    customer = make_customer(country="FR")
    first = dsr.dsr_file(actor=officer, customer_id=customer.id, kind="access")
    assert dsr.dsr_file(actor=officer, customer_id=customer.id, kind="access").id == first.id
    portal = requests.request_file(actor=Actor.customer(customer.id), kind="access")
    assert portal.id == first.id
    assert DataRequest.objects.count() == 1
    assert dsr.dsr_file(actor=officer, customer_id=customer.id, kind="erasure").id != first.id
    dsr.dsr_close(actor=officer, request_id=first.id)
    assert dsr.dsr_file(actor=officer, customer_id=customer.id, kind="access").id != first.id


def test_an_unknown_customer_and_an_unseen_one_are_the_same_not_found(
        make_customer, make_user, as_actor):
    agent = as_actor(make_user("agent"))
    errors = []
    for customer_id in (make_customer().id, uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(NotFound) as refused:
            dsr.dsr_file(actor=agent, customer_id=customer_id, kind="access")
        errors.append(refused.value.as_dict())
    assert errors[0] == errors[1] == errors[2]
    with pytest.raises(PermissionDenied):
        dsr.dsr_file(actor=as_actor(make_user("auditor")), customer_id=uuid.uuid4(),
                     kind="access")


def test_extension_moves_the_deadline_once_and_no_further(make_customer, officer, freeze,
                                                          make_user, as_actor):
    freeze(at(2025, 1, 31))
    row = dsr.dsr_file(actor=officer, customer_id=make_customer(country="IE").id,
                       kind="access")
    with pytest.raises(PermissionDenied):
        dsr.dsr_extend(actor=as_actor(make_user("agent")), request_id=row.id,
                       reason="Complex")
    extended = dsr.dsr_extend(actor=officer, request_id=row.id,
                              reason="Thousands of messages to review")
    assert extended.extended and extended.due_at == end_of(2025, 4, 30)
    with pytest.raises(Conflict, match="allows 1 extension"):
        dsr.dsr_extend(actor=officer, request_id=row.id, reason="Still more")
    event = AuditEvent.objects.get(action="privacy_request.extend")
    assert b"Thousands" not in bytes(event.body)
    stored = DataRequest.objects.get(pk=row.id)
    assert stored.extension_reason == "Thousands of messages to review"


def test_a_rule_without_extension_refuses_one(make_customer, officer):
    row = dsr.dsr_file(actor=officer, customer_id=make_customer(country="CN").id,
                       kind="access")
    with pytest.raises(Conflict):
        dsr.dsr_extend(actor=officer, request_id=row.id, reason="Busy")


# Unconfirmed (the shipped levels): the clock pauses only while the identity is awaited.
@pytest.mark.verification_gates
def test_a_pause_for_identity_adds_to_the_due_date(make_customer, officer, freeze):
    freeze(at(2025, 3, 10))
    row = dsr.dsr_file(actor=officer, customer_id=make_customer(country="DE").id,
                       kind="access")
    assert row.due_at == end_of(2025, 4, 10)
    freeze(at(2025, 3, 12))
    assert dsr.dsr_pause(actor=officer, request_id=row.id).paused
    with pytest.raises(Conflict):
        dsr.dsr_pause(actor=officer, request_id=row.id)
    freeze(at(2025, 3, 19))
    (listed,) = requests.request_list(actor=officer)
    assert listed.paused and listed.due_at == end_of(2025, 4, 17)
    resumed = dsr.dsr_resume(actor=officer, request_id=row.id)
    assert not resumed.paused and resumed.due_at == end_of(2025, 4, 17)
    assert DataRequest.objects.get(pk=row.id).paused_total == dt.timedelta(days=7)


def test_a_breach_is_flagged_on_the_day_after_the_due_day(make_customer, officer, freeze):
    freeze(at(2025, 3, 10))
    row = dsr.dsr_file(actor=officer, customer_id=make_customer(country="US").id,
                       kind="erasure")
    assert row.due_at == end_of(2025, 4, 24)
    assert watch(now=at(2025, 4, 24, 23, 59)).breached == 0
    assert watch(now=at(2025, 4, 25, 0, 0)).breached == 1
    assert watch(now=at(2025, 4, 26)).breached == 0  # once
    stored = DataRequest.objects.get(pk=row.id)
    assert stored.breached_at == at(2025, 4, 25, 0, 0)
    alert = Alert.objects.get(kind=Alert.Kind.DSR_BREACH)
    assert alert.customer_id == stored.customer_id
    assert AuditEvent.objects.filter(action="privacy_request.breach").count() == 1
    freeze(at(2025, 4, 26))
    (listed,) = requests.request_list(actor=officer)
    assert listed.breached and listed.days_left == -2


# Unconfirmed (the shipped levels): the clock pauses only while the identity is awaited.
@pytest.mark.verification_gates
def test_closed_and_paused_requests_are_not_breached(make_customer, officer, freeze):
    freeze(at(2025, 3, 10))
    closed = dsr.dsr_file(actor=officer, customer_id=make_customer().id, kind="access")
    paused = dsr.dsr_file(actor=officer, customer_id=make_customer().id, kind="access")
    dsr.dsr_close(actor=officer, request_id=closed.id)
    dsr.dsr_pause(actor=officer, request_id=paused.id)
    assert watch(now=at(2025, 6, 1)).breached == 0
    with pytest.raises(Conflict):
        dsr.dsr_extend(actor=officer, request_id=closed.id, reason="Late")


def test_an_extension_after_the_deadline_is_refused(make_customer, officer, freeze):
    freeze(at(2025, 3, 10))
    row = dsr.dsr_file(actor=officer, customer_id=make_customer(country="FR").id,
                       kind="access")
    freeze(at(2025, 4, 11, 0, 0))
    with pytest.raises(Conflict, match="deadline has passed"):
        dsr.dsr_extend(actor=officer, request_id=row.id, reason="Too late")
    assert DataRequest.objects.get(pk=row.id).extensions == 0


def test_officers_are_reminded_once_before_the_deadline(make_customer, officer, freeze,
                                                        make_user, settings, mailoutbox):
    settings.DSR_REMINDER_DAYS, settings.NOTIFY_BY_EMAIL = 5, True
    make_user("privacy_officer", email="dpo@example.com")
    freeze(at(2025, 3, 10))
    row = dsr.dsr_file(actor=officer, customer_id=make_customer(country="GB").id,
                       kind="access")
    assert watch(now=at(2025, 4, 5, 23)).reminded == 0
    assert watch(now=at(2025, 4, 6, 1)).reminded == 1
    assert watch(now=at(2025, 4, 7)).reminded == 0
    run_pending()
    sent = [m for m in mailoutbox if "dpo@example.com" in m.to]
    assert len(sent) == 1 and f"request {row.id}" in sent[0].body
    assert AuditEvent.objects.filter(action="privacy_request.remind").count() == 1

