"""The phishing analyser's contract: what a signal reads (``MailView``, ``Context``), what
it says (``Reason``) and what the analyser returns (``Verdict``).

A signal is a small class with a ``name`` and a ``check(mail, context)`` that returns
reasons. It must be fast (no network, regexes compiled once) and must not raise; the
analyser still catches anything it raises and records it as a weight-0 reason named
``"<signal>_error"``, so one broken signal never hides the others.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from trustdesk.mailgateway.analysis import domains

if TYPE_CHECKING:
    from trustdesk.mailgateway.analysis.message import Parsed

VerdictName = Literal["clean", "suspicious", "phishing", "spam"]


@dataclass(frozen=True)
class Reason:
    signal: str  # the signal's name, e.g. "lookalike_domain"
    weight: int  # points added to the score (negative for a good sign)
    text: str  # plain words for an agent


@dataclass(frozen=True)
class Link:
    href: str  # the target as written
    text: str  # the visible text ("" for a bare URL in plain text)
    host: str  # the target's host, lower-case, IDN in punycode ("" if none)


@dataclass(frozen=True)
class MailView:
    """What every signal reads; built once per message by the analyser."""

    raw: bytes
    parsed: Parsed
    html: str  # the raw HTML body part ("" if none)
    text: str  # the plain text (or the HTML turned into text)
    links: tuple[Link, ...]  # from phishing.links.extract(html, text)
    auth: object | None  # analysis.authenticate.Authentication, or None when not checked
    findings: tuple  # (Part, analysis.attachments.Finding) per attachment


@dataclass(frozen=True)
class Context:
    """What the helpdesk knows that a gateway does not."""

    own_domains: frozenset[str] = frozenset()  # the helpdesk's domains
    brands: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (brand, its domains); () = bundled
    agent_names: frozenset[str] = frozenset()
    customer_addresses: frozenset[str] = frozenset()  # known customers' addresses
    customer_names: frozenset[str] = frozenset()  # known customers' names
    reputation: dict = field(default_factory=dict)  # reported senders/domains
    # True when ``customer_addresses`` is known to hold the sender if they are a customer
    # (the gateway looked them up): only then is a sender not in it a first-time sender.
    # Without it, signals that weigh "never seen before" weigh less.
    knows_senders: bool = False

    # Derived once per context, not once per signal and message: with thousands of
    # known customers, rebuilding these sets was most of some signals' time.
    @cached_property
    def known_addresses(self) -> frozenset[str]:
        return frozenset(a.lower() for a in self.customer_addresses)

    @cached_property
    def own_orgs(self) -> frozenset[str]:
        return frozenset(org_of(d.lower()) for d in self.own_domains)

    @cached_property
    def customer_name_keys(self) -> frozenset[str]:
        return frozenset(name_key(n) for n in self.customer_names)


def org_of(domain: str) -> str:
    """The organisational domain (``mail.example.co.uk`` → ``example.co.uk``)."""
    return domains.organisational(domain) or domain


def name_key(name: str) -> str:
    """A display name compared without case, punctuation or spacing."""
    return " ".join(re.findall(r"\w+", (name or "").lower()))


class Signal(abc.ABC):
    """One signal: a subclass names itself and says what it found in a message."""

    name: str = ""

    @abc.abstractmethod
    def check(self, mail: MailView, context: Context) -> list[Reason]:
        """The reasons this signal finds in ``mail`` (none: an empty list)."""


@dataclass(frozen=True)
class Verdict:
    verdict: VerdictName
    score: int  # 0..100
    reasons: tuple[Reason, ...] = ()
