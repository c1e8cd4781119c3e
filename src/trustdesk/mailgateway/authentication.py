"""The gateway's judgement of one message at the end of DATA: sender authentication
(``analysis.authenticate``: SPF, DKIM, DMARC, ARC, DNS checks), the country of the client
address, display-name impersonation, then the policy (``policy.decide``).

The message is stored with a fresh ``Authentication-Results`` header on top; any such
header already in it that names this server's authserv-id is removed first (RFC 8601
§5), so a sender cannot write its own verdict.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.conf import settings

from trustdesk.core.actor import Actor
from trustdesk.mailgateway import geo, policy, resolver
from trustdesk.mailgateway.analysis import dkim_check, domains, impersonation
from trustdesk.mailgateway.analysis import message as mime
from trustdesk.mailgateway.analysis.authenticate import Authentication, authenticate
from trustdesk.mailgateway.analysis.phishing import analyze as phishing_analyze
from trustdesk.mailgateway.analysis.phishing import base as phishing_base
from trustdesk.mailgateway.models import Route

SYSTEM = Actor.system("mail gateway")
SENDER_DOMAIN = {"pass": "pass", "nullmx": "no_mail", "none": "nxdomain",
                 "temperror": "temperror"}
_NAMES_TTL = 30.0
_names: tuple[float, tuple[str, ...], tuple[str, ...]] = (0.0, (), ())


@dataclass(frozen=True)
class Judged:
    decision: policy.Decision
    raw: bytes
    auth: Authentication


def forget() -> None:
    global _names
    _names = (0.0, (), ())


def _context() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The company's domains (its support addresses') and its people's names, cached."""
    global _names
    loaded, company, people = _names
    if time.monotonic() - loaded > _NAMES_TTL:
        from trustdesk.accounts.models import User

        company = tuple({r.address.rpartition("@")[2] for r in Route.objects.all()})
        people = tuple(User.objects.filter(is_active=True).exclude(full_name="")
                       .values_list("full_name", flat=True)[:5000])
        _names = (time.monotonic(), company, people)
    return company, people


_AR_NAME = re.compile(rb"(?i)authentication-results[ \t]*:")
_COMMENT = re.compile(rb"\((?:[^()\\]|\\.)*\)")


def _authserv_id(field: bytes) -> bytes | None:
    """The authserv-id an ``Authentication-Results`` field names, lower-case; None for
    another header. Read as RFC 8601 §2.2 writes it — after any comments and folding,
    quoted or not, and followed by a version, a ``;`` or nothing — since a receiver that
    reads it so would take a forged one for ours."""
    match = _AR_NAME.match(field)
    if match is None:
        return None
    value = re.sub(rb"\s+", b" ", field[match.end():])
    for _ in range(5):  # nested comments, unwrapped from the inside out
        value = _COMMENT.sub(b" ", value)
    token = re.split(rb"[\s;]", value.strip(), maxsplit=1)[0].strip(b'"').lower()
    # Comments nested deeper than that, or no id at all: unreadable, so nobody's.
    return b"" if not token or b"(" in token or b")" in token else token


def _stamped(raw: bytes, header: str) -> bytes:
    ours = settings.SMTPD_HOSTNAME.encode().lower()
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    lines = re.split(rb"\r?\n(?![ \t])", head)
    # One whose id cannot be read goes too: no reader may take it for ours.
    kept = [line for line in lines if _authserv_id(line) not in (ours, b"")]
    return (f"Authentication-Results: {header}".encode("utf-8", "replace") + b"\r\n"
            + b"\r\n".join(kept) + sep + body)


# What an aligned DKIM signature must vouch for before the message counts as the
# signer's in a ticket: the author, and the subject the agent reads. DMARC itself asks
# for From alone; a signature that leaves Subject out lets anyone replay the signer's
# mail under a subject of their own ("New bank details for my refund").
VOUCHED = frozenset({"from", "subject"})


def authenticated(auth: Authentication, envelope, raw: bytes = b"") -> bool:
    """Whether the message is proven to be the From domain's: an SPF pass aligned with
    it (the domain's own server sent it), or an aligned DKIM pass whose signature covers
    From and Subject — where DMARC passed, or for a domain that publishes no DMARC
    policy, which is what DMARC would have checked."""
    if not auth.from_domain:
        return False
    dmarc = auth.dmarc.result.result
    if dmarc != "pass" and (auth.dmarc.policy is not None or dmarc != "none"):
        return False
    spf_domain = _domain_of(envelope.mail_from) or (envelope.helo or "").lower()
    if auth.spf.result == "pass" and domains.aligned(spf_domain, auth.from_domain):
        return True
    covered = dkim_check.signed_headers(raw)
    for result in auth.dkim:
        d = result.properties.get("header.d", "").lower()
        s = result.properties.get("header.s", "").lower()
        if (result.result == "pass" and domains.aligned(d, auth.from_domain)
                and covered.get((d, s), frozenset()) >= VOUCHED):
            return True
    return False


