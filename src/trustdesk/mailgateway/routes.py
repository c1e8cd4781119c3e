"""Support addresses (``Route``): listed by ``mail.view``, created and changed by
``mail.configure``, audited in the same transaction.

A route with DKIM holds an RSA key made by the vault (``vault.dkim``), sealed under the
gateway's own subject and bound to the address and selector it signs for; only the
public half is kept in clear, for the DNS record to publish. Rotating the key is choosing
a new selector: receivers find each key by its selector, so the old record can stay
published until mail signed with it has been delivered.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from trustdesk import vault
from trustdesk.access import policy
from trustdesk.accounts.models import Team
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, ValidationError
from trustdesk.mailgateway.analysis.domains import normalise
from trustdesk.mailgateway.models import Route
from trustdesk.vault.dkim import new_dkim_key

DKIM_SUBJECT = "system:mail-dkim"
UNSET = object()  # "leave as it is"
# A dot-atom local part (RFC 5322) without "+": the gateway's own tags (signed ticket
# addresses, bounce addresses) follow a "+", so a route's local part must not hold one.
_LOCAL = re.compile(r"[a-z0-9!#$%&'*/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*/=?^_`{|}~-]+)*")
_SELECTOR = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def dkim_purpose(address: str, selector: str) -> str:
    return f"dkim:{address}:{selector}"


def split(address: str) -> tuple[str, str]:
    local, _, domain = address.rpartition("@")
    return local, domain


def clean_address(raw: str) -> str:
    """A support address, lower-cased, its domain in ASCII (punycode) form."""
    raw = (raw or "").strip()
    local, at, domain = raw.rpartition("@")
    local = local.lower()
    if not at or not _LOCAL.fullmatch(local) or len(local) > 64:
        raise ValidationError("A support address is name@domain, the name without spaces, "
                              "quotes or '+'.", field="address")
    ascii_domain = normalise(domain)
    if ascii_domain is None or "." not in ascii_domain:
        raise ValidationError("The address's domain is not a valid host name.",
                              field="address")
    address = f"{local}@{ascii_domain}"
    if len(address) > 254:
        raise ValidationError("The address is longer than 254 characters.", field="address")
    return address


def clean_selector(raw: str) -> str:
    selector = (raw or "").strip().lower()
    if not _SELECTOR.fullmatch(selector):
        raise ValidationError("A DKIM selector is letters, digits and hyphens (a-z, 0-9, "
                              "-), at most 63.", field="dkim_selector")
    return selector


def default_selector() -> str:
    return "td" + clock.now().strftime("%Y%m%d")


def dns_record(route: Route) -> str | None:
    """The TXT record receivers look up to verify the route's signatures; None without
    a key."""
    if not route.dkim_selector or not route.dkim_public:
        return None
    _, domain = split(route.address)
    return (f'{route.dkim_selector}._domainkey.{domain} TXT '
            f'"v=DKIM1; k=rsa; p={route.dkim_public}"')


def open_dkim_key(route: Route) -> bytes:
    """The route's private key (PEM), for signing. Raises the vault's error if it does
    not open: a reply is then not sent, rather than sent under no signature."""
    return vault.open(DKIM_SUBJECT, dkim_purpose(route.address, route.dkim_selector),
                      bytes(route.dkim_key_sealed))


def _set_key(route: Route, selector: str | None) -> None:
    if not selector:
        route.dkim_selector, route.dkim_key_sealed, route.dkim_public = "", None, ""
        return
    private_pem, public_b64 = new_dkim_key()
    route.dkim_selector, route.dkim_public = selector, public_b64
    route.dkim_key_sealed = vault.seal(DKIM_SUBJECT, dkim_purpose(route.address, selector),
                                       private_pem)


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationError("Unknown team.", field="team_id")
    return team


def _name(name: str) -> str:
    # The From display name: one line, whatever is typed.
    name = " ".join((name or "").split())
    if len(name) > 100:
        raise ValidationError("The name is longer than 100 characters.", field="name")
    return name


def _forget() -> None:
    # This process's listener sees the change at once; the others within ROUTES_TTL.
    from trustdesk.mailgateway import gateway

    gateway.forget_routes()


def route_list(*, actor: Actor) -> list[Route]:
    policy.require(actor, "mail.view")
    return list(Route.objects.select_related("team"))


def route_get(*, actor: Actor, route_id) -> Route:
    policy.require(actor, "mail.view")
    try:
        route = Route.objects.select_related("team").filter(pk=int(route_id)).first()
    except (TypeError, ValueError):
        route = None
    if route is None:
        raise NotFound()
    return route


def _context(route: Route, **extra) -> dict:
    return {"address": route.address, "team": route.team_id, "active": route.active,
            "honour_dmarc": route.honour_dmarc, "dkim_selector": route.dkim_selector,
            **extra}


@transaction.atomic
def route_create(*, actor: Actor, address: str, name: str = "", team_id: int | None = None,
                 dkim: bool = True, dkim_selector: str | None = None,
                 honour_dmarc: bool = True, active: bool = True) -> Route:
    """Add a support address; with ``dkim`` (the default) a signing key is made for it,
    under ``dkim_selector`` or a dated one."""
    policy.require(actor, "mail.configure")
    address = clean_address(address)
    route = Route(address=address, name=_name(name), team=_team(team_id),
                  honour_dmarc=bool(honour_dmarc), active=bool(active))
    if Route.objects.filter(address=address).exists():
        raise ValidationError("This support address exists already.", field="address")
    _set_key(route, clean_selector(dkim_selector) if dkim_selector else
             (default_selector() if dkim else None))
    try:
        with transaction.atomic():
            route.save()
    except IntegrityError:  # created meanwhile
        raise ValidationError("This support address exists already.", field="address"
                              ) from None
    transaction.on_commit(_forget)
    record(actor=actor, action="mail.route.create", object_type="mail_route",
           object_id=route.pk, context=_context(route))
    return route


@transaction.atomic
def route_update(*, actor: Actor, route_id, name=UNSET, team_id=UNSET, honour_dmarc=UNSET,
                 active=UNSET, dkim_selector=UNSET) -> Route:
    """Change a support address (its address itself stays: tickets' signed addresses
    and the DKIM key are bound to it). A new ``dkim_selector`` makes a new key (a
    rotation); an empty one removes the key, and replies go out unsigned."""
    policy.require(actor, "mail.configure")
    route = Route.objects.select_for_update().filter(pk=route_get(actor=actor,
                                                                  route_id=route_id).pk).get()
    changed = []
    if name is not UNSET and _name(name) != route.name:
        route.name = _name(name)
        changed.append("name")
    if team_id is not UNSET and team_id != route.team_id:
        route.team = _team(team_id)
        changed.append("team")
    for field, value in (("honour_dmarc", honour_dmarc), ("active", active)):
        if value is not UNSET and bool(value) != getattr(route, field):
            setattr(route, field, bool(value))
            changed.append(field)
    previous = route.dkim_selector
    if dkim_selector is not UNSET:
        selector = clean_selector(dkim_selector) if dkim_selector else ""
        if selector and selector == previous:
            raise ValidationError("A new key needs a new selector: receivers would keep "
                                  "the old key cached under this one.", field="dkim_selector")
        if selector != previous:
            _set_key(route, selector)
            changed.append("dkim")
    if changed:
        route.save()
        transaction.on_commit(_forget)
        record(actor=actor, action="mail.route.update", object_type="mail_route",
               object_id=route.pk, fields=changed,
               context=_context(route, previous_selector=previous))
    return route


def published_addresses() -> list[tuple[str, str]]:
    """(address, display name) of every active support address: the addresses customers
    already get mail from, which the trust page lists as official email channels. Public
    by nature (they are the From of every reply), so read without an actor."""
    return list(Route.objects.filter(active=True).order_by("address")
                .values_list("address", "name"))
