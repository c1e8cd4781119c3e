"""The gateway's decision on one message: accept, suspend (hold for an officer), tempfail
(ask the sender to retry) or reject, with a reason code, the reason in plain words, the
SMTP reply and every check's result.

``decide`` takes plain facts (``Facts``): the checks are made elsewhere (sender
authentication, DNS, the scanner) and the listener fills them in. The order, first rule
that applies wins:

1. a deny-list entry matches                          → reject ``list_deny``
2. a country deny entry cannot be checked (GeoIP file
   configured but unreadable)                         → tempfail ``country_unavailable``
3. DMARC fails, the domain says p=reject and the
   support address honours DMARC                      → reject ``dmarc_reject``
4. the scanner found malware                          → suspend ``malware``
   the phishing analyser is confident it is phishing  → suspend ``phishing``
5. an allow-list entry counts (``lists``)             → accept ``list_allow``
6. the client is on a DNS blocklist                   → reject ``rbl_listed``
7. the sender's domain does not exist / has a null MX → reject ``sender_domain_nxdomain``
                                                         / ``sender_domain_no_mail``
8. a DNS lookup that decides failed for now (the
   sender's domain; DMARC where it is honoured)       → tempfail ``dns_temperror``
9. the analyser rates it spam (selling, no deceit)    → suspend ``spam``
   DMARC fails with p=quarantine, honoured            → suspend ``dmarc_quarantine``
10. otherwise                                         → accept ``accepted``

Why an allow entry sits where it does: it is the administrator's knowledge of a sender
(an authenticated partner domain, a relay's network), so it outweighs third parties'
opinions and soft signals: blocklists, a sender domain internal systems use without
public DNS, a DNS hiccup, quarantine, greylisting, a missing reverse DNS name. It does
not outweigh the deny list (deny wins over allow), a country rule that could not be
checked, a domain owner's explicit DMARC reject (the per-address ``honour_dmarc`` switch
is the knob for that), or malware: a partner's compromised machine is still compromised.

A missing or mismatched reverse DNS name is recorded and never decides alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trustdesk.mailgateway import lists as lists_module
from trustdesk.mailgateway.lists import Lists

ACTIONS = ("accept", "suspend", "tempfail", "reject")
DMARC_RESULTS = ("pass", "fail", "none", "temperror", "permerror")
DISPOSITIONS = ("none", "quarantine", "reject")
SENDER_DOMAIN = ("pass", "no_mail", "nxdomain", "temperror")
REVERSE_DNS = ("pass", "none", "mismatch", "temperror")

# code -> (action, SMTP code, SMTP text); enhanced status codes from RFC 3463, 7372, 7505.
REASONS: dict[str, tuple[str, int | None, str]] = {
    "accepted": ("accept", None, ""),
    "list_allow": ("accept", None, ""),
    "list_deny": ("reject", 550, "5.7.1 Message refused by the recipient's policy"),
    "country_unavailable": ("tempfail", 451, "4.3.0 Temporary local problem, try again "
                            "later"),
    "dmarc_reject": ("reject", 550, "5.7.26 Unauthenticated mail from {domain} is refused "
                     "under its DMARC policy"),
    "malware": ("suspend", None, ""),
    "phishing": ("suspend", None, ""),
    "spam": ("suspend", None, ""),
    "rbl_listed": ("reject", 554, "5.7.1 Client host is on a DNS blocklist ({zones})"),
    "sender_domain_nxdomain": ("reject", 550, "5.1.8 Sender address rejected: domain not "
                               "found"),
    "sender_domain_no_mail": ("reject", 550, "5.7.27 Sender address has null MX"),
    "dns_temperror": ("tempfail", 451, "4.4.3 Temporary DNS failure, try again later"),
    "dmarc_quarantine": ("suspend", None, ""),
}


@dataclass(frozen=True)
class Facts:
    """What the listener knows about one message. Addresses are as received; domains
    lower-case. ``country`` is a code, None (unknown or no database) or ``"unavailable"``.
    ``authenticated_domains``: domains with an SPF or DKIM pass aligned with the From
    domain."""

    peer_ip: str
    mail_from: str = ""  # the envelope sender; empty for a bounce
    from_address: str | None = None
    from_domain: str | None = None
    country: str | None = None
    dmarc_result: str = "none"
    dmarc_disposition: str = "none"
    dmarc_policy_domain: str | None = None
    authenticated_domains: frozenset[str] = frozenset()
    sender_domain: str = "pass"
    reverse_dns: str = "pass"
    rbl_listed: tuple[str, ...] = ()
    honour_dmarc: bool = True
    malware: bool = False
    phishing: bool = False  # the phishing analyser's high-confidence verdict
    spam: bool = False  # the analyser's spam verdict (never with phishing or suspicious)

    def __post_init__(self) -> None:
        # A value outside these is a bug in the caller: refuse it rather than guess.
        for name, allowed in (("dmarc_result", DMARC_RESULTS),
                              ("dmarc_disposition", DISPOSITIONS),
                              ("sender_domain", SENDER_DOMAIN),
                              ("reverse_dns", REVERSE_DNS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"Facts.{name} must be one of {allowed}, "
                                 f"not {getattr(self, name)!r}")
        object.__setattr__(self, "authenticated_domains",
                           frozenset(d.lower().rstrip(".") for d in self.authenticated_domains))
        object.__setattr__(self, "rbl_listed", tuple(self.rbl_listed))

    @property
    def authenticated(self) -> frozenset[str]:
        """The domains this message authenticated for: the aligned passes, and the From
        domain itself on a DMARC pass."""
        extra = {self.from_domain.lower()} if self.dmarc_result == "pass" and \
            self.from_domain else set()
        return self.authenticated_domains | extra


@dataclass(frozen=True)
class Decision:
    action: str  # accept, suspend, tempfail, reject
    reason: str  # a code of REASONS
    text: str  # the reason in plain words, for the console (no address in it)
    smtp_code: int | None = None  # for tempfail and reject
    smtp_text: str = ""  # enhanced status code and text, e.g. "5.7.1 …"
    checks: dict = field(default_factory=dict)  # every check's result, JSON-able

    @property
    def allowed(self) -> bool:
        """An allow entry decided: the listener skips greylisting for this sender."""
        return self.reason == "list_allow"


def _domain(facts: Facts) -> str:
    return facts.dmarc_policy_domain or facts.from_domain or "the sender's domain"


def _text(reason: str, facts: Facts, verdict) -> str:
    d = _domain(facts)
    match reason:
        case "accepted":
            return "The message passed the gateway's checks."
        case "list_allow":
            return (f"The sender matched {verdict.entry.describe()}: blocklists, the sender "
                    "domain and quarantine checks and greylisting were skipped.")
        case "list_deny":
            return f"The message was refused: the sender matched {verdict.entry.describe()}."
        case "country_unavailable":
            return ("The country of the sending server could not be looked up (the GeoIP "
                    "database is missing or unreadable) and a country on the deny list "
                    "would have to judge it: the sender was asked to retry later.")
        case "dmarc_reject":
            return (f"The sender's domain publishes a DMARC policy of reject and this "
                    f"message failed it: it is not from {d}.")
        case "malware":
            return ("An attachment was found to be malicious: the message is held for a "
                    "security officer.")
        case "phishing":
            return ("The phishing analyser is confident this message is phishing (its "
                    "reasons are listed with it): it is held for a security officer.")
        case "spam":
            return ("The analyser rates this message spam: it sells what spam sells and "
                    "nobody on the helpdesk's allow list sent it. It is held, not "
                    "refused, so that a security officer can release a real one.")
        case "rbl_listed":
            return ("The sending server is listed on the DNS blocklist "
                    f"{', '.join(facts.rbl_listed)}.")
        case "sender_domain_nxdomain":
            return "The sender's domain does not exist, so no reply could reach it."
        case "sender_domain_no_mail":
            return ("The sender's domain publishes a null MX: it declares that it sends "
                    "and receives no mail.")
        case "dns_temperror":
            return ("A DNS lookup needed to judge this message failed for now (the sender's "
                    "domain or its DMARC policy): the sender was asked to retry later.")
        case "dmarc_quarantine":
            return (f"The sender's domain publishes a DMARC policy of quarantine and this "
                    f"message failed it: it may not be from {d}. It is held for review.")
    raise ValueError(reason)


def _checks(facts: Facts, verdict) -> dict:
    """No address in here: it is kept in clear beside the sealed message."""
    return {
        "lists": verdict.as_check(),
        "country": facts.country,
        "dmarc": {"result": facts.dmarc_result, "disposition": facts.dmarc_disposition,
                  "policy_domain": facts.dmarc_policy_domain,
                  "honoured": facts.honour_dmarc},
        "from_domain": facts.from_domain,
        "authenticated_domains": sorted(facts.authenticated),
        "sender_domain": facts.sender_domain,
        "reverse_dns": facts.reverse_dns,
        "rbl": list(facts.rbl_listed),
        "malware": facts.malware,
    }


def _reason(facts: Facts, verdict) -> str:
    dmarc_failed = facts.dmarc_result == "fail" and facts.honour_dmarc
    if verdict.action == "deny":
        return "list_deny"
    if verdict.country_undecided:
        return "country_unavailable"
    if dmarc_failed and facts.dmarc_disposition == "reject":
        return "dmarc_reject"
    if facts.malware:
        return "malware"
    if facts.phishing:
        # Before the allow list: a trusted partner's compromised account is still
        # sending phishing.
        return "phishing"
    if verdict.action == "allow":
        return "list_allow"
    if facts.rbl_listed:
        return "rbl_listed"
    if facts.sender_domain == "nxdomain":
        return "sender_domain_nxdomain"
    if facts.sender_domain == "no_mail":
        return "sender_domain_no_mail"
    if facts.sender_domain == "temperror" or (
            facts.dmarc_result == "temperror" and facts.honour_dmarc):
        return "dns_temperror"
    if facts.spam:
        return "spam"  # held, not refused: a wrong spam verdict can be released
    if dmarc_failed and facts.dmarc_disposition == "quarantine":
        return "dmarc_quarantine"
    return "accepted"


def decide(facts: Facts, lists: Lists | None = None) -> Decision:
    """The decision on one message. ``lists`` defaults to the current lists (cached per
    process, ``lists.current``)."""
    compiled = lists if lists is not None else lists_module.current()
    verdict = lists_module.evaluate(
        compiled, peer_ip=facts.peer_ip, mail_from=facts.mail_from,
        from_address=facts.from_address, from_domain=facts.from_domain, country=facts.country,
        authenticated=facts.authenticated)
    reason = _reason(facts, verdict)
    action, code, smtp = REASONS[reason]
    checks = _checks(facts, verdict)
    checks["decision"] = {"action": action, "reason": reason}
    return Decision(action=action, reason=reason, text=_text(reason, facts, verdict),
                    smtp_code=code,
                    smtp_text=smtp.format(domain=_domain(facts),
                                          zones=", ".join(facts.rbl_listed)),
                    checks=checks)
