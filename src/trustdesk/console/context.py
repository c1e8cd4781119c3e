from django.utils.functional import SimpleLazyObject

from trustdesk.access.policy import permissions_of
from trustdesk.access.roles import ROLE_LABELS
from trustdesk.accounts.actors import actor_for_user
from trustdesk.accounts.mfa import policy as mfa_policy


def console(request):
    """What every console page needs to draw the navigation for this person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    who = actor_for_user(user)
    perms = permissions_of(who)
    return {"perms_held": perms, "role_label": ROLE_LABELS.get(user.role, user.role),
            # Only the pages that show it ask (one query).
            "mfa_missing": SimpleLazyObject(lambda: mfa_policy.missing(user)),
            # Counted only when the navigation draws it (one indexed query).
            "sees_organisations": SimpleLazyObject(lambda: _sees_organisations(who)),
            "unread_notifications": SimpleLazyObject(
                lambda: _unread(user) if "ticket.view" in perms else 0),
            # The banner of security bulletins the person has not acknowledged yet.
            "unread_bulletins": SimpleLazyObject(lambda: _unread_bulletins(who))}


def _unread(user) -> int:
    from trustdesk.tickets.models import Notification

    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def _sees_organisations(who) -> bool:
    from trustdesk.customers.organisations import sees_organisations

    return sees_organisations(who)


def _unread_bulletins(who) -> int:
    from trustdesk.grc.bulletins import unread_count

    return unread_count(who)
