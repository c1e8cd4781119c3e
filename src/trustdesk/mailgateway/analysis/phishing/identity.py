"""Signals about who a message claims to be from: a readable sender, sender
authentication, display-name impersonation, lookalike and IDN domains; with ``senders``'
signals about the sending account (replies to free mail, a customer's name on a new
address, a known customer, reported senders).

Weights (a signal's reasons together never pass ``analyze.SIGNAL_CAP``, so one signal
alone never makes a verdict of phishing): see each class.
"""

from __future__ import annotations

import re

from trustdesk.mailgateway.analysis import domains, impersonation
from trustdesk.mailgateway.analysis.phishing import lookalike, senders, tables
from trustdesk.mailgateway.analysis.phishing.base import Context, MailView, Reason, Signal
from trustdesk.mailgateway.analysis.phishing.senders import domain_of, org_of

# Scripts whose letters pass for Latin ones (TR39's confusables are mostly these).
CONFUSABLE_SCRIPTS = frozenset({"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC",
                                "LISU", "VAI", "GEORGIAN", "NKO"})
_ADDRESS = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", re.UNICODE)


def _protected(context: Context) -> tuple[tuple[str, str], ...]:
    own = tuple(("", d.lower()) for d in sorted(context.own_domains))
    return own + tuple((name, d) for name, _, ds in tables.brands_of(context.brands)
                       for d in ds)


def _whose(match: lookalike.Match) -> str:
    return match.domain + (f" ({match.owner})" if match.owner else ", the helpdesk's own")


HOW = {
    lookalike.HOMOGLYPH: "uses look-alike characters to spell",
    lookalike.EDIT: "is one or two letters away from",
    lookalike.WORDS: "adds words to the name of",
    lookalike.SUBDOMAIN: "puts the name of {domain} in front of another domain, imitating",
    lookalike.SUFFIX: "has the same name as, under another ending,",
}


def describe(what: str, host: str, match: lookalike.Match) -> str:
    how = HOW[match.kind].format(domain=match.domain)
    return f"{what} {host} {how} {_whose(match)}."


class Authentication(Signal):
    """DMARC fail for the From domain (40 when its policy asks to quarantine or reject;
    20 when it only monitors, as many domains that send through a mailing service
    without alignment do; 15 on a mailing list, 10 when an ARC chain vouches for a
    forwarder), a DMARC permerror: no single well-formed author (30); SPF
    fail without a DKIM pass (15); DKIM signatures that all fail (10)."""

    name = "authentication"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        auth = mail.auth
        if auth is None:
            return []
        out = []
        dmarc = auth.dmarc.result.result
        domain = auth.from_domain or "the sender's domain"
        if dmarc == "fail":
            if auth.arc.result == "pass":
                out.append(Reason(self.name, 10, f"The message fails {domain}'s DMARC check, "
                                  "though a forwarder's ARC seal vouches for it."))
            elif mail.parsed.list_id:
                out.append(Reason(self.name, 15, f"The message fails {domain}'s DMARC check "
                                  "(it came through a mailing list, which can cause that)."))
            elif auth.dmarc.disposition == "none":
                out.append(Reason(self.name, 20, f"The message fails {domain}'s DMARC check "
                                  f"({domain} does not ask for failing mail to be refused)."))
            else:
                out.append(Reason(self.name, 40, f"The message fails {domain}'s DMARC check: "
                                  f"{domain} did not send it."))
        elif dmarc == "permerror":
            out.append(Reason(self.name, 30, "The sender cannot be authenticated: "
                              f"{auth.dmarc.result.reason or 'the From header is unusable'}."))
        dkim = [r.result for r in auth.dkim]
        if auth.spf.result == "fail" and "pass" not in dkim:
            out.append(Reason(self.name, 15, "The sending server is not one the sender's "
                              "domain allows (SPF fail)."))
        if "fail" in dkim and "pass" not in dkim:
            out.append(Reason(self.name, 10, "The message's DKIM signature does not verify: "
                              "it was changed or forged."))
        return out


