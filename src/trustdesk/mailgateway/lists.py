"""The gateway's allow and deny lists: each kind's values validated and normalised, the
lists compiled for matching, and the compiled form cached per process.

Kinds and what they match:

* ``address``: one sender address (``name@example.com``), lower-case, its domain in
  punycode. A deny entry matches the envelope sender (MAIL FROM) or the From header; an
  allow entry the From header.
* ``domain``: a domain and all its subdomains (``example.com`` matches
  ``mail.example.com``), compared like ``address``.
* ``network``: the client's IP address in an address or CIDR block, stored in canonical
  form (``192.0.2.0/24``, ``2001:db8::/32``; a single address as ``/32`` or ``/128``).
* ``country``: an ISO 3166-1 alpha-2 code, upper-case: the client address's country, from
  the GeoIP database (``geo``). Without a database no country entry ever matches.

The rule:

1. **Deny wins over allow.** If any deny entry matches, the verdict is deny, whatever the
   allow list says.
2. **An allow entry by address or domain counts only when the message authenticated for
   that domain**: a DMARC pass for the From domain, or an aligned SPF or DKIM pass (the
   caller passes those domains as ``authenticated``). Anyone can write
   ``From: boss@partner.example``; only partner.example's servers or keys can make it
   pass. An unauthenticated match is reported (``ignored``) and otherwise disregarded.
3. **Network and country allow entries count as given**: the client address is what the
   TCP connection proved.
4. A country entry needs the country: when the GeoIP database is configured but cannot be
   read (``geo.UNAVAILABLE``), a country deny entry might have matched, so the verdict says
   ``country_undecided`` and the policy defers the message (see ``policy``).

The gateway asks per message, so the compiled lists are kept per process for
``LISTS_TTL`` seconds; the process that changes them forgets them at once (the same
arrangement as the role grants in ``access/grants.py``).
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from trustdesk.core.errors import ValidationError
from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.countries import CODES

ACTIONS = ("allow", "deny")
KINDS = ("address", "domain", "network", "country")
UNAVAILABLE = "unavailable"  # the country could not be looked up (see ``geo``)
LISTS_TTL = 5.0
# RFC 5322 dot-atom text, and UTF-8 beyond ASCII (RFC 6531); no surrogates.
_ATEXT = re.compile(r"^[.a-z0-9!#$%&'*+/=?^_`{|}~\-\u00a0-\ud7ff\ue000-\U0010ffff]+$")


# -- validation ------------------------------------------------------------------------

def normalise(kind: str, value: str, *, action: str = "deny") -> str:
    """``value`` in its stored form for ``kind``, or ``ValidationError`` naming the field
    (``kind``, ``action`` or ``value``) and what is wrong."""
    if action not in ACTIONS:
        raise ValidationError("action: choose allow or deny.", field="action")
    if kind not in KINDS:
        raise ValidationError("kind: choose address, domain, network or country.",
                              field="kind")
    raw = (value or "").strip() if isinstance(value, str) else ""
    if not raw:
        raise ValidationError(f"value: enter the {kind} to {action}.", field="value")
    return _NORMALISERS[kind](raw, action)


def _address(raw: str, action: str) -> str:
    local, at, domain = raw.rpartition("@")
    name = domains.normalise(domain) if at else None
    if (not local or len(local) > 64 or name is None or local.startswith(".")
            or local.endswith(".") or ".." in local or not _ATEXT.match(local.lower())
            or not local.isprintable() or len(local) + 1 + len(name) > 254):
        raise ValidationError(f"value: {raw!r} is not one sender address (name@example.com, "
                              "no display name, no quotes).", field="value")
    return f"{local.lower()}@{name}"


def _domain(raw: str, action: str) -> str:
    name = domains.normalise(raw.removeprefix("*."))
    if name is None or ("." not in name and not name.isalpha()):
        raise ValidationError(f"value: {raw!r} is not a domain name (example.com).",
                              field="value")
    if action == "allow" and domains.organisational(name) is None:
        # Denying a whole TLD is a common choice; allowing one would wave through every
        # authenticated sender under it.
        raise ValidationError(f"value: {name} is a public suffix; an allow entry names "
                              "one organisation's domain (example.com).", field="value")
    return name


def _network(raw: str, action: str) -> str:
    try:
        net = ipaddress.ip_network(raw, strict=False)
    except ValueError:
        raise ValidationError(f"value: {raw!r} is not an IP address or CIDR block "
                              "(192.0.2.0/24, 2001:db8::/32).", field="value") from None
    if isinstance(net, ipaddress.IPv6Network) and net.network_address.ipv4_mapped:
        mapped = net.network_address.ipv4_mapped
        net = ipaddress.ip_network(f"{mapped}/{max(0, net.prefixlen - 96)}", strict=False)
    if "/" in raw and ipaddress.ip_network(raw, strict=False).network_address != \
            ipaddress.ip_interface(raw).ip:
        raise ValidationError(f"value: {raw} has host bits set; did you mean {net}?",
                              field="value")
    if action == "allow" and net.prefixlen == 0:
        raise ValidationError(f"value: {net} would allow every address on the internet.",
                              field="value")
    return str(net)


def _country(raw: str, action: str) -> str:
    code = raw.upper()
    if code not in CODES:
        raise ValidationError(f"value: {raw!r} is not an ISO 3166-1 alpha-2 country code "
                              "(DE, US, GB).", field="value")
    return code


_NORMALISERS = {"address": _address, "domain": _domain, "network": _network,
                "country": _country}


# -- the compiled lists and matching ---------------------------------------------------

@dataclass(frozen=True)
class Entry:
    id: int | None
    action: str
    kind: str
    value: str

    def describe(self) -> str:
        """The entry in words for a verdict: never the address itself (a verdict is kept
        with the message, in clear); domains, networks and countries are configuration."""
        if self.kind == "address":
            return f"a sender address on the {self.action} list"
        noun = {"domain": "the domain", "network": "the network", "country": "the country"}
        return f"{noun[self.kind]} {self.value} on the {self.action} list"

    def as_check(self) -> dict:
        out = {"id": self.id, "action": self.action, "kind": self.kind}
        if self.kind != "address":
            out["value"] = self.value
        return out


@dataclass(frozen=True)
class Lists:
    entries: tuple[Entry, ...] = ()
    _by: dict = field(default_factory=dict, repr=False)  # (action, kind) -> {value: Entry}
    _nets: dict = field(default_factory=dict, repr=False)  # action -> ((network, Entry), …)

    def has(self, action: str, kind: str) -> bool:
        return bool(self._nets.get(action) if kind == "network" else
                    self._by.get((action, kind)))


def compile_lists(entries: Iterable) -> Lists:
    """Entries (``ListEntry`` rows or ``Entry``) compiled for ``match``."""
    out, by, nets = [], {}, {"allow": [], "deny": []}
    for e in entries:
        entry = e if isinstance(e, Entry) else Entry(e.pk, e.action, e.kind, e.value)
        out.append(entry)
        if entry.kind == "network":
            nets[entry.action].append((ipaddress.ip_network(entry.value), entry))
        else:
            by.setdefault((entry.action, entry.kind), {})[entry.value] = entry
    return Lists(tuple(out), by, {k: tuple(v) for k, v in nets.items()})


@dataclass(frozen=True)
class Verdict:
    action: str | None = None  # "allow", "deny" or None (no entry counted)
    entry: Entry | None = None
    ignored: Entry | None = None  # an allow entry that matched an unauthenticated sender
    country_undecided: bool = False  # a country deny entry could not be checked

    def as_check(self) -> dict:
        out: dict = {"result": self.action or "none"}
        if self.entry:
            out["entry"] = self.entry.as_check()
        if self.ignored:
            out["ignored_unauthenticated"] = self.ignored.as_check()
        if self.country_undecided:
            out["country_undecided"] = True
        return out


def _split(address: str | None) -> tuple[str | None, str | None]:
    address = (address or "").strip().strip("<>").lower()
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return None, None
    name = domains.normalise(domain)
    return (f"{local}@{name}", name) if name else (None, None)


def _ip(peer_ip) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(str(peer_ip).strip("[]"))
    except ValueError:
        return None
    return (ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else ip


def _domain_hit(table: dict, name: str | None) -> Entry | None:
    labels = name.split(".") if name else []
    for i in range(len(labels)):
        if hit := table.get(".".join(labels[i:])):
            return hit
    return None


def _vouched(name: str | None, authenticated: Iterable[str]) -> bool:
    return bool(name) and any(domains.aligned(a, name) for a in authenticated)


def evaluate(lists: Lists | Iterable, *, peer_ip, mail_from: str | None,
             from_address: str | None, from_domain: str | None, country: str | None,
             authenticated: Iterable[str] = ()) -> Verdict:
    """The lists' verdict on one message, by the rule in the module's docstring."""
    if not isinstance(lists, Lists):
        lists = compile_lists(lists)
    authenticated = tuple(authenticated)
    env_addr, env_domain = _split(mail_from)
    hdr_addr, hdr_domain = _split(from_address)
    hdr_domain = domains.normalise(from_domain or "") or hdr_domain
    ip = _ip(peer_ip)
    code = country.upper() if isinstance(country, str) and country != UNAVAILABLE else None

    def find(action: str, kind: str, addrs, names) -> Entry | None:
        if kind == "network":
            return next((e for net, e in lists._nets.get(action, ())
                         if ip is not None and ip.version == net.version and ip in net), None)
        table = lists._by.get((action, kind), {})
        if kind == "address":
            return next((table[a] for a in addrs if a in table), None)
        if kind == "domain":
            return next((h for n in names if (h := _domain_hit(table, n))), None)
        return table.get(code) if code else None

    for kind in KINDS:
        if hit := find("deny", kind, (env_addr, hdr_addr), (env_domain, hdr_domain)):
            return Verdict("deny", hit)
    undecided = country == UNAVAILABLE and lists.has("deny", "country")
    ignored = None
    # The domain that must have authenticated is the matched identity's own.
    vouch = {"address": _split(hdr_addr)[1], "domain": hdr_domain}
    for kind in KINDS:
        hit = find("allow", kind, (hdr_addr,), (hdr_domain,))
        if hit is None:
            continue
        if kind in ("network", "country") or _vouched(vouch[kind], authenticated):
            return Verdict("allow", hit, country_undecided=undecided)
        ignored = ignored or hit
    return Verdict(None, None, ignored, undecided)


def match(entries, *, peer_ip, mail_from, from_address, from_domain, country,
          authenticated: Iterable[str] = ()) -> tuple[str, Entry] | None:
    """``(action, entry)`` of the entry that decides, or None. Without ``authenticated``
    no allow entry by address or domain counts (fail closed)."""
    verdict = evaluate(entries, peer_ip=peer_ip, mail_from=mail_from,
                       from_address=from_address, from_domain=from_domain, country=country,
                       authenticated=authenticated)
    return (verdict.action, verdict.entry) if verdict.action else None


# -- the per-process cache -------------------------------------------------------------

_lock = threading.Lock()
_cache: tuple[float, Lists] | None = None
_unsettled = False  # between a change and its commit: read through, cache nothing


def _load() -> Lists:
    from trustdesk.mailgateway.models import ListEntry  # the app registry is ready by now

    return compile_lists(Entry(*row) for row in ListEntry.objects.values_list(
        "pk", "action", "kind", "value"))


def current() -> Lists:
    """The lists now, compiled; at most ``LISTS_TTL`` seconds old. If the table cannot be
    read the error propagates: the listener defers the message rather than judge it
    without its lists."""
    global _cache
    if _unsettled:
        return _load()
    now = time.monotonic()
    cached = _cache
    if cached is None or now - cached[0] > LISTS_TTL:
        with _lock:
            cached = _cache = (now, _load())
    return cached[1]


def changed() -> None:
    """A use case changed the lists in its transaction (``settled`` runs on commit)."""
    global _cache, _unsettled
    _cache, _unsettled = None, True


def settled() -> None:
    global _cache, _unsettled
    _cache, _unsettled = None, False


def greylist_exempt(lists: Lists, *, peer_ip, country: str | None,
                    mail_from: str | None = None) -> bool:
    """Whether a network or country allow entry covers the client before the message is
    read (greylisting happens at RCPT time, before any authentication result), and no
    deny entry that can be checked by then matches."""
    verdict = evaluate(lists, peer_ip=peer_ip, mail_from=mail_from, from_address=None,
                       from_domain=None, country=country)
    return verdict.action == "allow" and not verdict.country_undecided
