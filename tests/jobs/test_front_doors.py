"""The jobs page, the jobs API and ``trustdesk jobs``: who sees what, retrying from the
dead-letter list, and a key rotation started as a job with its progress."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

import sample_jobs
from trustdesk.audit.models import AuditEvent
from trustdesk.jobs import registry
from trustdesk.jobs.models import JobProgress
from trustdesk.jobs.worker import run_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_job():
    job = registry.enqueue(sample_jobs.broken, "dead")
    for _ in range(3):
        DBTaskResult.objects.filter(pk=job.id).update(run_after=DBTaskResult.objects.get(
            pk=job.id).enqueued_at)
        run_pending()
    row = DBTaskResult.objects.get(pk=job.id)
    assert row.status == "FAILED"
    return row


def test_an_admin_sees_the_failed_job_and_retries_it(make_user, console_client, dead_job):
    admin = make_user("admin")
    client = console_client(admin)
    page = client.get("/jobs/").content.decode()
    assert "sample_jobs.broken" in page and "builtins.RuntimeError" in page
    assert f"/jobs/{dead_job.pk}/retry/" in page
    assert "536-22-8726" not in page
    detail = client.get(f"/jobs/{dead_job.pk}/").content.decode()
    assert "in broken" in detail and "message withheld" in detail
    response = client.post(f"/jobs/{dead_job.pk}/retry/")
    assert response.status_code == 302
    dead_job.refresh_from_db()
    assert dead_job.status == "READY" and dead_job.worker_ids == []
    event = AuditEvent.objects.get(action="job.retry")
    assert event.actor_user_id == admin.pk and event.context["attempts"] == 2


def test_a_security_officer_sees_jobs_but_cannot_retry(make_user, console_client, dead_job):
    client = console_client(make_user("security_officer"))
    page = client.get("/jobs/").content.decode()
    assert "sample_jobs.broken" in page and "/retry/" not in page
    assert client.post(f"/jobs/{dead_job.pk}/retry/").status_code == 403
    assert DBTaskResult.objects.get(pk=dead_job.pk).status == "FAILED"
    assert any(e.context.get("permission") == "jobs.manage"
               for e in AuditEvent.objects.filter(action="access.denied"))


def test_an_agent_sees_no_jobs(make_user, console_client, api_client, dead_job):
    agent = make_user("agent")
    assert console_client(agent).get("/jobs/").status_code == 403
    assert api_client(agent).get("/api/v1/jobs").status_code == 403
    assert "Background jobs" not in console_client(agent).get("/").content.decode()


def test_the_api_lists_and_retries(make_user, api_client, dead_job):
    client = api_client(make_user("admin"))
    listed = client.get("/api/v1/jobs?status=failed").json()
    assert [j["id"] for j in listed] == [str(dead_job.pk)]
    assert listed[0]["error"] == "builtins.RuntimeError" and listed[0]["attempts"] == 2
    assert client.get("/api/v1/jobs?status=bogus").status_code == 400
    assert client.get(f"/api/v1/jobs/{dead_job.pk}").json()["status"] == "failed"
    assert client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000").status_code == 404
    retried = client.post(f"/api/v1/jobs/{dead_job.pk}/retry")
    assert retried.status_code == 200 and retried.json()["status"] == "queued"
    again = client.post(f"/api/v1/jobs/{dead_job.pk}/retry")
    assert again.status_code == 409


def test_a_key_rotation_runs_as_a_job_with_progress(make_user, console_client, api_client,
                                                    make_customer):
    for _ in range(3):
        make_customer()
    admin = make_user("admin")
    # A bearer token is never re-authenticated: rotation is for a confirmed person.
    assert api_client(admin).post("/api/v1/keys/rotate", {"kind": "kek"},
                                  content_type="application/json").status_code == 403
    client = console_client(admin)
    response = client.post("/security/keys/rotate/", {"kind": "kek"})
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    job = DBTaskResult.objects.get(task_path="trustdesk.jobs.builtin.rotate_keys")
    assert job.args_kwargs["args"] == ["kek"]
    # One at a time.
    client.post("/security/keys/rotate/", {"kind": "data"})
    assert DBTaskResult.objects.filter(task_path=job.task_path).count() == 1
    run_pending()
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.return_value["rewrapped"] >= 3
    progress = JobProgress.objects.get(pk=job.pk)
    assert progress.total >= 3 and progress.done == progress.total
    assert AuditEvent.objects.filter(action="keys.rotate_start",
                                     actor_user_id=admin.pk).count() == 1
    assert AuditEvent.objects.filter(action="keys.rotate_kek").exists()
    assert "100%" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_an_unconfirmed_session_is_asked_to_confirm_before_rotating(make_user,
                                                                   console_client):
    client = console_client(make_user("admin"), confirmed=False)
    response = client.post("/security/keys/rotate/", {"kind": "kek"})
    assert response.status_code == 302 and "reauthenticate" in response.url
    assert not DBTaskResult.objects.exists()


def test_the_command_line_lists_shows_and_retries(dead_job):
    out = StringIO()
    call_command("jobs", "list", "--status", "failed", "--json", stdout=out)
    listed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [j["id"] for j in listed] == [str(dead_job.pk)]
    out = StringIO()
    call_command("jobs", "show", str(dead_job.pk), stdout=out)
    assert "in broken" in out.getvalue()
    call_command("jobs", "retry", str(dead_job.pk), stdout=StringIO())
    assert DBTaskResult.objects.get(pk=dead_job.pk).status == "READY"
    from django.core.management.base import CommandError
    with pytest.raises(CommandError):
        call_command("jobs", "retry", "not-a-job", stdout=StringIO())


def test_the_jobs_page_does_not_poll(make_user, console_client):
    """A polling page would keep an unattended session alive past its idle timeout."""
    page = console_client(make_user("admin")).get("/jobs/").content.decode()
    assert "hx-trigger" not in page and "Refresh" in page
    fragment = console_client(make_user("admin")).get("/jobs/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
