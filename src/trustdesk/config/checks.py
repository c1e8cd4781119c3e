"""Startup checks that need the apps loaded (``trustdesk check`` and ``trustdesk serve``
run them before anything is served): the settings that can only be judged against the
data inventory fail here, not at the first request that compiles them."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from trustdesk.core.errors import TrustDeskError

_SELECTORS = ("type", "category", "sensitivity")


@checks.register()
def field_policy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from trustdesk.customers.visibility import field_policy as compiled
    from trustdesk.privacy.inventory import get_inventory

    try:
        inventory = get_inventory()
    except TrustDeskError as exc:
        return [checks.Error(f"The data inventory cannot be loaded: {exc.detail or exc}",
                             id="trustdesk.E002")]
    known = {"*"} | {f.name for f in inventory.fields}
    errors = []
    for role, rules in (getattr(settings, "ACCESS_FIELD_POLICY", None) or {}).items():
        for key in rules:
            # A selector (type:…) may name no field yet: it is for fields to come.
            if key not in known and not (key.partition(":")[0] in _SELECTORS
                                         and key.partition(":")[2]):
                errors.append(checks.Error(
                    f"TRUSTDESK_FIELD_POLICY[{role!r}] names {key!r}, which is no field of "
                    "the data inventory (nor type:…, category:…, sensitivity:… or *).",
                    id="trustdesk.E001"))
    if not errors:
        try:
            compiled()
        except TrustDeskError as exc:
            errors.append(checks.Error(f"TRUSTDESK_FIELD_POLICY: {exc.detail or exc}",
                                       id="trustdesk.E001"))
    return errors


@checks.register()
def security_contact(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """/.well-known/security.txt is served only with a valid contact (portal/securitytxt):
    in production, say so when there is none or the value was refused."""
    from trustdesk.portal import securitytxt

    if not settings.PRODUCTION or securitytxt.contact():
        return []
    if settings.SECURITY_CONTACT:
        return [checks.Error(
            "TRUSTDESK_SECURITY_CONTACT must be one mailto: or https: URI (printable ASCII, "
            "no spaces or line breaks); /.well-known/security.txt is not served.",
            id="trustdesk.E010")]
    return [checks.Warning(
        "TRUSTDESK_SECURITY_CONTACT is not set: /.well-known/security.txt answers 404 and "
        "the trust page gives no security contact.", id="trustdesk.W010")]


@checks.register()
def verification_channels(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """In production, a code or link is never sent through a backend that keeps it on
    this machine (customers.delivery.STAND_INS): say which methods that turns off."""
    from trustdesk.customers import delivery

    if not settings.PRODUCTION:
        return []
    found = []
    for kind, variable, methods in (
            ("email", "TRUSTDESK_EMAIL_BACKEND", "email codes and links"),
            ("phone", "TRUSTDESK_SMS_BACKEND", "text-message codes")):
        if not delivery.reaches_customer(kind):
            found.append(checks.Warning(
                f"{variable} keeps messages on this machine (the log, a file): "
                f"caller verification by {methods} is not offered, since a code sent "
                "there would reach whoever reads it, not the customer.",
                id="trustdesk.W011"))
    return found
