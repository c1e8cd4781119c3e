"""The grc app's jobs: the hourly watch of incidents' notification clocks and the
reminder email of one clock to one officer (docs/incidents.md)."""

from __future__ import annotations

import datetime as dt

from trustdesk.jobs.registry import job, schedule


@job(attempts=3, backoff=300)
def incident_watch() -> int:
    """Flag notices past their deadline, remind officers of those near it
    (``watch.watch``); repeatable: each clock is flagged and reminded once."""
    from trustdesk.grc.watch import watch

    done = watch()
    return done.breached + done.reminded


@job(attempts=5, backoff=60)
def incident_reminder_email(clock_id: int, user_id: int) -> bool:
    """Tell one officer a notice falls due soon: the incident's number, the clock and the
    deadline, never what the incident is about (mail leaves TrustDesk's protection)."""
    from django.conf import settings
    from django.core.mail import send_mail

    from trustdesk.accounts.models import User
    from trustdesk.grc.models import NoticeClock

    c = NoticeClock.objects.filter(pk=clock_id, sent_at__isnull=True,
                                   breached_at__isnull=True).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if c is None or user is None or not user.email:
        return False  # sent, breached (the alert says so) or the officer left
    link = (f"{settings.CONSOLE_URL}/incidents/{c.incident_id}/" if settings.CONSOLE_URL
            else "the incidents page in TrustDesk")
    send_mail(subject=f"[TrustDesk] Incident {c.incident_id}: {c.kind} notice due "
                      f"{c.due_at:%Y-%m-%d %H:%M} UTC",
              message=f"The {c.kind} notice of incident {c.incident_id} must be sent before "
                      f"{c.due_at:%Y-%m-%d %H:%M} UTC, and recorded as sent.\n\nSee {link}\n",
              from_email=None, recipient_list=[user.email])
    return True


schedule("incidents.watch", incident_watch, every=dt.timedelta(hours=1),
         offset=dt.timedelta(minutes=11))
