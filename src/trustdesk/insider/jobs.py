"""The insider app's jobs: the hourly scan of the audit trail, and the email telling one
security officer of a new alert (docs/insider.md, "Alerts")."""

from __future__ import annotations

import datetime as dt

from trustdesk.jobs.registry import job, schedule


@job(attempts=3, backoff=300)
def insider_scan() -> int:
    """Judge the audit trail's window if it moved on (``scan.scan``); repeatable: an
    alert seen again is updated, not added. Returns the alerts created."""
    from trustdesk.insider.scan import scan

    return scan().created


@job(attempts=5, backoff=60)
def insider_alert_email(alert_id: int, user_id: int) -> bool:
    """Tell one officer of a new alert: its number, the detector and the person, never a
    customer (mail leaves TrustDesk's protection) nor the evidence."""
    from django.conf import settings
    from django.core.mail import send_mail

    from trustdesk.access import policy
    from trustdesk.accounts.actors import actor_for_user
    from trustdesk.accounts.models import User
    from trustdesk.insider.models import InsiderAlert

    a = InsiderAlert.objects.filter(pk=alert_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if a is None or user is None or not user.email or user.pk == a.actor_user_id:
        return False
    if not policy.has_permission(actor_for_user(user), "insider.manage"):
        return False  # their role changed since: only those who work the alerts are told
    link = (f"{settings.CONSOLE_URL}/security/insider/{a.pk}/" if settings.CONSOLE_URL
            else "the insider alerts page in TrustDesk")
    send_mail(subject=f"[TrustDesk] Insider alert {a.pk}: {a.detector} on {a.actor_label}",
              message=f"The {a.detector} detector raised alert {a.pk} about "
                      f"{a.actor_label} (score {a.score}).\n\nPlease look at it before "
                      f"anyone speaks to them or their manager: a conversation comes "
                      f"first, and it is yours to arrange.\n\nSee {link}\n",
              from_email=None, recipient_list=[user.email])
    return True


schedule("insider.scan", insider_scan, every=dt.timedelta(hours=1),
         offset=dt.timedelta(minutes=23))
