"""Background jobs: what is queued, running (with progress) and failed, and retrying
a failed job; starting a key rotation as a job."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.console.views.base import actor, console_view
from trustdesk.jobs import selectors as jobs
from trustdesk.jobs import services as job_services

SECTIONS = (("RUNNING", "Running"), ("READY", "Queued"), ("FAILED", "Failed"),
            ("SUCCESSFUL", "Done recently"))


@require_GET
@console_view
def job_list(request):
    who = actor(request)
    context = {"counts": jobs.job_counts(actor=who), "workers": jobs.workers(actor=who),
               "sections": [(label, jobs.job_list(actor=who, status=status, limit=50))
                            for status, label in SECTIONS]}
    if request.headers.get("HX-Request"):
        return render(request, "console/_job_sections.html", context)
    return render(request, "console/jobs.html", context)


@require_GET
@console_view
def job_detail(request, job_id):
    return render(request, "console/job_detail.html",
                  {"job": jobs.job_get(actor=actor(request), job_id=job_id)})


@require_POST
@console_view
def job_retry(request, job_id):
    job_services.job_retry(actor=actor(request), job_id=job_id)
    messages.success(request, "The job is queued again.")
    return redirect("console:jobs")


@require_POST
@console_view
def keys_rotate(request):
    kind = request.POST.get("kind", "")
    result = job_services.keys_rotate_start(actor=actor(request), kind=kind)
    messages.success(request, "The rotation is running as a background job.")
    return redirect("console:job", job_id=result.id)
