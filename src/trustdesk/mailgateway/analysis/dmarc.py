"""DMARC (RFC 7489): the From domain's published policy, and whether the message passes
it — an SPF or DKIM pass on a domain aligned with the From domain.

The policy is looked up at ``_dmarc.<From domain>``, then at the organisational domain's
(§6.6.3). The disposition is the policy's ``p`` (``sp`` for a subdomain when given).
``pct`` is recorded but not sampled: a helpdesk suspends every failing message a policy
asks it to, not a share of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis.authres import Result
from trustdesk.mailgateway.analysis.dns import DnsUnavailable, Resolver

DISPOSITIONS = ("none", "quarantine", "reject")


@dataclass(frozen=True)
class Policy:
    domain: str  # where the record was found
    p: str
    sp: str | None = None
    adkim: str = "r"
    aspf: str = "r"
    pct: int = 100


def parse(record: str, domain: str) -> Policy | None:
    """The policy in a TXT record, or None when it is not a valid DMARC record (it must
    begin with ``v=DMARC1`` and name a known ``p``)."""
    tags = {}
    for i, part in enumerate(record.split(";")):
        name, sep, value = part.strip().partition("=")
        if not sep:
            if part.strip():
                return None
            continue
        name, value = name.strip().lower(), value.strip()
        if i == 0 and (name != "v" or value != "DMARC1"):
            return None
        tags[name] = value.lower() if name != "v" else value
    if tags.get("v") != "DMARC1" or tags.get("p") not in DISPOSITIONS:
        return None
    sp = tags.get("sp") if tags.get("sp") in DISPOSITIONS else None
    try:
        pct = min(100, max(0, int(tags.get("pct", "100"))))
    except ValueError:
        pct = 100
    return Policy(domain=domain, p=tags["p"], sp=sp,
                  adkim="s" if tags.get("adkim") == "s" else "r",
                  aspf="s" if tags.get("aspf") == "s" else "r", pct=pct)


def _record(name: str, resolver: Resolver) -> Policy | None:
    found = [p for p in (parse(r, name) for r in resolver.txt(f"_dmarc.{name}"))
             if p is not None]
    return found[0] if len(found) == 1 else None  # several records: none applies


def lookup(from_domain: str, resolver: Resolver) -> Policy | None:
    """The policy that applies to ``from_domain``; ``DnsUnavailable`` if the lookup
    could not be answered."""
    name = domains.normalise(from_domain)
    if name is None:
        return None
    if policy := _record(name, resolver):
        return policy
    org = domains.organisational(name)
    if org and org != name:
        return _record(org, resolver)
    return None


@dataclass(frozen=True)
class Verdict:
    result: Result
    disposition: str  # what the policy asks for this message: none, quarantine, reject
    policy: Policy | None


def evaluate(from_domain: str, *, spf: tuple[str, str], dkim: list[Result],
             resolver: Resolver) -> Verdict:
    """``spf`` is (result, the MAIL FROM or HELO domain it was for); ``dkim`` the
    signatures' results."""
    props = {"header.from": domains.normalise(from_domain) or from_domain}
    try:
        policy = lookup(from_domain, resolver)
    except DnsUnavailable:
        return Verdict(Result("dmarc", "temperror", "policy lookup failed", props), "none",
                       None)
    if policy is None:
        return Verdict(Result("dmarc", "none", "", props), "none", None)
    spf_result, spf_domain = spf
    passed = (spf_result == "pass" and domains.aligned(spf_domain, from_domain,
                                                       strict=policy.aspf == "s")) or any(
        r.result == "pass" and domains.aligned(r.properties.get("header.d", ""),
                                                from_domain, strict=policy.adkim == "s")
        for r in dkim)
    if passed:
        return Verdict(Result("dmarc", "pass", "", props), "none", policy)
    subdomain = domains.normalise(from_domain) != policy.domain
    disposition = (policy.sp if subdomain and policy.sp else policy.p)
    return Verdict(Result("dmarc", "fail", "", {**props, "policy.dmarc": disposition}),
                   disposition, policy)
