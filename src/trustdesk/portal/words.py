"""The fixed vocabulary the public pages show, translated by key: channel kinds, the
never-ask list, legal bases, data categories, retention units. Free text (an inventory
field's purpose, a channel's label) is shown as written. Each word has the context
"trust page": short words ("Phone", "Account") are in other apps' catalogues too, with
other meanings, and those would win."""

from __future__ import annotations

import re

from django.utils.translation import ngettext, pgettext_lazy

KINDS = {
    "email": pgettext_lazy("trust page", "Email"),
    "phone": pgettext_lazy("trust page", "Phone"),
    "chat": pgettext_lazy("trust page", "Chat"),
    "portal": pgettext_lazy("trust page", "Customer portal"),
    "social": pgettext_lazy("trust page", "Social media"),
    "web": pgettext_lazy("trust page", "Website"),
}
NEVER_ASK = {
    "password": pgettext_lazy("trust page", "your password"),
    "card_number": pgettext_lazy("trust page", "your full card number"),
    "card_code": pgettext_lazy("trust page", "your card security code (CVV/CVC)"),
    "one_time_code": pgettext_lazy("trust page", "one-time codes or sign-in codes"),
    "pin": pgettext_lazy("trust page", "your PIN"),
    "remote_access": pgettext_lazy("trust page", "remote access to your device"),
    "money_transfer": pgettext_lazy("trust page", "a transfer of money to another account"),
}
LEGAL_BASES = {
    "consent": pgettext_lazy("trust page", "Your consent"),
    "contract": pgettext_lazy("trust page", "Our contract with you"),
    "legal_obligation": pgettext_lazy("trust page", "A legal obligation"),
    "vital_interests": pgettext_lazy("trust page", "Vital interests"),
    "public_task": pgettext_lazy("trust page", "A public task"),
    "legitimate_interests": pgettext_lazy("trust page", "Legitimate interests"),
}
CATEGORIES = {
    "contact": pgettext_lazy("trust page", "Contact"),
    "identity": pgettext_lazy("trust page", "Identity"),
    "account": pgettext_lazy("trust page", "Account"),
    "financial": pgettext_lazy("trust page", "Financial"),
    "preferences": pgettext_lazy("trust page", "Preferences"),
    "technical": pgettext_lazy("trust page", "Technical"),
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
