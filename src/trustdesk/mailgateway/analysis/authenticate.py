"""Sender authentication of one received message in one call: SPF for the envelope, DKIM
signatures, the ARC chain, DMARC for the author's domain, the DNS checks on the sender,
and the ``Authentication-Results`` value that records them.

The author is the single address of the single ``From`` header. Anything else — no
``From``, two of them, two addresses, a group, bytes that are not UTF-8, an address the
parser had to guess at — has no domain that DMARC could vouch for, so it is a DMARC
``permerror`` whose disposition is ``quarantine``: the gateway holds it for a person
rather than guess whose mail it is. Parsers disagree most on malformed headers, and that
disagreement is how a forged author gets past one and is shown by another.

``authenticate`` never raises on what a sender controls: a check that breaks on hostile
bytes gives its error result (a DMARC ``permerror``, a DKIM ``permerror``, an ARC
``fail``), which the policy treats as unchecked, never as clean.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from email import policy as email_policy
from email.errors import NonASCIILocalPartDefect, ObsoleteHeaderDefect
from email.parser import BytesHeaderParser
from email.policy import Compat32

from trustdesk.mailgateway.analysis import arc, checks, dkim_check, dmarc, domains, spf
from trustdesk.mailgateway.analysis.authres import Result, header_value
from trustdesk.mailgateway.analysis.dns import DnsUnavailable, Resolver

log = logging.getLogger(__name__)
# Seconds of DNS for one message, every check together: a DNS outage delays each
# message by at most this much (each lookup is bounded by the resolver's own lifetime).
BUDGET = 15.0
# Obsolete but unambiguous syntax ("John Q. Public <jqp@example.com>"), and UTF-8 local
# parts (RFC 6532), are what real mail has; every other defect means guessing.
_HARMLESS = (ObsoleteHeaderDefect, NonASCIILocalPartDefect)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_FROM_LINE = re.compile(rb"^from[ \t]*:", re.IGNORECASE | re.MULTILINE)


class _RawHeaders(Compat32):
    """Header values exactly as received (undecoded bytes as surrogates)."""

    def header_fetch_parse(self, name, value):
        return value


def author(raw: bytes) -> tuple[str | None, str]:
    """(the author's domain, normalised; "") or (None, why there is none)."""
    try:
        headers = BytesHeaderParser(policy=_RawHeaders()).parsebytes(raw)
        # "From :" is a From header to some readers: count it as one.
        values = [v for k, v in headers.items() if k.strip().lower() == "from"]
    except Exception:  # the stdlib parser on hostile bytes: fail closed
        log.info("message headers could not be parsed", exc_info=True)
        return None, "the headers could not be parsed"
    # Python's parser drops a "From :" line as a misplaced mbox separator; other readers
    # take it for the author. Count the header block's From lines as they are written.
    written = len(_FROM_LINE.findall(_BLANK_LINE.split(raw, maxsplit=1)[0]))
    if max(written, len(values)) > 1:
        return None, "several From headers"
    if written != len(values):
        return None, "the From header is malformed"
    if not values:
        return None, "no From header"
    try:
        text = _LINE_BREAK.sub("", values[0].encode("utf-8", "surrogateescape")
                               .decode("utf-8"))
    except UnicodeError:
        return None, "the From header is not UTF-8"
    try:
        header = email_policy.default.header_factory("From", text)
        addresses = header.addresses
        defects = [d for d in header.defects if not isinstance(d, _HARMLESS)]
        # RFC 5322 §3.6.2: From is a mailbox list; a group is not an author.
        defects += [g for g in header.groups if g.display_name is not None]
    except Exception as exc:  # e.g. RecursionError on "((((…": fail closed
        log.info("From header could not be parsed: %s", type(exc).__name__)
        return None, "the From header could not be parsed"
    if defects:
        return None, "the From header is malformed"
    if len(addresses) != 1:
        return None, "no author address" if not addresses else "several author addresses"
    domain = domains.normalise(addresses[0].domain)
    if domain is None:
        return None, "the author's domain is not a domain name"
    return domain, ""


@dataclass(frozen=True)
class Authentication:
    spf: Result
    dkim: tuple[Result, ...]
    arc: Result
    dmarc: dmarc.Verdict
    from_domain: str | None  # None: no single, well-formed author (see the docstring)
    sender_domain: checks.SenderDomain  # the author's domain, else the envelope's
    reverse_dns: checks.ReverseDns
    rbl: checks.Blocklists
    header: str  # the Authentication-Results value


class _Budget:
    """The caller's resolver until the message's time is spent; then every lookup fails
    at once, so a DNS outage costs one budget per message, not a timeout per lookup."""

    def __init__(self, resolver: Resolver, seconds: float):
        self._resolver, self._deadline = resolver, time.monotonic() + seconds

    def txt(self, name: str) -> list[str]:
        return self.query(name, "TXT")

    def query(self, name: str, rdtype: str) -> list[str]:
        if time.monotonic() > self._deadline:
            raise DnsUnavailable(f"{name} {rdtype}: the message's DNS time is spent")
        return self._resolver.query(name, rdtype)


def _guarded(what: str, fallback, check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except Exception:  # a check broken by the message is its error result, not a crash
        log.warning("%s could not be completed", what, exc_info=True)
        return fallback


def _unchecked(method: str, result: str) -> Result:
    return Result(method, result, "the check could not be completed")


def authenticate(raw: bytes, *, peer_ip: str, helo: str, mail_from: str,
                 resolver: Resolver, authserv_id: str,
                 rbl_zones: tuple[str, ...] | list[str] = (),
                 budget: float = BUDGET) -> Authentication:
    """Every check on ``raw`` as received from ``peer_ip`` after ``HELO helo`` and ``MAIL
    FROM:<mail_from>`` ("" for a bounce); all DNS through ``resolver``, within
    ``budget`` seconds for the message. Never raises on what the message contains."""
    mail_from, helo, peer_ip = mail_from or "", helo or "", peer_ip or ""
    resolver = _Budget(resolver, budget)
    spf_result = _guarded("SPF", _unchecked("spf", "permerror"), spf.check, peer_ip,
                          mail_from, helo, resolver, budget=budget)
    dkim_results = tuple(_guarded("DKIM", [_unchecked("dkim", "permerror")],
                                  dkim_check.verify, raw, resolver))
    arc_result = _guarded("ARC", _unchecked("arc", "fail"), arc.verify, raw, resolver)
    from_domain, problem = _guarded("From", (None, "the From header could not be read"),
                                    author, raw)
    if from_domain is None:
        verdict = dmarc.Verdict(Result("dmarc", "permerror", problem), "quarantine", None)
    else:
        verdict = _guarded(
            "DMARC", dmarc.Verdict(_unchecked("dmarc", "permerror"), "quarantine", None),
            dmarc.evaluate, from_domain, spf=(spf_result.result,
                                              spf.identity(mail_from, helo)[1]),
            dkim=list(dkim_results), resolver=resolver)
    unchecked = "the check could not be completed"
    sender = _guarded("sender domain", checks.SenderDomain("temperror", unchecked),
                      checks.sender_domain, from_domain or spf.identity(mail_from, "")[1],
                      resolver)
    rdns = _guarded("reverse DNS", checks.ReverseDns("temperror", unchecked),
                    checks.reverse_dns, peer_ip, resolver)
    listed = _guarded("blocklists", checks.Blocklists("temperror", unchecked), checks.rbl,
                      peer_ip, tuple(rbl_zones), resolver)
    header = header_value(authserv_id, [spf_result, *dkim_results, verdict.result,
                                        arc_result])
    return Authentication(spf=spf_result, dkim=dkim_results, arc=arc_result,
                          dmarc=verdict, from_domain=from_domain, sender_domain=sender,
                          reverse_dns=rdns, rbl=listed, header=header)