class DisplayName(Signal):
    """The display name borrows the helpdesk's name or an agent's (40), a well-known
    brand's (30; 40 on free mail), a role inside the company (15; 30 on free mail), or
    shows an address at another domain than the one it is sent from (30)."""

    name = "display_name"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        shown, address = mail.parsed.from_name, mail.parsed.from_address
        domain = domain_of(address)
        if not shown:
            return []
        out = []
        what = impersonation.borrowed(shown, domain, company_domains=context.own_domains,
                                      names=context.agent_names)
        free = tables.is_freemail(domain)
        if what:
            # A vendor's "Support Team" writes from the vendor's domain; the company's IT
            # department does not write from free mail.
            weight = (30 if free else 15) if what == impersonation.ROLE else 40
            out.append(Reason(self.name, weight, impersonation.check(
                shown, domain, company_domains=context.own_domains,
                names=context.agent_names)))
        brands = tables.brands_of(context.brands)
        brand = impersonation.brand(shown, domain, brands)
        disguised = not brand and bool(brand := impersonation.brand(
            lookalike.skeleton(shown[:200]), domain, brands))
        if brand:
            how = " spelled with look-alike or invisible characters" if disguised else ""
            # Brands do not send from free mail.
            out.append(Reason(self.name, 40 if free else 30,
                              f"The sender calls themself \u201c{shown[:80]}\u201d, "
                              f"the name of {brand}{how}, but writes from "
                              f"{domain or 'no address'}, which is not one of {brand}'s "
                              "domains."))
        # A mailing list shows the poster's address in the name of its own (Google Groups:
        # "'ada@example.com' via devel" <devel@googlegroups.com>).
        for shown_domain in () if mail.parsed.list_id else _ADDRESS.findall(shown)[:3]:
            if org_of(shown_domain.lower()) != org_of(domain):
                out.append(Reason(self.name, 30, f"The display name shows an address at "
                                  f"{shown_domain.lower()}, but the mail comes from "
                                  f"{domain or 'no address'}."))
                break
        return out


def _lookalike_weight(match: lookalike.Match, *, link: bool) -> int:
    if match.kind == lookalike.WORDS and not match.lure:
        weight = 25
    elif match.kind == lookalike.EDIT:
        # A letter off a longer name is rarely another word; off a short one it may be.
        size = len(match.domain.split(".")[0])
        weight = 45 if size >= 7 else 35 if size == 6 else 30
    elif match.kind == lookalike.HOMOGLYPH:
        weight = 50
    elif match.kind == lookalike.SUFFIX:
        weight = 35 if match.owner else 40  # a brand's name under a generic ending
    else:
        weight = 40 if match.kind != lookalike.SUBDOMAIN else 45
    return weight - 10 if link else weight


class LookalikeDomain(Signal):
    """The From, Reply-To or Return-Path domain imitates the helpdesk's own or a
    well-known brand's: look-alike characters (50), a subdomain trick (45), one letter
    off a name of 7 or more (45; of 6: 35; of 5: 30), lure words added (40; other
    words: 25), the helpdesk's own name under another ending (40); when the display
    name claims a brand, a sender's domain one letter off it or under a generic ending
    (35)."""

    name = "lookalike_domain"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        protected = _protected(context)
        parsed = mail.parsed
        seen, out = set(), []
        sources = [("The sender's domain", domain_of(parsed.from_address))]
        sources += [("The Reply-To domain", domain_of(a)) for a in parsed.reply_to[:3]]
        sources.append(("The Return-Path domain", domain_of(parsed.return_path)))
        for what, host in sources:
            if not host or host in seen:
                continue
            seen.add(host)
            match = lookalike.compare(host, protected)
            if match:
                out.append(Reason(self.name, _lookalike_weight(match, link=False),
                                  describe(what, host, match)))
        claimed = _claimed_brand(mail, context)
        sender = domain_of(parsed.from_address)
        if not out and claimed and sender:
            domain = lookalike.near(sender, claimed[1])
            if domain:
                out.append(Reason(self.name, 35, f"The message claims to come from "
                                  f"{claimed[0]}, and the sender's domain {sender} is a "
                                  f"near miss of {domain}."))
        return out


