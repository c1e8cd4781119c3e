"""The person an insider alert is about never works it: an officer cannot acknowledge,
dismiss (and so suppress) or open an incident from an alert about themself."""

from __future__ import annotations

import datetime as dt

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.core import clock
from trustdesk.core.errors import PermissionDenied
from trustdesk.insider import services
from trustdesk.insider.models import InsiderAlert

pytestmark = pytest.mark.django_db


def _alert_about(user) -> InsiderAlert:
    now = clock.now()
    return InsiderAlert.objects.create(
        dedup_key=f"no_ticket:{user.email}", detector="no_ticket", actor_label=user.email,
        actor_user_id=user.pk, score=80,
        first_at=now - dt.timedelta(hours=1), last_at=now, summary="reads without tickets",
        evidence=[], status=InsiderAlert.Status.OPEN, created_at=now, updated_at=now)


@pytest.mark.parametrize("work", [
    lambda who, pk: services.alert_acknowledge(actor=who, alert_id=pk),
    lambda who, pk: services.alert_dismiss(actor=who, alert_id=pk, reason="Nothing to see"),
    lambda who, pk: services.alert_incident(actor=who, alert_id=pk,
                                            kind="account_compromise"),
])
def test_an_officer_cannot_handle_an_alert_about_themself(make_user, work):
    me = make_user("security_officer")
    a = _alert_about(me)
    with pytest.raises(PermissionDenied):
        work(actor_for_user(me), a.pk)
    a.refresh_from_db()
    assert a.status == "open" and a.handled_by == "" and a.dismiss_reason == ""
    # Another officer may.
    other = actor_for_user(make_user("security_officer"))
    services.alert_dismiss(actor=other, alert_id=a.pk, reason="Covering a colleague")
    a.refresh_from_db()
    assert a.status == "dismissed"
