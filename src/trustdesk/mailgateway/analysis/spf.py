"""SPF (RFC 7208): whether the sending address may send for the envelope domain, evaluated
by pyspf — its parser, macros, ``include``/``redirect`` and lookup limits — with every
DNS lookup it makes answered by the caller's resolver.

pyspf funnels all of its lookups through ``query.dns()``; ``_Query`` replaces that one
method, so pyspf never opens a socket of its own. A lookup the resolver cannot answer
(``DnsUnavailable``) is pyspf's ``TempError``: the result is ``temperror``. The whole
evaluation has a time budget on top of the resolver's per-lookup bound.

The identity checked is the MAIL FROM domain, or the HELO name when the envelope sender
is empty (a bounce, RFC 7208 §2.4).
"""

from __future__ import annotations

import ipaddress
import time

import spf as pyspf

from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis.authres import Result
from trustdesk.mailgateway.analysis.dns import DnsUnavailable, Resolver, parse_mx

RESULTS = ("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror")
BUDGET = 10.0  # seconds for one evaluation, all lookups together


class _Query(pyspf.query):
    def __init__(self, *, resolver: Resolver, deadline: float, **kwargs):
        self._resolver, self._deadline, self._answers = resolver, deadline, {}
        super().__init__(**kwargs)

    def dns(self, name, qtype, cnames=None, ignore_void=False):
        # The contract of pyspf's query.dns(): a list of answers in its own shapes, with
        # the void-lookup limit of RFC 7208 §4.6.4 counted here. CNAMEs are the
        # resolver's business.
        name = str(name or "").rstrip(".").lower()
        if not name or not all(0 < len(label) < 64 for label in name.split(".")):
            return []
        key = (name, qtype)
        if key not in self._answers:
            self._answers[key] = self._lookup(name, qtype)
        result = self._answers[key]
        if not result and not ignore_void:
            self.void_lookups += 1
            if self.void_lookups > pyspf.MAX_VOID_LOOKUPS:
                raise pyspf.PermError(
                    f"Void lookup limit of {pyspf.MAX_VOID_LOOKUPS} exceeded")
        return list(result)

    def _lookup(self, name: str, qtype: str) -> list:
        if qtype not in ("A", "AAAA", "MX", "PTR", "TXT"):
            return []  # type SPF (99): obsolete, pyspf asks for it only in harsh mode
        if time.monotonic() > self._deadline:
            raise pyspf.TempError("SPF evaluation ran out of time")
        try:
            records = self._resolver.query(name, qtype)
        except DnsUnavailable as exc:
            raise pyspf.TempError(f"DNS lookup failed: {name} {qtype}") from exc
        if qtype == "TXT":
            return [[r.encode("utf-8")] for r in records]  # a record is a list of strings
        if qtype == "MX":
            return [mx for mx in map(parse_mx, records) if mx is not None]
        if qtype == "PTR":
            return [r.rstrip(".").lower() for r in records if r]
        version = 4 if qtype == "A" else 6
        return [r for r in records if _address(r, version)]


def _address(text: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False


def identity(mail_from: str, helo: str) -> tuple[str, str]:
    """What SPF checks: ``("mailfrom", domain)`` for an envelope sender, or ``("helo",
    name)`` when it is empty; the domain normalised, or ``""`` when there is none."""
    sender = mail_from.strip().strip("<>").strip()
    if sender:
        return "mailfrom", domains.normalise(sender.rpartition("@")[2]) or ""
    return "helo", domains.normalise(helo) or ""


def check(ip: str, mail_from: str, helo: str, resolver: Resolver, *,
          budget: float = BUDGET) -> Result:
    """The SPF result for a message from ``ip`` with envelope sender ``mail_from`` ("" or
    "<>" for a bounce) after ``helo``. Never raises."""
    sender = mail_from.strip().strip("<>").strip()
    kind, domain = identity(mail_from, helo)
    props = {f"smtp.{kind}": sender if kind == "mailfrom" else helo.strip()}
    props = {k: v for k, v in props.items() if v}
    if not domain or "." not in domain:
        # §4.3: a malformed or single-label domain has no SPF record to find.
        return Result("spf", "none", "no domain to check", props)
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return Result("spf", "permerror", "the peer address is not an IP address", props)
    local = sender.rpartition("@")[0] if kind == "mailfrom" else ""
    if not local or "@" in local:
        local = "postmaster"  # §4.3; a quoted local part holding "@" is not guessed at
    try:
        query = _Query(resolver=resolver, deadline=time.monotonic() + budget,
                       i=str(address), s=f"{local}@{domain}", h=domain if kind == "helo"
                       else (domains.normalise(helo) or helo.strip() or "unknown"))
        result, _code, explanation = query.check()
    except (pyspf.PermError, ValueError, UnicodeError, AssertionError) as exc:
        # AssertionError: pyspf's own guard against runaway recursion.
        return Result("spf", "permerror", str(exc)[:200], props)
    if result not in RESULTS:
        return Result("spf", "permerror", f"unexpected SPF result {result!r}", props)
    if result in ("temperror", "permerror"):
        reason = explanation
    else:
        reason = f"matched {query.mechanism}" if query.mechanism else ""
    return Result("spf", result, reason[:200], props)
