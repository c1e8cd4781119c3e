"""Each detector fires on the misbehaviour it is for, and stays quiet on ordinary work.
Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from insider_trail import Trail, day, run
from trustdesk.insider.detect import KNOWN

SNOOP = "agent3@example.org"


@pytest.fixture(scope="module")
def normal_lines():
    return Trail().normal().lines()


def _alerts_on(alerts, who=SNOOP, detector=None):
    return [a for a in alerts if a["actor"] == who and (detector is None
                                                       or a["detector"] == detector)]


def test_ordinary_work_raises_no_alert():
    assert run(Trail().normal()) == []


def test_every_detector_has_a_name_an_explanation_and_documented_parameters():
    for name, cls in KNOWN.items():
        assert cls.name == name and len(cls.explanation) > 40
        assert all(p.help for p in cls.params.values())


def test_alerts_have_the_documented_shape():
    t = Trail().normal()
    for k in range(120):
        t.add(day(15, 10) + dt.timedelta(seconds=10 * k), SNOOP, "customer.view", "customer",
              t.customer())
    alerts = run(t)
    assert alerts
    for a in alerts:
        assert set(a) == {"detector", "actor", "score", "first_at", "last_at", "evidence"}
        assert 0 <= a["score"] <= 100 and a["first_at"] <= a["last_at"]
        assert all(set(e) == {"event", "what"} and e["what"] for e in a["evidence"])


def test_volume_fires_on_an_hour_far_above_own_and_peers_usual():
    t = Trail().normal()
    for k in range(150):  # customers with tickets: only the volume is odd
        t.ticket_work(day(16, 10) + dt.timedelta(seconds=20 * k), SNOOP)
    alerts = _alerts_on(run(t, only="volume"))
    assert len(alerts) == 1 and alerts[0]["score"] >= 50
    assert "reads between 10:00 and 11:00" in alerts[0]["evidence"][0]["what"]


def test_volume_waits_for_history_and_a_whole_team_busy_is_no_anomaly():
    t = Trail().normal()
    for i in range(8):  # an incident: everyone answers twice as many tickets
        for k in range(12):
            t.ticket_work(day(16, 10) + dt.timedelta(minutes=5 * k), f"agent{i}@example.org")
    assert run(t, only="volume") == []


def test_off_hours_fires_on_night_reading_and_not_on_ticket_driven_on_call():
    t = Trail().normal()
    for night in (8, 10, 15):
        for k in range(12):
            t.add(day(night, 2) + dt.timedelta(minutes=4 * k), SNOOP, "customer.view",
                  "customer", t.customer())
    oncall = "agent5@example.org"
    for night in (9, 16):  # on call: a few tickets answered
        for k in range(6):
            t.ticket_work(day(night, 3) + dt.timedelta(minutes=10 * k), oncall)
    alerts = run(t, only="off_hours")
    assert {a["actor"] for a in alerts} == {SNOOP}
    assert "outside their usual hours" in alerts[0]["evidence"][0]["what"]


def test_no_ticket_fires_on_slow_snooping_and_counts_break_glass():
    t = Trail().normal()
    for d in range(7, 14):
        for k in range(3):
            t.add(day(d, 10 + 2 * k), SNOOP, "customer.view", "customer", t.customer())
    alerts = _alerts_on(run(t, only="no_ticket"))
    assert alerts and any("no ticket of theirs" in e["what"] for e in alerts[0]["evidence"])
    glass = Trail().normal()
    for k in range(3):
        glass.add(day(9, 11 + k), SNOOP, "customer.reveal", "customer", glass.customer(),
                  fields=["phone"], ctx={"break_glass": True})
    alerts = _alerts_on(run(glass, only="no_ticket"))
    assert alerts and any("breaking the glass" in e["what"] for e in alerts[0]["evidence"])


def test_no_ticket_accepts_a_caller_looked_up_then_given_a_ticket():
    t = Trail().normal()
    for d in range(7, 14):
        for k in range(3):
            c, at = t.customer(), day(d, 10 + 2 * k)
            t.add(at, SNOOP, "customer.list", "customer", ctx={
                "ids": [c], "match": ["email"], "searched": {"email": f"h{d}{k}"}})
            t.add(at + dt.timedelta(seconds=20), SNOOP, "customer.view", "customer", c)
            t.add(at + dt.timedelta(minutes=3), SNOOP, "ticket.create", "ticket", 9000 + d * 9 + k,
                  ctx={"customer": c})
    assert run(t, only="no_ticket") == []


def test_enumeration_fires_on_a_walk_through_customers():
    t = Trail().normal()
    for k in range(60):
        t.add(day(15, 14) + dt.timedelta(seconds=15 * k), SNOOP, "customer.view", "customer",
              t.customer())
    alerts = _alerts_on(run(t, only="enumeration"))
    assert len(alerts) == 1 and "different customers within 30 minutes" in \
        alerts[0]["evidence"][0]["what"]


def test_enumeration_fires_on_consecutive_numbers_and_on_search_guessing():
    t = Trail().normal()
    for k in range(10):
        t.add(day(15, 14) + dt.timedelta(seconds=30 * k), SNOOP, "customer.view", "customer",
              5000 + k)
    for k in range(20):
        t.add(day(16, 11) + dt.timedelta(seconds=30 * k), "agent4@example.org",
              "customer.list", "customer", ctx={"ids": [], "match": ["email"],
                                                "searched": {"email": f"guess{k}"}})
    alerts = run(t, only="enumeration")
    assert any("consecutive numbers" in a["evidence"][0]["what"]
               for a in _alerts_on(alerts))
    assert any("20 different values searched" in a["evidence"][0]["what"]
               for a in _alerts_on(alerts, "agent4@example.org"))


def test_bulk_export_fires_on_a_day_of_exports_and_downloads():
    t = Trail().normal()
    for k in range(12):
        t.add(day(17, 10) + dt.timedelta(minutes=k), SNOOP, "report.export", "report")
    for k in range(60):
        t.add(day(17, 11) + dt.timedelta(seconds=20 * k), SNOOP, "attachment.download",
              "attachment", 700 + k, ctx={"customer": t.customer(), "ticket": 1})
    alerts = run(t, only="bulk_export")
    assert [a["actor"] for a in alerts] == [SNOOP]
    assert "12 exports" in alerts[0]["evidence"][0]["what"]
    assert "60 downloads" in alerts[0]["evidence"][0]["what"]


def test_dormant_fires_when_a_silent_account_wakes_up_and_not_after_a_holiday():
    # agent2 has two weeks off; agent5 a long leave, back to their tickets.
    away = {SNOOP: set(range(3, 27)), "agent2@example.org": set(range(4, 15)),
            "agent5@example.org": set(range(2, 27))}
    t = Trail().normal(days=35, skip=away)
    for k in range(40):
        t.add(day(29, 22) + dt.timedelta(minutes=k), SNOOP, "customer.view", "customer",
              t.customer(), ip="198.51.100.7")
    alerts = run(t, only="dormant")
    assert [a["actor"] for a in alerts] == [SNOOP]
    assert "from a new address" in alerts[0]["evidence"][0]["what"]


def _disable(t: Trail, at, user_id: int, **ctx):
    t.add(at, "admin@example.org", "agent.update", "agent", user_id, user_id=2,
          fields=list(ctx.get("fields", ["is_active"])),
          ctx={"role": ctx.get("role", "agent"), "is_active": ctx.get("is_active", False)})


def test_departure_fires_on_a_surge_before_the_account_is_disabled():
    quiet = "agent6@example.org"  # leaves without taking anything
    t = Trail().normal(days=40, skip={SNOOP: set(range(33, 40)), quiet: set(range(31, 40))})
    for d in range(28, 33):
        if (day(d)).weekday() < 5:
            for k in range(150):
                t.add(day(d, 9) + dt.timedelta(minutes=3 * k), SNOOP, "customer.view",
                      "customer", t.customer())
    _disable(t, day(32, 18), 13)
    _disable(t, day(30, 18), 16)
    alerts = [a for a in run(t, only="departure")]
    assert [a["actor"] for a in alerts] == [SNOOP]
    assert "the account was disabled" in alerts[0]["evidence"][0]["what"]
    assert not _alerts_on(alerts, quiet)


def test_departure_fires_on_any_access_after_the_account_is_disabled():
    t = Trail().normal(days=21)
    _disable(t, day(10, 18), 13)
    t.add(day(11, 3), SNOOP, "customer.view", "customer", t.customer())
    alerts = run(t, only="departure")
    assert alerts and alerts[0]["score"] >= 90
    assert any("after the account was disabled" in e["what"] for e in alerts[0]["evidence"])


def test_departure_fires_on_a_role_reduced_after_a_surge():
    t = Trail().normal(days=40)
    for d in (29, 30, 31):
        for k in range(150):
            t.add(day(d, 9) + dt.timedelta(minutes=3 * k), SNOOP, "customer.view",
                  "customer", t.customer())
    t.add(day(1), "admin@example.org", "agent.create", "agent", 13, user_id=2,
          ctx={"role": "supervisor"})
    _disable(t, day(31, 18), 13, fields=["role"], role="agent", is_active=True)
    alerts = run(t, only="departure")
    assert alerts and "the role went from supervisor to agent" in alerts[0]["evidence"][0]["what"]


def test_sign_in_fires_on_a_new_device_and_network_and_on_impossible_travel(tmp_path):
    t = Trail().normal()
    t.add(day(15, 8), SNOOP, "auth.login", "agent", 13, ip="203.0.113.9",
          ua="curl/8.4.0")
    browser_update = "agent4@example.org"
    t.add(day(15, 8), browser_update, "auth.login", "agent", 14, ua="Mozilla/5.0 (X11; "
          "Linux x86_64) Firefox/121.0", ip="10.0.7.1")
    alerts = run(t, only="sign_in")
    assert [a["actor"] for a in alerts] == [SNOOP]
    geo = tmp_path / "networks.csv"
    geo.write_text("# office\n10.0.0.0/16,48.85,2.35,Paris\n203.0.113.0/24,35.68,139.69,Tokyo\n")
    travel = Trail().normal()
    travel.add(day(14, 10), SNOOP, "customer.list", "customer", ip="203.0.113.9",
               ctx={"ids": []})
    alerts = run(travel, only="sign_in", extra=f"geo: {geo}\n")
    assert [a["actor"] for a in alerts] == [SNOOP]
    assert "Paris to Tokyo" in alerts[0]["evidence"][0]["what"]


def test_guard_overrides_fires_on_repeated_blocks_and_overrides():
    t = Trail().normal()
    for k in range(7):
        t.add(day(15, 10) + dt.timedelta(minutes=5 * k), SNOOP, "ticket.reply_blocked",
              "ticket", 50 + k, outcome="denied", ctx={"customer": t.customer()})
    for k in range(4):
        t.add(day(16, 10) + dt.timedelta(minutes=5 * k), "agent5@example.org",
              "customer.verification_override", "customer", t.customer())
    alerts = run(t, only="guard_overrides")
    assert sorted(a["actor"] for a in alerts) == ["agent3@example.org", "agent5@example.org"]


def test_alerts_are_grouped_per_person_per_detector_per_window():
    t = Trail().normal()
    for night in (8, 9, 10):
        for k in range(12):
            t.add(day(night, 2) + dt.timedelta(minutes=4 * k), SNOOP, "customer.view",
                  "customer", t.customer())
    alerts = run(t, only="off_hours")
    assert len(alerts) == 1  # three nights in a row: one alert
    refs = [e["event"] for e in alerts[0]["evidence"] if e["event"]]
    assert len(refs) == len(set(refs))


def test_a_detector_can_be_switched_off_and_tuned(normal_lines):
    t = Trail().normal()
    for k in range(60):
        t.add(day(15, 14) + dt.timedelta(seconds=15 * k), SNOOP, "customer.view", "customer",
              t.customer())
    assert not [a for a in run(t, extra="detectors:\n  enumeration: {enabled: false}\n")
                if a["detector"] == "enumeration"]
    assert not run(t, only="enumeration", extra="detectors:\n  enumeration: "
                                                "{min_customers: 100}\n")


def test_no_ticket_accepts_a_colleagues_customer_taken_over():
    t = Trail().normal()
    mate = "agent1@example.org"
    for d in range(7, 14):
        for k in range(3):
            c = t.ticket_work(day(d, 9 + k), mate)
            t.add(day(d, 15 + k / 2), SNOOP, "customer.view", "customer", c)
    assert run(t, only="no_ticket") == []
    assert _alerts_on(run(t, only="no_ticket", extra="detectors:\n  no_ticket: "
                                                     "{team_handover: false}\n"))


def test_work_after_a_role_reduction_is_no_departure():
    t = Trail().normal(days=21)
    t.add(day(1), "admin@example.org", "agent.create", "agent", 13, user_id=2,
          ctx={"role": "senior_agent"})
    _disable(t, day(10, 18), 13, fields=["role"], role="agent", is_active=True)
    assert run(t, only="departure") == []


def test_a_detector_without_its_run_cannot_be_made():
    from trustdesk.insider.detect.base import Detector

    class Forgetful(Detector):
        name, explanation = "forgetful", "never looks"

    with pytest.raises(TypeError, match="abstract"):
        Forgetful()
