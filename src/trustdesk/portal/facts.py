"""What the trust page says, read from the product's real state at request time, so it
cannot drift from the truth: the published channels, the data inventory, and how the
data is protected as the settings actually configure it. Nothing is claimed here that a
setting does not make true: each protection sentence is chosen by the setting it names.

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

from trustdesk.channels.selectors import published
from trustdesk.channels.vocabulary import DEFAULT_NEVER_ASKS
from trustdesk.channels.vocabulary import NEVER_ASK as NEVER_ASK_KEYS
from trustdesk.mailgateway.routes import published_addresses
from trustdesk.portal import words
from trustdesk.privacy.inventory import get_inventory


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


def channels() -> list[Channel]:
    registered = published()
    emails = {c.value for c in registered if c.kind == "email"}
    found = [_channel(c.kind, c.value, c.label, c.may_ask, c.never_asks) for c in registered]
    found += [_channel("email", address, name, (), ()) for address, name
              in published_addresses() if address not in emails]
    order = list(words.KINDS)
    return sorted(found, key=lambda c: (order.index(c.kind), c.value))


def data() -> list[DataField]:
    return [DataField(label=f.label, category=words.label(words.CATEGORIES, f.category),
                      purpose=f.purpose,
                      legal_basis=words.label(words.LEGAL_BASES, f.legal_basis),
                      retention=words.retention(f.retention))
            for f in get_inventory().fields]


def protections() -> list[str]:
    said = [_("Every piece of your data listed above is encrypted with a key of its own "
              "for you; erasing your data destroys that key, so no copy can be read "
              "afterwards.")]
    if settings.VAULT_KEY_PROVIDER == "pkcs11":
        said.append(_("The keys that protect those keys are held in a hardware security "
                      "module."))
    else:
        said.append(_("The keys that protect those keys are kept in a key file on our "
                      "servers, apart from the database."))
    if settings.VAULT_KEYSTORE_URL:
        said.append(_("Your data keys are stored in a separate key database, not beside "
                      "your data."))
    if any(f.type == "card_number" for f in get_inventory().fields):
        said.append(_("Card numbers are replaced by tokens: our staff see at most the "
                      "first six and last four digits."))
    if settings.ACCESS_NEED_TO_KNOW:
        said.append(_("Support agents see your details only while they work on a request "
                      "of yours, and each role sees only the fields its work needs."))
    else:
        said.append(_("Each staff role sees only the fields of your data its work needs."))
    if settings.REQUIRE_MFA == "all":
        said.append(_("Every staff account must sign in with a second factor."))
    else:
        said.append(_("Staff with administrative, supervisory, security or privacy roles "
                      "must sign in with a second factor."))
    said.append(_("Every read and every change of your data is recorded in an audit trail "
                  "that is chained and signed, so it cannot be altered unnoticed."))
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
    return Facts(channels=channels(), data=data(), protections=protections(),
                 privacy_contact=privacy, privacy_contact_href=_contact_href(privacy),
                 help_url="/help/" if _resolves("/help/") else "",
                 security_txt=bool(contact()))