_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _no_address(text: str) -> str:
    # The verdicts are kept in clear beside the sealed message: domains, never addresses.
    return _ADDRESS.sub("[address]", text)[:300]


def _phishing(raw: bytes, parsed, auth, company, people):
    """The phishing analyser's verdict, with what the helpdesk knows: its own domains,
    its people's names, whether the sender is a known customer (or, from a new address,
    uses a customer's name), and what agents reported about the sender and their
    domain."""
    from trustdesk.customers import selectors as customers
    from trustdesk.mailgateway import reports

    address = parsed.from_address
    org = (domains.organisational(address.rpartition("@")[2]) or "") if address else ""
    known = frozenset()
    named = frozenset()
    reputation: dict = {}
    if address:
        if customers.customer_for_contact(actor=SYSTEM, field="email", value=address):
            known = frozenset({address})
        elif parsed.from_name and customers.customer_named(actor=SYSTEM,
                                                           name=parsed.from_name):
            # A first-time address with a customer's name: the analyser is told only
            # that this name is a customer's, never whose.
            named = frozenset({parsed.from_name})
        counts = reports.reputation_for(address, org)
        reputation = {"senders": {address: counts["sender_reports"]},
                      "domains": {org: counts["domain_reports"]} if org else {}}
    context = phishing_base.Context(own_domains=frozenset(company),
                                    agent_names=frozenset(people),
                                    customer_addresses=known, customer_names=named,
                                    reputation=reputation,
                                    knows_senders=True)
    view = phishing_analyze.view_of(raw, parsed, auth=auth)
    return phishing_analyze.verdict_of(phishing_analyze.run(view, context))


def _domain_of(identity: str) -> str:
    return identity.rpartition("@")[2].lower()[:253]


def judge(envelope, raw: bytes, *, route: Route) -> Judged:
    auth = authenticate(raw, peer_ip=envelope.peer_ip, helo=envelope.helo,
                        mail_from=envelope.mail_from, resolver=resolver.resolver(),
                        authserv_id=settings.SMTPD_HOSTNAME, rbl_zones=settings.DNSBL_ZONES)
    repeated = mime.repeated_headers(raw)
    # A pass vouches for the signed copy of a header; with two, the agent reads the other.
    passed = authenticated(auth, envelope, raw) and not repeated
    parsed = mime.parse(raw, mail_from=envelope.mail_from)
    company, people = _context()
    phishing = _phishing(raw, parsed, auth, company, people)
    facts = policy.Facts(
        peer_ip=envelope.peer_ip, mail_from=envelope.mail_from,
        from_address=parsed.from_address or None, from_domain=auth.from_domain,
        country=geo.country_of(envelope.peer_ip), dmarc_result=auth.dmarc.result.result,
        dmarc_disposition=auth.dmarc.disposition,
        dmarc_policy_domain=auth.dmarc.policy.domain if auth.dmarc.policy else None,
        authenticated_domains=frozenset({auth.from_domain}) if passed else frozenset(),
        sender_domain=SENDER_DOMAIN.get(auth.sender_domain.result, "temperror"),
        reverse_dns=auth.reverse_dns.result,
        rbl_listed=tuple(getattr(auth.rbl, "listed", ()) or ()),
        honour_dmarc=route.honour_dmarc, phishing=phishing.verdict == "phishing",
        spam=phishing.verdict == "spam")
    decision = policy.decide(facts)
    warning = impersonation.check(parsed.from_name, auth.from_domain,
                                  company_domains=company, names=people)
    decision.checks.update({
        "from_domain": auth.from_domain or "", "authenticated": bool(passed),
        # Domains, never addresses: the verdicts outlive the message's content.
        "spf": {"result": auth.spf.result,
                "domain": _domain_of(next(iter(auth.spf.properties.values()), ""))},
        "dkim": [{"result": r.result, **r.properties} for r in auth.dkim],
        "arc": {"result": auth.arc.result},
        "dmarc": {"result": auth.dmarc.result.result, "disposition": auth.dmarc.disposition,
                  "domain": auth.from_domain or ""},
        **({"impersonation": warning} if warning else {}),
        **({"repeated_headers": list(repeated)} if repeated else {}),
        "phishing": {"verdict": phishing.verdict, "score": phishing.score,
                     "reasons": [[r.signal, r.weight, _no_address(r.text)]
                                 for r in phishing.reasons if r.weight]},
    })
    return Judged(decision=decision, raw=_stamped(raw, auth.header), auth=auth)
