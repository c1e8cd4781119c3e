"""What the trust page says, read from the product's real state at request time, so it
cannot drift from the truth: the published channels, the data inventory, and how the
data is protected as the settings actually configure it. All three come from the record
of processing activities (``privacy/processing.py``), built once per page, so the page
and the record a privacy officer files can never disagree. Nothing is claimed here that
a setting does not make true: each protection sentence is chosen by the state of the
record's measure, which the setting it names decides.

Support addresses of the mail gateway are official email channels already (customers get
every reply from one), so the page lists each active one; a registry entry for the same
address wins, with what it declares. This is simpler and more truthful than copying
routes into the registry: a route switched off disappears from the page at once, and
nothing can drift between two copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from trustdesk.channels.vocabulary import DEFAULT_NEVER_ASKS
from trustdesk.channels.vocabulary import NEVER_ASK as NEVER_ASK_KEYS
from trustdesk.portal import words
from trustdesk.privacy import processing
from trustdesk.privacy.processing import CUSTOMERS, Record


@dataclass(frozen=True)
class Channel:
    kind: str
    kind_label: str
    value: str
    label: str
    href: str  # "" when the value is no link
    may_ask: list[str]
    never_asks: list[str]  # translated


@dataclass(frozen=True)
class DataField:
    label: str
    category: str
    purpose: str
    legal_basis: str
    retention: str


@dataclass
class Facts:
    channels: list[Channel] = field(default_factory=list)
    data: list[DataField] = field(default_factory=list)
    protections: list[str] = field(default_factory=list)
    privacy_contact: str = ""
    privacy_contact_href: str = ""
    help_url: str = ""
    security_txt: bool = False


def _href(kind: str, value: str) -> str:
    if kind == "email":
        return f"mailto:{value}"
    if kind == "phone":
        return "tel:" + "".join(c for c in value if c.isdigit() or c == "+")
    return value if value.startswith("https://") else ""


def _channel(kind, value, label, may_ask, never_asks) -> Channel:
    keys = set(never_asks) | set(DEFAULT_NEVER_ASKS)
    return Channel(kind=kind, kind_label=words.label(words.KINDS, kind), value=value,
                   label=label, href=_href(kind, value), may_ask=list(may_ask),
                   never_asks=[words.label(words.NEVER_ASK, k) for k in NEVER_ASK_KEYS
                               if k in keys])


def channels(record: Record) -> list[Channel]:
    # The registry's entries and the gateway's support addresses, as the record lists
    # them (a registry entry for an address wins, with what it declares).
    found = [_channel(c.kind, c.value, c.label, c.may_ask, c.never_asks)
             for c in record.channels]
    order = list(words.KINDS)
    return sorted(found, key=lambda c: (order.index(c.kind), c.value))


def data(record: Record) -> list[DataField]:
    return [DataField(label=f.label, category=words.label(words.CATEGORIES, f.category),
                      purpose=f.purpose,
                      legal_basis=words.label(words.LEGAL_BASES, f.legal_basis),
                      retention=words.retention(f.retention))
            for f in record.fields if f.subject == CUSTOMERS]


def protections(record: Record) -> list[str]:
    state = {m.key: m.state for m in record.measures}
    said = []
    if state.get("field_encryption") == "on":
        said.append(_("Every piece of your data listed above is encrypted with a key of its "
                      "own for you; erasing your data destroys that key, so no copy can be "
                      "read afterwards."))
    if state.get("key_provider") == "pkcs11":
        said.append(_("The keys that protect those keys are held in a hardware security "
                      "module."))
    elif state.get("key_provider") == "local":
        said.append(_("The keys that protect those keys are kept in a key file on our "
                      "servers, apart from the database."))
    if state.get("keystore") == "separate":
        said.append(_("Your data keys are stored in a separate key database, not beside "
                      "your data."))
    if state.get("card_tokens") == "on":
        said.append(_("Card numbers are replaced by tokens: our staff see at most the "
                      "first six and last four digits."))
    if state.get("need_to_know") == "on":
        said.append(_("Support agents see your details only while they work on a request "
                      "of yours, and each role sees only the fields its work needs."))
    elif state.get("need_to_know") == "off":
        said.append(_("Each staff role sees only the fields of your data its work needs."))
    if state.get("mfa") == "all":
        said.append(_("Every staff account must sign in with a second factor."))
    elif state.get("mfa") == "privileged":
        said.append(_("Staff with administrative, supervisory, security or privacy roles "
                      "must sign in with a second factor."))
    if "audit_trail" in state:
        said.append(_("Every read and every change of your data is recorded in an audit "
                      "trail that is chained and signed, so it cannot be altered unnoticed."))
    return said


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _contact_href(contact: str) -> str:
    if contact.startswith(("mailto:", "https://")):
        return contact
    return f"mailto:{contact}" if "@" in contact and ":" not in contact else ""


def gather() -> Facts:
    from trustdesk.portal.securitytxt import contact

    privacy = " ".join((settings.PRIVACY_CONTACT or "").split())[:254]
    record = processing.build()
    return Facts(channels=channels(record), data=data(record),
                 protections=protections(record),
                 privacy_contact=privacy, privacy_contact_href=_contact_href(privacy),
                 help_url="/help/" if _resolves("/help/") else "",
                 security_txt=bool(contact()))
