"""The customers app's jobs: telling a replaced email or phone of the change."""

from __future__ import annotations

from trustdesk.jobs.registry import job


@job(attempts=5, backoff=60)
def contact_change_notice(notice_id: int) -> bool:
    """Send one contact-change notice (``notices.send_notice``); idempotent: a sent
    notice is deleted with the value it kept."""
    from trustdesk.customers.notices import send_notice

    return send_notice(notice_id)
