"""The customers app's jobs: telling a replaced email or phone of the change, the
deadline watch of privacy requests (docs/dsr.md), and forgetting dead portal links."""

from __future__ import annotations

import datetime as dt

from trustdesk.jobs.registry import job, schedule


@job(attempts=5, backoff=60)
def contact_change_notice(notice_id: int) -> bool:
    """Send one contact-change notice (``notices.send_notice``); idempotent: a sent
    notice is deleted with the value it kept."""
    from trustdesk.customers.notices import send_notice

    return send_notice(notice_id)


@job(attempts=3, backoff=300)
def dsr_watch() -> int:
    """Flag privacy requests past their deadline, remind officers of those near it
    (``dsr_watch.watch``); repeatable: each request is flagged and reminded once."""
    from trustdesk.customers.dsr_watch import watch

    done = watch()
    return done.breached + done.reminded


@job(attempts=5, backoff=60)
def dsr_reminder_email(request_id: int, user_id: int) -> bool:
    """Tell one privacy officer a request falls due soon: its number, rule and due date,
    never what the customer asked (mail leaves TrustDesk's protection)."""
    from django.conf import settings
    from django.core.mail import send_mail

    from trustdesk.accounts.models import User
    from trustdesk.customers.models import DataRequest

    row = DataRequest.objects.filter(pk=request_id, status=DataRequest.Status.OPEN,
                                     breached_at__isnull=True).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if row is None or user is None or not user.email or row.due_at is None:
        return False  # answered, breached (the alert says so) or the officer left
    link = f"{settings.CONSOLE_URL}/privacy/requests/" if settings.CONSOLE_URL \
        else "the privacy requests page in TrustDesk"
    send_mail(subject=f"[TrustDesk] Privacy request {row.pk} is due {row.due_at:%Y-%m-%d}",
              message=f"Privacy request {row.pk} ({row.jurisdiction}) must be answered "
                      f"before {row.due_at:%Y-%m-%d %H:%M} UTC.\n\nSee {link}\n",
              from_email=None, recipient_list=[user.email])
    return True


@job(attempts=3, backoff=300)
def portal_prune() -> int:
    """Delete portal links nobody can use any more (``portal_prune.prune``)."""
    from trustdesk.customers.portal_prune import prune

    return prune()


schedule("privacy.dsr_watch", dsr_watch, every=dt.timedelta(hours=1),
         offset=dt.timedelta(minutes=23))
schedule("portal.prune", portal_prune, every=dt.timedelta(days=1),
         offset=dt.timedelta(hours=4, minutes=17))
