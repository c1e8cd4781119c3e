"""Notifications: assignment, the customer writing on a ticket one owns or follows, and
service-level targets near — only to people who can see the ticket, never to who caused
it, never with what the ticket says, in the console and by email through the job
engine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.core.errors import NotFound
from trustdesk.jobs.worker import run_pending
from trustdesk.tickets import notifications, services, sla_settings
from trustdesk.tickets.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(make_user, make_team, make_customer, make_ticket, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CONSOLE_URL = "https://desk.example.com"
    team, other = make_team("Orders"), make_team("Billing")
    lead = make_user("supervisor", teams=[team], name="Lena Lead")
    grace = make_user("agent", teams=[team], name="Grace Agent")
    outsider = make_user("agent", teams=[other], name="Olga Other")
    ada = make_customer(full_name="Ada Lovelace")
    ticket = make_ticket(ada, team=team, subject="Card charged twice",
                         body="My card was charged twice.")
    return {"lead": lead, "grace": grace, "outsider": outsider, "ticket": ticket,
            "l": actor_for_user(lead), "g": actor_for_user(grace), "team": team}


def test_assignment_notifies_the_assignee_by_console_and_email_without_content(desk):
    services.ticket_update(actor=desk["l"], ticket_id=desk["ticket"].pk,
                           assignee_id=desk["grace"].pk)
    shown = notifications.notification_list(actor=desk["g"])
    assert [(n.kind, n.text, n.link) for n in shown] == [
        ("assigned", f"Lena Lead assigned ticket #{desk['ticket'].pk} to you.", True)]
    assert notifications.unread_count(actor=desk["g"]) == 1
    assert run_pending() >= 1
    [sent] = mail.outbox
    assert sent.to == [desk["grace"].email]
    assert f"https://desk.example.com/tickets/{desk['ticket'].pk}/" in sent.body
    for secret in ("Card charged", "Ada", "Lovelace", "charged twice"):
        assert secret not in sent.subject + sent.body
    # Taking a ticket oneself tells nobody.
    services.ticket_update(actor=desk["l"], ticket_id=desk["ticket"].pk,
                           assignee_id=desk["lead"].pk)
    assert not Notification.objects.filter(user=desk["lead"]).exists()


def test_the_customer_writing_notifies_the_owner_and_followers_who_can_see_it(desk, system):
    t = desk["ticket"].pk
    services.ticket_update(actor=desk["l"], ticket_id=t, assignee_id=desk["grace"].pk)
    assert notifications.ticket_follow(actor=desk["l"], ticket_id=t)
    with pytest.raises(NotFound):
        notifications.ticket_follow(actor=actor_for_user(desk["outsider"]), ticket_id=t)
    assert AuditEvent.objects.filter(action="ticket.follow").count() == 1
    services.ticket_add_inbound(actor=system, ticket_id=t, body="Any news?")
    kinds = set(Notification.objects.filter(kind="customer_reply")
                .values_list("user__full_name", flat=True))
    assert kinds == {"Grace Agent", "Lena Lead"}
    # Moved out of Grace's reach, she is not told any more — and her list says so.
    services.ticket_update(actor=desk["l"], ticket_id=t, assignee_id=None)
    from trustdesk.accounts import services as accounts

    other = accounts.team_create(actor=system, name="Elsewhere")
    services.ticket_update(actor=desk["l"], ticket_id=t, team_id=other.pk)
    services.ticket_add_inbound(actor=system, ticket_id=t, body="Hello?")
    assert Notification.objects.filter(user=desk["grace"], kind="customer_reply").count() == 1
    assert [n.link for n in notifications.notification_list(actor=desk["g"])] == [False,
                                                                                  False]


def test_sla_risk_is_told_once_per_target(desk, monkeypatch, make_user):
    sla_settings.policy_save(actor=actor_for_user(make_user("admin")), name="Fast",
                             first_response_minutes=20, business_hours=False)
    t = services.ticket_create(actor=desk["l"], customer_id=desk["ticket"].customer_id,
                               subject="Soon due", body="Please help.",
                               team_id=desk["team"].pk, assignee_id=desk["grace"].pk,
                               reason="Caller on the line")
    assert t.next_due_at is not None
    assert notifications.sla_at_risk() == 1
    assert notifications.sla_at_risk() == 0  # the same target: once
    later = clock.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert notifications.sla_at_risk() == 0
    assert Notification.objects.filter(kind="sla_risk", user=desk["grace"]).count() == 1


def test_reading_and_marking(desk, console_client, api_client):
    services.ticket_update(actor=desk["l"], ticket_id=desk["ticket"].pk,
                           assignee_id=desk["grace"].pk)
    client = console_client(desk["grace"])
    page = client.get("/tickets/").content.decode()
    assert "data-unread" in page
    listing = client.get("/notifications/").content.decode()
    assert f"assigned ticket #{desk['ticket'].pk} to you" in listing
    client.post("/notifications/read/")
    assert notifications.unread_count(actor=desk["g"]) == 0
    api = api_client(desk["grace"])
    assert api.get("/api/v1/notifications", {"unread": True}).json() == []
    assert api.get("/api/v1/notifications").json()[0]["read"] is True
    follow = api.post(f"/api/v1/tickets/{desk['ticket'].pk}/follow", {"follow": True},
                      content_type="application/json")
    assert follow.json() == {"following": True}
    page = client.get(f"/tickets/{desk['ticket'].pk}/").content.decode()
    assert ">Unfollow</button>" in page
    # Someone else's notifications are not theirs to mark.
    services.ticket_update(actor=desk["g"], ticket_id=desk["ticket"].pk, assignee_id=None)
    services.ticket_update(actor=desk["l"], ticket_id=desk["ticket"].pk,
                           assignee_id=desk["grace"].pk)
    mine = Notification.objects.filter(user=desk["grace"], read_at__isnull=True).get()
    assert api_client(desk["lead"]).post("/api/v1/notifications/read", {"ids": [mine.pk]},
                                         content_type="application/json").json() == {
        "marked": 0}
    assert api_client(desk["grace"]).post("/api/v1/notifications/read",
                                          {"ids": [2**80, mine.pk]},
                                          content_type="application/json").json() == {
        "marked": 1}
