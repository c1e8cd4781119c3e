"""The shipped schedules' jobs do what they say: the key-rotation reminder alerts once,
session clean-up removes what expired, pruning forgets old jobs but not recent ones."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import sample_jobs
from trustdesk.access.models import Alert
from trustdesk.accounts.jobs import session_cleanup
from trustdesk.audit.models import AuditEvent
from trustdesk.jobs import builtin, registry
from trustdesk.jobs.worker import run_pending

pytestmark = pytest.mark.django_db


def test_the_rotation_reminder_alerts_once_when_keys_are_due(settings, make_customer):
    make_customer()  # a data key exists
    assert builtin.key_rotation_reminder.call() == []  # nothing due with the defaults
    settings.VAULT_KEK_CRYPTOPERIOD_DAYS = 0
    settings.VAULT_DATA_KEY_CRYPTOPERIOD_DAYS = 0
    assert sorted(builtin.key_rotation_reminder.call()) == ["data", "kek"]
    assert Alert.objects.filter(kind="key_rotation_due").count() == 2
    assert AuditEvent.objects.filter(action="keys.rotation_due").count() == 2
    # Daily runs do not repeat the alert within the week.
    assert builtin.key_rotation_reminder.call() == []
    assert Alert.objects.filter(kind="key_rotation_due").count() == 2


def test_session_cleanup_removes_expired_sessions_and_their_records(make_user, client):
    user = make_user("agent")
    client.force_login(user)
    live_key = client.session.session_key
    Session.objects.create(session_key="x" * 32, session_data="",
                           expire_date=timezone.now() - dt.timedelta(minutes=1))
    UserSession.objects.create(user=user, ip="127.0.0.1", session_key="y" * 32,
                               user_agent="gone")
    UserSession.objects.create(user=user, ip="127.0.0.1", session_key=live_key,
                               user_agent="here")
    assert session_cleanup.call() == 1
    assert not Session.objects.filter(session_key="x" * 32).exists()
    assert Session.objects.filter(session_key=live_key).exists()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live_key]


def test_pruning_forgets_old_finished_jobs_only(settings):
    old = registry.enqueue(sample_jobs.note, "old")
    recent = registry.enqueue(sample_jobs.note, "recent")
    dead = registry.enqueue(sample_jobs.note, "dead")
    run_pending()
    long_ago = timezone.now() - dt.timedelta(days=settings.JOBS_KEEP_DAYS + 1)
    DBTaskResult.objects.filter(pk__in=[old.id, dead.id]).update(finished_at=long_ago)
    DBTaskResult.objects.filter(pk=dead.id).update(status="FAILED")
    assert builtin.prune_jobs.call() == 1
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    # The dead-letter list is kept longer than finished jobs.
    assert {str(p) for p in left} == {str(recent.id), str(dead.id)}
