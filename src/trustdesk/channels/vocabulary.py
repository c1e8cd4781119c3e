"""The registry's fixed words: the kinds of channel, and the things a channel may promise
never to ask for.

The never-ask vocabulary is a closed list, not free text, so that the reply guard can
enforce it: each guard kind (``pii.guard.KINDS``) maps onto one entry here. Entries the
guard cannot detect (remote access, moving money) are published promises only, and the
docs say so. English here; the trust page translates by key.
"""

from __future__ import annotations

from trustdesk.pii.guard import KINDS as GUARD_KINDS

KINDS = {
    "email": "email",
    "phone": "phone",
    "chat": "chat",
    "portal": "customer portal",
    "social": "social media",
    "web": "website",
}

NEVER_ASK = {
    "password": "passwords",
    "card_number": "full card numbers",
    "card_code": "card security codes",
    "one_time_code": "one-time or sign-in codes",
    "pin": "PINs",
    "remote_access": "remote access to your device",
    "money_transfer": "a transfer of money to another account",
}

# Every channel promises these, whatever an admin declares: a customer told once that
# we never ask for a password must be able to rely on it on every channel.
DEFAULT_NEVER_ASKS = ("password", "card_number", "card_code", "one_time_code", "pin")

# What the reply guard detects, in the registry's words (one to one today; explicit so a
# new guard kind cannot silently go unmapped: see the assertion below).
GUARD_TO_NEVER_ASK = {
    "password": "password",
    "card_number": "card_number",
    "card_code": "card_code",
    "one_time_code": "one_time_code",
    "pin": "pin",
}
assert set(GUARD_TO_NEVER_ASK) == set(GUARD_KINDS), "map every reply-guard kind"
assert set(DEFAULT_NEVER_ASKS) <= set(NEVER_ASK)

# A ticket's channel (tickets.choices.Channel) → the registry kind whose promises apply.
TICKET_CHANNEL_KIND = {"email": "email", "phone": "phone", "chat": "chat", "web": "web",
                       "api": None}


def never_ask_list(keys) -> str:
    """'passwords, PINs and full card numbers' in the vocabulary's order."""
    words = [NEVER_ASK[k] for k in NEVER_ASK if k in set(keys)]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]
