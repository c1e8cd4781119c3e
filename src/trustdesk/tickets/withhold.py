"""A conversation as one reader may see it: the values intake tokenized, each shown as
the field policy shows the matching profile field to that reader's role.

Intake stores a detected value as a fragment holding its masked form and a vault token:
``[EMAIL_ADDRESS a***@example.org, token pii_email_address_…]``, or for a card
``[card 411111••••••1111, token card_…]``. Nothing else in a body is personal data the
policy could hide, so rendering is a substitution of fragments, per reader:

| decision (``customers.entities``) | the reader gets |
|---|---|
| hidden | ``[email withheld]`` |
| masked | ``[EMAIL_ADDRESS a***@example.org]``: no token, nothing more to ask for |
| revealable | the masked form and the token, which a reveal with a reason opens |
| visible | the value in clear (opened from the vault here, server-side) |
| locked (no need to know) | ``[email withheld]``, with the token for a break-glass if the |
| | role could reveal it |

The console and the API both show ``render`` (``ticket_get`` sets ``parts`` and ``body``
on every opened message), and text attachments go through the same substitution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trustdesk.access import fields as fp
from trustdesk.access import policy
from trustdesk.core.actor import Actor
from trustdesk.customers import entities
from trustdesk.customers.models import Customer, subject_for
from trustdesk.customers.visibility import known_customers
from trustdesk.vault import cards
from trustdesk.vault import tokens as vault_tokens
from trustdesk.vault.errors import TokenUnknown

CARD_TOKEN = re.compile(r"card_[A-Za-z0-9_-]{24}")
# A token as it appears in a message body (intake writes "[…, token <token>]").
TOKEN_IN_TEXT = re.compile(rf"(?<![\w-])(?:{CARD_TOKEN.pattern}|{vault_tokens.PATTERN.pattern})"
                           r"(?![\w-])")
# A whole fragment as intake writes it, or a token on its own (pasted into a note).
FRAGMENT = re.compile(
    rf"\[(?:card (?P<card_masked>[0-9•*\s-]{{4,40}}), token (?P<card>{CARD_TOKEN.pattern})"
    rf"|(?P<entity>[A-Z][A-Z0-9_]{{1,63}}) (?P<masked>[^\n\[\]]{{0,300}}?), token "
    rf"(?P<pii>{vault_tokens.PATTERN.pattern}))\]"
    rf"|{TOKEN_IN_TEXT.pattern}")


def entity_hint(token: str) -> str:
    """The entity a token's prefix names (the vault row decides on a reveal)."""
    if CARD_TOKEN.fullmatch(token):
        return "CREDIT_CARD"
    if vault_tokens.PATTERN.fullmatch(token):
        return token[len(vault_tokens.PREFIX):-33].upper()
    return ""


@dataclass(frozen=True)
class Viewer:
    """Who reads one customer's conversation, and what they may do with its tokens."""

    actor: Actor
    customer_id: object
    known: bool  # a need to know this customer
    can_reveal: bool  # ``customer.reveal``, and the customer not erased


def viewer(actor: Actor, customer: Customer) -> Viewer:
    return Viewer(actor=actor, customer_id=customer.pk,
                  known=customer.pk in known_customers(actor, [customer.pk]),
                  can_reveal=customer.status != Customer.Status.ERASED
                  and policy.has_permission(actor, "customer.reveal"))


@dataclass(frozen=True)
class Part:
    """A piece of a body: plain ``text``, or a value as the reader may see it (``text``
    is then what to display; ``token`` is set when a reveal, or with ``decision``
    ``locked`` a break-glass, is offered)."""

    text: str
    token: str = ""
    entity: str = ""
    decision: str = ""

    @property
    def as_text(self) -> str:
        """The part as plain text (the API's body): a revealable value keeps its token,
        so a client can ask for the reveal."""
        if not self.token:
            return self.text
        return f"{self.text[:-1]}, token {self.token}]"


def revealable(actor: Actor, entity: str) -> bool:
    """Whether ``actor``'s role may reveal values of ``entity`` at all (need-to-know
    aside): ``customer.reveal`` and a revealable or visible decision on its field."""
    return policy.has_permission(actor, "customer.reveal") and \
        entities.underlying(actor, entity) in (fp.REVEALABLE, fp.VISIBLE)