class LookalikeLink(Signal):
    """A link goes to a host that imitates the helpdesk's or a brand's domain: the
    domain weights less 10 (a mail may mention a lookalike it warns about); or, in mail
    whose display name claims a brand it is not sent by, to one typing error off that
    brand's domain however short its name (30: ``upps.com`` from "UPS")."""

    name = "lookalike_link"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        protected = _protected(context)
        hosts = list(dict.fromkeys(link.host for link in mail.links[:200] if link.host))
        for host in hosts:
            match = lookalike.compare(host, protected)
            if match:
                return [Reason(self.name, _lookalike_weight(match, link=True),
                               describe("A link goes to", host, match))]
        claimed = _claimed_brand(mail, context)
        if claimed:
            name, brand_domains = claimed
            for host in hosts:
                domain = lookalike.near(host, brand_domains)
                if domain:
                    return [Reason(self.name, 30, f"The message claims to come from {name}, "
                                   f"and a link goes to {host}, a misspelling of {domain}.")]
        return []


def _claimed_brand(mail: MailView, context: Context) -> tuple[str, tuple[str, ...]] | None:
    """The brand the display name claims while the address is not the brand's."""
    brands = tables.brands_of(context.brands)
    shown = mail.parsed.from_name
    name = impersonation.brand(shown, domain_of(mail.parsed.from_address), brands) \
        if shown else ""
    return next(((n, ds) for n, _, ds in brands if n == name), None) if name else None


def _deceptive_idn(host: str) -> str:
    """Why an internationalised host name misleads, or ""."""
    for label in host.split("."):
        if not label.startswith("xn--"):
            continue
        found = lookalike.scripts(label)
        shown = lookalike.unicode_label(label)
        confusable = found & CONFUSABLE_SCRIPTS
        if confusable and ("LATIN" in found or len(confusable) > 1):
            return (f"mixes {' and '.join(s.title() for s in sorted(found))} letters in "
                    f"\u201c{shown}\u201d")
        skel = lookalike.skeleton(label)
        if confusable and found <= CONFUSABLE_SCRIPTS and skel.isascii() and skel.isalpha():
            return f"is written in letters that pass for Latin: \u201c{shown}\u201d reads as {skel}"
    return ""


class DeceptiveIdn(Signal):
    """An internationalised (punycode) domain that mixes Latin with look-alike scripts
    or spells a Latin word in them: in From (30), in a link (20)."""

    name = "idn_domain"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        address = domain_of(mail.parsed.from_address)
        host = domains.normalise(address) or address  # an EAI address's domain as punycode
        why = _deceptive_idn(host) if host else ""
        if why:
            return [Reason(self.name, 30, f"The sender's domain {host} {why}.")]
        for link_host in dict.fromkeys(link.host for link in mail.links[:200] if link.host):
            why = _deceptive_idn(link_host)
            if why:
                return [Reason(self.name, 20, f"A link goes to {link_host}, which {why}.")]
        return []


class Structure(Signal):
    """A message that cannot be read is not passed as clean: unparseable (35); several
    addresses in From (25), which readers show differently; no From address (15)."""

    name = "structure"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        parsed = mail.parsed
        if "unparseable message" in parsed.defects:
            return [Reason(self.name, 35, "The message could not be read, so it could not "
                           "be checked.")]
        if parsed.from_count > 1:
            return [Reason(self.name, 25, "The From header names several senders; mail "
                           "programs disagree on which one they show.")]
        if not parsed.from_address:
            return [Reason(self.name, 15, "The message has no usable sender address.")]
        return []


SIGNALS = (Structure, Authentication, DisplayName, LookalikeDomain, LookalikeLink, DeceptiveIdn,
           *senders.SIGNALS)
