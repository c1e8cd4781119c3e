"""Dead portal links are forgotten (customers/portal_prune.py): expired sign-in links
and ended sessions are deleted, an unconfirmed contact's sealed words go with their key,
and nothing still usable is touched."""

from __future__ import annotations

import datetime as dt

import pytest

from trustdesk import vault
from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.customers.models import PortalLink
from trustdesk.customers.portal import contact_key
from trustdesk.customers.portal_prune import prune
from trustdesk.tickets.portal_contact import contact_request
from trustdesk.vault.errors import SubjectErased

pytestmark = pytest.mark.django_db


def test_only_links_nobody_can_use_are_deleted(make_customer, portal_client, monkeypatch,
                                               django_capture_on_commit_callbacks):
    customer = make_customer(email="zoe.adler@example.org")
    portal_client(customer)  # a used sign-in link holding a live session
    contact_request(email="stranger@example.net", subject="Hello",
                    body="Please call me on +44 20 7946 0958", ip="192.0.2.7")
    contact = PortalLink.objects.get(purpose="contact")
    session = PortalLink.objects.get(purpose="signin")
    assert prune() == 0  # everything still usable today
    assert PortalLink.objects.count() == 2

    later = clock.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert prune() == 0  # expired an hour ago: within the grace day

    days = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: days)
    # The session lasts longer than the link: its row stays while it may be used.
    PortalLink.objects.filter(pk=session.pk).update(
        session_expires_at=days + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert prune(batch=1) == 1
    assert list(PortalLink.objects.values_list("pk", flat=True)) == [session.pk]
    with pytest.raises(SubjectErased):  # the unconfirmed words are unreadable for good
        vault.open_text(contact_key(contact), "portal.body", bytes(contact.body_sealed))
    event = AuditEvent.objects.filter(action="portal.prune").latest("id")
    assert event.object_type == "portal_link"

    PortalLink.objects.filter(pk=session.pk).update(
        session_expires_at=days - dt.timedelta(days=1, hours=1))
    assert prune() == 1 and not PortalLink.objects.exists()