def render(view: Viewer, body: str) -> list[Part]:
    """``body`` cut into plain text and values, each value as ``view`` may see it. The
    installation itself (a job, the command line) reads bodies as stored, tokens and
    masks: it is no reader, and ``customer_text`` is the one way to the clear values."""
    if view.actor.is_system:
        return [Part(body)]
    parts, pos = [], 0
    for m in FRAGMENT.finditer(body):
        if m.start() > pos:
            parts.append(Part(body[pos:m.start()]))
        parts.append(_value(view, m))
        pos = m.end()
    if pos < len(body) or not parts:
        parts.append(Part(body[pos:]))
    return parts


def as_text(parts: list[Part]) -> str:
    return "".join(p.as_text for p in parts)


def _value(view: Viewer, m: re.Match) -> Part:
    token = m.group("card") or m.group("pii") or m.group(0)
    entity = entity_hint(token)
    name = "card" if entity == "CREDIT_CARD" else entity
    masked = m.group("card_masked") if entity == "CREDIT_CARD" else m.group("masked")
    shown = f"[{name} {masked}]" if masked else f"[{name}]"
    withheld = f"[{entities.label(entity)} withheld]"
    decision = entities.decision(view.actor, entity, known=view.known)
    may_reveal = view.can_reveal and revealable(view.actor, entity)
    if decision == fp.VISIBLE:
        value = _clear(view.customer_id, token)
        return Part(value if value is not None else withheld, entity=entity)
    if decision == fp.REVEALABLE:
        return Part(shown, token=token if may_reveal else "", entity=entity,
                    decision=fp.REVEALABLE if may_reveal else "")
    if decision == fp.MASKED:
        return Part(shown, entity=entity)
    if decision == fp.LOCKED and may_reveal:
        return Part(withheld, token=token, entity=entity, decision=fp.LOCKED)
    return Part(withheld, entity=entity)


def _clear(customer_id, token: str) -> str | None:
    subject = subject_for(customer_id)
    try:
        if CARD_TOKEN.fullmatch(token):
            return cards.detokenize(subject, token)
        return vault_tokens.detokenize(subject, token).value
    except TokenUnknown:
        return None  # not this customer's token: written by hand, shown as withheld


def render_messages(actor: Actor, customer: Customer, messages, *,
                    view: Viewer | None = None) -> Viewer:
    """Render opened messages in place for ``actor``: ``parts`` for the console, ``body``
    (their text) for the API. Returns the ``viewer`` they were rendered for."""
    view = view or viewer(actor, customer)
    for message in messages:
        message.parts = render(view, message.body)
        message.body = as_text(message.parts)
    return view


def render_bytes(actor: Actor, customer: Customer, content: bytes) -> bytes:
    """The same for an attachment: intake writes fragments into the text files it
    redacts. The substitution touches nothing but fragments, and bytes that are not
    UTF-8 survive the round trip (``surrogateescape``), so it needs no type check."""
    if b", token " not in content:
        return content
    text = content.decode("utf-8", errors="surrogateescape")
    text = as_text(render(viewer(actor, customer), text))
    return text.encode("utf-8", errors="surrogateescape")


def may_read(view: Viewer, decision: str, *, revealable_here: bool = True) -> bool:
    """Whether ``view`` reads a value of this ``decision`` in clear, or may open it with
    a reveal (``revealable_here``: its role may reveal this kind of value)."""
    return decision == fp.VISIBLE or (decision == fp.REVEALABLE and view.can_reveal
                                      and revealable_here)


def readable_text(view: Viewer, body: str) -> str:
    """``body`` with the tokens ``view`` may read opened: those shown in clear and those
    a reveal it may ask for would open. The reply guard compares a reply with this, never
    with values the reader could not get: that would answer "is this their number?"
    about a locked, masked or hidden value, with nothing recorded."""
    def clear(m: re.Match) -> str:
        token = m.group("card") or m.group("pii") or m.group(0)
        entity = entity_hint(token)
        decision = entities.decision(view.actor, entity, known=view.known)
        if may_read(view, decision, revealable_here=revealable(view.actor, entity)):
            value = _clear(view.customer_id, token)
            if value is not None:
                return value
        return m.group(0)
    return FRAGMENT.sub(clear, body)


def customer_text(customer_id, body: str) -> str:
    """``body`` with every token of this customer opened: the customer's own copy, for
    the path that sends a reply to them (and for the reply guard's comparison). Never
    shown to a member of staff."""
    def clear(m: re.Match) -> str:
        token = m.group("card") or m.group("pii") or m.group(0)
        value = _clear(customer_id, token)
        return value if value is not None else m.group(0)
    return FRAGMENT.sub(clear, body)
