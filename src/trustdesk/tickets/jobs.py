"""The tickets app's jobs: a notification by email, and the service-level watch."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail

from trustdesk.jobs.registry import job, schedule
from trustdesk.tickets.models import Notification


@job(attempts=5, backoff=60)
def notification_email(notification_id: int) -> bool:
    """Send one notification by email: the ticket's number and a link, never what the
    ticket says (mail leaves TrustDesk's protection). Idempotent enough: a notification
    read in the console meanwhile is not sent."""
    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None or note.read_at is not None or not note.user.email:
        return False
    what = {Notification.Kind.ASSIGNED: "was assigned to you",
            Notification.Kind.CUSTOMER_REPLY: "has a new message from the customer",
            Notification.Kind.SLA_RISK: "has a service-level target near or past"}[note.kind]
    link = f"{settings.CONSOLE_URL}/tickets/{note.ticket_id}/" if settings.CONSOLE_URL \
        else f"ticket #{note.ticket_id} in TrustDesk"
    send_mail(subject=f"[TrustDesk] Ticket #{note.ticket_id} {what}",
              message=f"Ticket #{note.ticket_id} {what}.\n\nOpen it: {link}\n\n"
                      "What the ticket says is shown only in TrustDesk.\n",
              from_email=None, recipient_list=[note.user.email])
    return True


@job(attempts=3, backoff=60)
def sla_watch() -> int:
    from trustdesk.tickets import notifications

    return notifications.sla_at_risk()


schedule("tickets.sla_watch", sla_watch, every=dt.timedelta(minutes=5),
         offset=dt.timedelta(minutes=1))
