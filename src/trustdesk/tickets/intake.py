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

import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings

from trustdesk import pii
from trustdesk.access import policy as access_policy
from trustdesk.core.errors import ConfigurationError
from trustdesk.customers import entities
from trustdesk.customers.models import subject_for
from trustdesk.tickets import scanning, structured, withhold
from trustdesk.tickets.attachments import NewAttachment, check_attachments
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
    # What signs a customer in (pii/recognizers/http.py): their session, in anyone's hands.
    "HTTP_AUTHORIZATION": "replace", "HTTP_COOKIE": "replace", "SESSION_ID": "replace",
}
SECRETS = frozenset({"PASSWORD", "API_KEY", "PRIVATE_KEY", "HTTP_AUTHORIZATION",
                     "HTTP_COOKIE", "SESSION_ID"})
NEVER_KEPT = frozenset({"CREDIT_CARD"}) | SECRETS


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


def redact_text(customer_id, text: str, *, tokens: bool = True, findings=None) -> Redacted:
    """``text`` with its PII handled by the policy; ``counts`` says what was changed.
    With ``tokens`` false (a subject line), what would be tokenized is masked instead,
    or left out (``SUBJECT_WITHHELD``). ``findings``: those of an earlier scan of
    ``text`` (intake reads files before the write transaction), else it is scanned now."""
    rules = policy()
    if findings is None:
        findings = pii.scan(text)
    findings = [f for f in findings if _handled(f, rules)]
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


def _handled(finding, rules) -> bool:
    """Whether the policy changes ``finding``. A date is personal data only as a date of
    birth: "the parcel of 3 April" stays as written for every reader, while a birth date
    is tokenized like the profile's ``date_of_birth``. (A policy that masks or replaces
    dates applies to every date.)"""
    if (finding.entity == "DATE_TIME" and finding.recognizer != "date_of_birth"
            and rules.get("DATE_TIME") == "tokenize"):
        return False
    return rules.get(finding.entity, "keep") != "keep"


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
    """Intake, step two (in the write transaction): the files as they will be stored,
    with their PII handled like a message body's, and what was changed.

    ``files`` come from ``prepare_attachments`` (step one, read before the transaction);
    a file that was not prepared is read here. Text and JSON keep their name and type
    (JSON stays valid JSON); a PDF whose text holds PII the policy does not keep is
    replaced by its redacted text (a PDF cannot be redacted reliably in place); a
    quarantined file and a file of no text format are stored as they came."""
    out, counts = [], Counter()
    for f in files:
        p = scanning.prepare(f)
        p = dataclasses.replace(p, filename=_redact_filename(customer_id, p.filename, counts))
        plain = NewAttachment(p.filename, p.content_type, p.data, quarantine=p.quarantine)
        if p.kind == scanning.JSON:
            changed = _redact_leaves(customer_id, p.leaves)
            counts.update(changed)
            data = structured.dump(p.document, like=p.text).encode() if changed else p.data
            out.append(NewAttachment(p.filename, p.content_type, data))
        elif p.kind in (scanning.TEXT, scanning.PDF):
            redacted = redact_text(customer_id, p.text, findings=p.findings)
            counts.update(redacted.counts)
            if not redacted.counts:
                out.append(plain)
            elif p.kind == scanning.PDF:
                out.append(NewAttachment(f"{p.filename}.redacted.txt", "text/plain",
                                         redacted.text.encode("utf-8")))
            else:
                out.append(NewAttachment(p.filename, p.content_type,
                                         redacted.text.encode("utf-8")))
        else:
            out.append(plain)
    return out, counts


def _redact_filename(customer_id, name: str, counts: Counter) -> str:
    """A file name as it is stored: listed in clear to every reader of the ticket and
    sent in the download's header, so it is redacted like a subject (no tokens; values
    the profile holds left out). The extension stays, so the file still opens."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 8 or not extension.isalnum():
        stem, dot, extension = name, "", ""
    redacted = redact_subject(customer_id, stem)
    counts.update(redacted.counts)
    return f"{redacted.text}{dot}{extension}"


def _redact_leaves(customer_id, leaves) -> Counter:
    changed = Counter()
    for leaf in leaves:
        if leaf.document is not None:  # JSON inside a string
            inner = _redact_leaves(customer_id, leaf.leaves)
            if inner:
                leaf.store(structured.dump(leaf.document, like=leaf.text))
                changed.update(inner)
            continue
        redacted = redact_text(customer_id, leaf.text, findings=leaf.findings)
        if redacted.counts:
            text = redacted.text
            if leaf.encoding:
                # Rendering per reader on download cannot read inside base64: no masked
                # form and no token there for anyone (the value is still in the vault,
                # and counted).
                text = withhold.FRAGMENT.sub(_withheld_in_encoded, text)
            leaf.store(text)
            changed.update(redacted.counts)
    return changed


def _withheld_in_encoded(match) -> str:
    entity = "CREDIT_CARD" if match.group("card") else match.group("entity") or ""
    return f"[{entities.label(entity)} withheld]"


def prepare_attachments(files: Sequence[NewAttachment]) -> list[scanning.PreparedAttachment]:
    """Intake, step one: checks the files (count, size) and reads them, outside any
    transaction. Its result goes where the files would (``redact_attachments``)."""
    check_attachments(files)
    return [scanning.prepare(f) for f in files]


def scans_attachments_first(permission: str):
    """For a service that takes a customer's files (``attachments=``) in one write
    transaction: check ``permission`` (nobody unentitled makes the server parse PDFs),
    then read the files, and only then enter the wrapped, transactional function.
    Reading a PDF can take seconds; inside the transaction it held the database's write
    lock for all of them (SQLite has one for the whole database)."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*, actor, attachments: Sequence[NewAttachment] = (), **kwargs):
            access_policy.require(actor, permission)
            return func(actor=actor, attachments=prepare_attachments(attachments), **kwargs)

        return wrapper

    return decorate
