"""Clean and check what an admin types into the registry, with an error naming the field.

The registry is published: a label or a "may ask" entry that the PII detector finds
personal data in is refused, and values are held to their kind (an email channel is an
address, a phone channel a number ``phonenumbers`` accepts, a chat or web channel an
https:// URL). Every text is one line: these strings also go into mail footers and the
trust page, where a line break or control character has no business.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import phonenumbers

from trustdesk import pii
from trustdesk.channels.vocabulary import DEFAULT_NEVER_ASKS, KINDS, NEVER_ASK
from trustdesk.core.errors import ValidationError
from trustdesk.pii.guard import secret_requests

LABEL_MAX = 80
VALUE_MAX = 254
MAY_ASK_MAX = 12
MAY_ASK_ITEM_MAX = 60
# Narrower than RFC 5322 allows: the address becomes a mailto: link on the trust page,
# where "?", "&" or "=" would start headers of the customer's mail ("?cc=…").
_LOCAL = re.compile(r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_HANDLE = re.compile(r"@?[A-Za-z0-9_.-]{1,64}")
# What a public description may contain that the detector reports but that names nobody.
_NOT_PERSONAL = frozenset({"URL"})


def one_line(raw, *, field: str, limit: int, required: bool = False) -> str:
    """``raw`` as one line: controls and invisible format characters refused (not
    silently dropped: a label that held a line break was probably pasted wrong)."""
    text = raw if isinstance(raw, str) else ""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        raise ValidationError("Use one line of plain text, without line breaks or control "
                              "characters.", field=field)
    text = " ".join(text.split())
    if required and not text:
        raise ValidationError("This is required.", field=field)
    if len(text) > limit:
        raise ValidationError(f"At most {limit} characters.", field=field)
    return text


def _no_personal_data(text: str, field: str) -> None:
    found = sorted({f.entity for f in pii.scan(text) if f.entity not in _NOT_PERSONAL})
    if found:
        raise ValidationError(
            "This is published on the trust page, so it must hold no personal data; it "
            f"looks like it contains {', '.join(e.replace('_', ' ').lower() for e in found)}.",
            field=field)


def clean_kind(raw) -> str:
    if raw not in KINDS:
        raise ValidationError(f"The kind is one of {', '.join(KINDS)}.", field="kind")
    return raw


def _email(raw: str) -> str:
    local, at, domain = raw.rpartition("@")
    local = local.lower()
    try:
        ascii_domain = domain.strip().rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_domain = ""
    if (not at or not _LOCAL.fullmatch(local) or len(local) > 64 or "." not in ascii_domain
            or not all(_LABEL.fullmatch(p) for p in ascii_domain.split("."))):
        raise ValidationError("An email channel is an address: name@example.com.",
                              field="value")
    return f"{local}@{ascii_domain}"


def _phone(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError("A phone channel is a number in international form, with its "
                              "country code: +44 20 7946 0958.", field="value")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _url(raw: str) -> str:
    parts = urlsplit(raw)
    bad = ValidationError("This channel is an https:// address, such as "
                          "https://example.com/help.", field="value")
    if (parts.scheme != "https" or not parts.hostname or parts.username or parts.password
            or any(c.isspace() or c in "<>\"'\\" for c in raw)):
        raise bad
    # The host as customers' browsers will resolve it: an internationalised name is
    # published in its punycode form, so a look-alike (Cyrillic "а" for "a") shows as
    # what it is. The rest must be ASCII (percent-encoded) for the same reason.
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise bad from None
    rest = raw[len(parts.scheme) + 3 + len(parts.netloc):]
    if not rest.isascii() or not all(_LABEL.fullmatch(p) for p in host.split(".")):
        raise bad
    port = f":{parts.port}" if parts.port else ""
    return f"https://{host}{port}{rest}"


def clean_value(kind: str, raw) -> str:
    value = one_line(raw, field="value", limit=VALUE_MAX, required=True)
    if kind == "email":
        return _email(value)
    if kind == "phone":
        return _phone(value)
    if kind == "social" and not value.lower().startswith("https:"):
        if not _HANDLE.fullmatch(value):
            raise ValidationError("A social channel is a handle (@example) or an https:// "
                                  "address.", field="value")
        return value if value.startswith("@") else "@" + value
    return _url(value)


def clean_label(raw) -> str:
    label = one_line(raw or "", field="label", limit=LABEL_MAX)
    if label:
        _no_personal_data(label, "label")
    return label


def clean_may_ask(raw) -> list[str]:
    if isinstance(raw, str):
        items = raw.replace("\n", ",").split(",")
    elif raw is None or isinstance(raw, (list, tuple)):
        items = list(raw or [])
    else:
        raise ValidationError("Give what the channel may ask for as a list.", field="may_ask")
    if len(items) > 4 * MAY_ASK_MAX:
        raise ValidationError(f"At most {MAY_ASK_MAX} things a channel may ask for.",
                              field="may_ask")
    cleaned: list[str] = []
    for item in items:
        text = one_line(item if isinstance(item, str) else "", field="may_ask",
                        limit=MAY_ASK_ITEM_MAX)
        if not text or text.lower() in (c.lower() for c in cleaned):
            continue
        _no_personal_data(text, "may_ask")
        # Nothing a channel may ask for can be what every channel promises never to ask.
        if asked := secret_requests(f"Please send us your {text}."):
            raise ValidationError(
                f"“{text}” is something no channel may ask for "
                f"({NEVER_ASK[asked[0].kind]}).", field="may_ask")
        cleaned.append(text)
    if len(cleaned) > MAY_ASK_MAX:
        raise ValidationError(f"At most {MAY_ASK_MAX} things a channel may ask for.",
                              field="may_ask")
    return cleaned


def clean_never_asks(raw) -> list[str]:
    """The declared kinds, always with the defaults (they cannot be taken away)."""
    if raw is None:
        raw = []
    if isinstance(raw, str) or not isinstance(raw, (list, tuple, set, frozenset)):
        raise ValidationError("Give the never-ask kinds as a list.", field="never_asks")
    unknown = [k for k in raw if not isinstance(k, str) or k not in NEVER_ASK]
    if unknown:
        raise ValidationError(f"Unknown never-ask kind {str(unknown[0])[:40]!r}; the kinds "
                              f"are {', '.join(NEVER_ASK)}.", field="never_asks")
    keys = set(raw)
    keys |= set(DEFAULT_NEVER_ASKS)
    return [k for k in NEVER_ASK if k in keys]
