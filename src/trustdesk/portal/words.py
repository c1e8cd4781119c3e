"""The fixed vocabulary the public pages show, translated by key: channel kinds, the
never-ask list, legal bases, data categories, retention units. Free text (an inventory
field's purpose, a channel's label) is shown as written."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

KINDS = {
    "email": _("Email"),
    "phone": _("Phone"),
    "chat": _("Chat"),
    "portal": _("Customer portal"),
    "social": _("Social media"),
    "web": _("Website"),
}
NEVER_ASK = {
    "password": _("your password"),
    "card_number": _("your full card number"),
    "card_code": _("your card security code (CVV/CVC)"),
    "one_time_code": _("one-time codes or sign-in codes"),
    "pin": _("your PIN"),
    "remote_access": _("to install remote-access software"),
    "money_transfer": _("to move money to another account"),
}
LEGAL_BASES = {
    "consent": _("Your consent"),
    "contract": _("Our contract with you"),
    "legal_obligation": _("A legal obligation"),
    "vital_interests": _("Vital interests"),
    "public_task": _("A public task"),
    "legitimate_interests": _("Legitimate interests"),
}
CATEGORIES = {
    "contact": _("Contact"),
    "identity": _("Identity"),
    "account": _("Account"),
    "financial": _("Financial"),
    "preferences": _("Preferences"),
    "technical": _("Technical"),
}
_RETENTION = re.compile(r"^(\d{1,4})([dwmy])$")


def retention(text: str) -> str:
    """'3y' → '3 years' in the active language."""
    m = _RETENTION.match(text or "")
    if not m:
        return text
    n, unit = int(m.group(1)), m.group(2)
    if unit == "d":
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
    if unit == "w":
        return ngettext("%(n)d week", "%(n)d weeks", n) % {"n": n}
    if unit == "m":
        return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}
    return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}


def label(table: dict, key: str) -> str:
    return str(table.get(key, key))
