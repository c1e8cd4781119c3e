"""Other people's data, kept out of a customer's copy (GDPR Art. 15(4): the copy must not
adversely affect the rights of others).

The customer's own messages are theirs, given whole, with the values intake tokenized
opened again under their key. Everything else that reaches the copy — the agents'
replies, a ticket they were only copied on — passes through ``Others.scrub``:

1. the known values of the other people around the conversation (the ticket's other
   customer, the customers behind the copied addresses, the staff who wrote) are
   replaced wherever they stand, names included, which no pattern would find;
2. every value the PII detector finds that is not one of this customer's own profile
   values is replaced too (an address, a phone number, a card: whoever's it is);
3. a tokenized fragment left unopened (not this customer's token) is replaced, mask and
   all: even a masked form tells something about someone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trustdesk import pii
from trustdesk.tickets.portal import masked_text
from trustdesk.tickets.withhold import FRAGMENT, customer_text

WITHHELD = "[withheld: another person's details]"
MIN_LITERAL = 3  # shorter known values ("Al") would cut through ordinary words


def _norm(value: str) -> str:
    return re.sub(r"[^0-9a-z@]", "", value.casefold())


def own_text(customer_id, body: str) -> str:
    """The customer's own message: their tokens opened; a token that is not theirs
    (pasted from elsewhere) keeps its masked form."""
    return masked_text(customer_text(customer_id, body))


class Others:
    """What counts as another person's in one conversation, for one customer's copy."""

    def __init__(self, own_values: Iterable[str]) -> None:
        self.own = {_norm(v) for v in own_values if v and _norm(v)}
        self._literals: set[str] = set()
        self._pattern: re.Pattern | None = None

    def add(self, values: Iterable[str]) -> None:
        for value in values:
            value = (value or "").strip()
            if len(value) >= MIN_LITERAL and _norm(value) not in self.own:
                self._literals.add(value)
                self._pattern = None

    def add_person(self, profile: dict[str, str], name_field: str = "full_name") -> None:
        """Another person's profile values, and each word of their name on its own
        ("Dear Ada" names her as surely as her full name does)."""
        self.add(profile.values())
        self.add((profile.get(name_field) or "").split())

    def _compiled(self) -> re.Pattern | None:
        if self._pattern is None and self._literals:
            # Longest first, so a full name goes before the first name within it.
            alternatives = sorted(self._literals, key=len, reverse=True)
            self._pattern = re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(v) for v in alternatives) + r")(?!\w)",
                re.IGNORECASE)
        return self._pattern

    def scrub(self, text: str, *, opened_for=None) -> str:
        """``text`` (not the customer's own) with other people's data replaced.
        ``opened_for``: the customer whose tokens may be opened first (this customer's,
        on their own ticket), so the values under them are judged too."""
        if opened_for is not None:
            text = customer_text(opened_for, text)
        text = FRAGMENT.sub(WITHHELD, text)
        pattern = self._compiled()
        if pattern is not None:
            text = pattern.sub(WITHHELD, text)
        findings = [f for f in pii.scan(text) if self._foreign(f, text)]
        if findings:
            text = pii.redact(text, findings, {f.entity: pii.Replace(WITHHELD)
                                               for f in findings})
        return text

    def _foreign(self, finding, text: str) -> bool:
        # A date is personal only as a birth date (as intake judges it): "your parcel of
        # 3 April" stays as written.
        if finding.entity == "DATE_TIME" and finding.recognizer != "date_of_birth":
            return False
        return _norm(text[finding.start:finding.end]) not in self.own
