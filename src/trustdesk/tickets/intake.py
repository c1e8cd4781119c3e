"""PII redaction on intake: what a customer writes is scanned before it is stored, and
each kind of PII is kept, masked, replaced or tokenized as the policy says.

The policy is ``DEFAULTS`` with ``settings.PII_REDACTION`` merged over it. Card numbers
and secrets can never be kept in clear: an agent does not need them to help, and a
leaked ticket export would expose them. Card numbers are tokenized in the vault (the
sealed PAN stays reversible; the message shows BIN and last four, as PCI DSS allows).

Identity and account numbers are tokenized too rather than masked: now and then an agent
does need the whole value (a refund to an IBAN, an ID number to check against a form),
and a masked value would send them back to the customer to ask for it over the channel
it should never have gone through. The token keeps it sealed under the customer's key
(erased with them) and every reveal is asked for with a reason and audited. Secrets are
never tokenized: a stored password is a stored password, however well sealed.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from trustdesk import pii
from trustdesk.core.errors import ConfigurationError
from trustdesk.customers import entities
from trustdesk.customers.models import subject_for
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.vault import cards
from trustdesk.vault import tokens as vault_tokens

ACTIONS = ("keep", "mask", "replace", "tokenize")
DEFAULTS = {
    "CREDIT_CARD": "tokenize",
    "PASSWORD": "replace", "API_KEY": "replace", "PRIVATE_KEY": "replace",
    "US_SSN": "tokenize", "IBAN_CODE": "tokenize", "CN_RESIDENT_ID": "tokenize",
    "US_BANK_NUMBER": "tokenize", "ABA_ROUTING_NUMBER": "tokenize", "PASSPORT": "tokenize",
    "DRIVER_LICENSE": "tokenize",
    # Contact details, birth dates and addresses are tokenized too, so that each reader
    # sees them as the field policy shows the matching profile field (an admin does not
    # read a customer's phone number in a message any more than on the profile).
    "EMAIL_ADDRESS": "tokenize", "PHONE_NUMBER": "tokenize", "DATE_TIME": "tokenize",
    "STREET_ADDRESS": "tokenize", "LOCATION": "tokenize",
    "IP_ADDRESS": "keep", "URL": "keep",
}
SECRETS = frozenset({"PASSWORD", "API_KEY", "PRIVATE_KEY"})
NEVER_KEPT = frozenset({"CREDIT_CARD"}) | SECRETS
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/csv")
TEXT_SUFFIXES = (".txt", ".csv", ".log", ".json", ".md", ".xml", ".tsv", ".ini", ".yaml",
                 ".yml", ".eml")


def policy() -> dict[str, str]:
    """Entity → action. Raises ``ConfigurationError`` for an unknown action, keeping a
    card or secret, or tokenizing a secret."""
    merged = {**DEFAULTS, **getattr(settings, "PII_REDACTION", {})}
    for entity, action in merged.items():
        if action not in ACTIONS:
            raise ConfigurationError(f"PII_REDACTION[{entity!r}] must be one of "
                                     f"{', '.join(ACTIONS)}, not {action!r}.")
        if action == "keep" and entity in NEVER_KEPT:
            raise ConfigurationError(f"PII_REDACTION cannot keep {entity} in clear.")
        if action == "tokenize" and entity in SECRETS:
            raise ConfigurationError(f"PII_REDACTION cannot tokenize {entity}: a secret is "
                                     "never stored, not even sealed; mask or replace it.")
    return merged


@dataclass
class Redacted:
    text: str
    counts: Counter = field(default_factory=Counter)


def redact_text(customer_id, text: str, *, tokens: bool = True) -> Redacted:
    """``text`` with its PII handled by the policy; ``counts`` says what was changed.
    With ``tokens`` false (a subject line), what would be tokenized is masked instead,
    or left out (``SUBJECT_WITHHELD``)."""
    rules = policy()
    findings = [f for f in pii.scan(text) if rules.get(f.entity, "keep") != "keep"]
    if not findings:
        return Redacted(text)
    counts = Counter(f.entity for f in findings)

    subject = subject_for(customer_id)

    def tokenize(entity: str, value: str) -> str:
        if entity == "CREDIT_CARD":
            card = cards.tokenize(subject, cards.normalise_pan(value), field="message")
            return f"[card {card.masked}, token {card.token}]"
        # The masked form tells the agent which value it was (last characters) without
        # a reveal, as a masked profile field does: the profile's own mask where the
        # profile holds this kind of value.
        token = vault_tokens.tokenize(subject, entity, value)
        shown = entities.masked(entity, value) or pii.Mask().apply(value, entity)
        return f"[{entity} {_fragment_safe(shown)}, token {token}]"

    operators: dict[str, pii.Operator] = {}
    for entity in counts:
        action = rules[entity]
        if action == "tokenize" and not tokens and entity in SUBJECT_WITHHELD:
            operators[entity] = pii.Replace(SUBJECT_WITHHELD[entity])
        elif action == "tokenize":
            operators[entity] = pii.Tokenize(tokenize) if tokens else pii.Mask()
        elif action == "mask":
            operators[entity] = pii.Mask()
        else:
            operators[entity] = pii.Replace("[{entity} removed]")
    return Redacted(pii.redact(text, findings, operators), counts)


def _fragment_safe(masked: str) -> str:
    """The masked form as a fragment may hold it: readers are shown fragments through
    ``withhold.FRAGMENT``, and one it could not parse would be shown as written, to every
    reader. So no brackets or line breaks, and the last 80 characters at most (a mask
    hides all but a few anyway)."""
    return _UNSAFE_IN_FRAGMENT.sub("•", masked)[-80:] or "•"


_UNSAFE_IN_FRAGMENT = re.compile(r"[\[\]\r\n]")


# --- Message bodies and subjects ------------------------------------------------------
# Every message is redacted the same way, whoever wrote it: a card number an agent types
# into a reply is stored as a token like one a customer sends, and secrets are removed.

# A subject is listed in clear to everyone who sees the ticket, with no per-viewer
# rendering: a value the profile holds (and the policy hides from some roles) is not
# written there at all, not even masked.
SUBJECT_WITHHELD = {"EMAIL_ADDRESS": "[email]", "PHONE_NUMBER": "[phone number]",
                    "DATE_TIME": "[date of birth]", "STREET_ADDRESS": "[address]",
                    "LOCATION": "[address]"}


def redact_body(customer_id, body: str) -> Redacted:
    """A message body (inbound, reply or note) as it is stored: tokens and removals."""
    return redact_text(customer_id, body)


def redact_subject(customer_id, subject: str) -> Redacted:
    """A subject as it is stored, at creation and on every change: what a body would
    tokenize is masked, values the profile holds are left out (``SUBJECT_WITHHELD``)."""
    return redact_text(customer_id, subject, tokens=False)


# --- Attachments ---------------------------------------------------------------------


def redact_attachments(customer_id, files) -> tuple[list[NewAttachment], Counter]:
    """Text attachments redacted like message bodies. A PDF whose text holds PII the
    policy does not keep is replaced by its redacted text (a PDF cannot be redacted
    reliably in place); other files pass unchanged."""
    out, counts = [], Counter()
    for f in files:
        if _is_pdf(f):
            text = pdf_text(f.data)
            redacted = redact_text(customer_id, text) if text else Redacted(text)
            counts.update(redacted.counts)
            out.append(NewAttachment(f"{f.filename}.redacted.txt", "text/plain",
                                     redacted.text.encode("utf-8"))
                       if redacted.counts else f)
            continue
        if not _is_text(f):
            out.append(f)
            continue
        try:
            text = f.data.decode("utf-8")
        except UnicodeDecodeError:
            out.append(f)
            continue
        redacted = redact_text(customer_id, text)
        counts.update(redacted.counts)
        data = redacted.text.encode("utf-8") if redacted.counts else f.data
        out.append(NewAttachment(f.filename, f.content_type, data))
    return out, counts


def pdf_text(data: bytes, *, max_pages: int = 200) -> str:
    """The text of a PDF, or "" if it cannot be read (encrypted, damaged, scanned)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return ""
        return "\n".join(page.extract_text() or "" for page in reader.pages[:max_pages])
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return ""


def _is_pdf(f: NewAttachment) -> bool:
    return f.data[:5] == b"%PDF-"


def _is_text(f: NewAttachment) -> bool:
    ctype = (f.content_type or "").lower()
    return ctype.startswith(TEXT_TYPES) or f.filename.lower().endswith(TEXT_SUFFIXES)
