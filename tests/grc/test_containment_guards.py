"""Acting steps and owners refuse what would turn containment against the staff:
suspending the only admin, an owner who may not see incidents; ids beyond 64 bits (for
people or a bulletin's incident) are refused as unknown, never a server error."""

from __future__ import annotations

import pytest

from trustdesk.core.errors import PermissionDenied, ValidationError
from trustdesk.grc import actions, bulletins, services
from trustdesk.grc.models import Bulletin

from .conftest import T0

pytestmark = pytest.mark.django_db


def _lost_device(officer, owner):
    return services.incident_open(actor=officer, kind="lost_device", severity="medium",
                                  title="Laptop left on a train", owner_id=owner.pk,
                                  aware_at=T0)


def _suspend_step(incident):
    return incident.steps.get(action="suspend")


@pytest.mark.parametrize("bad", [2**63, 2**64 + 1, -1, 0])
def test_ids_out_of_range_are_refused_not_a_server_error(officer, officer_user, make_user,
                                                         bad):
    agent = make_user("agent")
    incident = _lost_device(officer, officer_user)
    with pytest.raises(ValidationError) as caught:
        actions.step_act(actor=officer, incident_id=incident.pk,
                         step_id=_suspend_step(incident).pk, user_ids=[agent.pk, bad])
    assert caught.value.field == "user_ids"
    agent.refresh_from_db()
    assert agent.is_active


def test_the_only_active_admin_is_not_suspended(officer, officer_user, make_user):
    from trustdesk.accounts.models import User

    User.objects.filter(role="admin").update(is_active=False)
    admin = make_user("admin")
    incident = _lost_device(officer, officer_user)
    with pytest.raises(PermissionDenied):
        actions.step_act(actor=officer, incident_id=incident.pk,
                         step_id=_suspend_step(incident).pk, user_ids=[admin.pk])
    admin.refresh_from_db()
    assert admin.is_active
    # With a second admin left to lift it, the suspension goes through.
    make_user("admin")
    step = actions.step_act(actor=officer, incident_id=incident.pk,
                            step_id=_suspend_step(incident).pk, user_ids=[admin.pk])
    assert step.result["totals"]["suspended"] == 1


def test_an_owner_who_may_not_see_incidents_is_refused_on_update(officer, officer_user,
                                                                  make_user):
    agent = make_user("agent")
    incident = _lost_device(officer, officer_user)
    with pytest.raises(ValidationError) as caught:
        services.incident_update(actor=officer, incident_id=incident.pk, owner_id=agent.pk)
    assert caught.value.field == "owner_id"
    incident.refresh_from_db()
    assert incident.owner_id == officer_user.pk


def test_a_bulletin_naming_an_impossible_incident_id_is_refused(officer):
    with pytest.raises(ValidationError) as caught:
        bulletins.bulletin_publish(actor=officer, title="Phishing wave", body="Be careful",
                                   incident_id=2**64)
    assert caught.value.field == "incident_id"
    assert not Bulletin.objects.exists()
