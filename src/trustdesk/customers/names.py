"""Recognising a customer's name without a readable index: the name-claim hash.

A first-time sender who calls themself by an existing customer's name is a classic
impostor (the phishing analyser's ``customer_name_new_address`` signal). The gateway
must answer "is this display name a customer's?" while every name stays sealed under
its customer's key. So the full name's normalised form (NFKC, case-folded, its words
joined by single spaces: "  ADA   Lovelace" and "ada lovelace" are one) is kept as a
keyed hash in the field's ``lookup`` column, under a scope of its own: equal to no
other blind index, so the customer search (which refuses names: the inventory does not
mark them searchable) cannot use it, and a list of hashes says nothing without the
vault's index key.

What it leaks, to someone with the database and the index key: whether two customers
share a name, and whether a guessed name is a customer's (a dictionary of common names
confirms the common ones). Erasure deletes the row, and with it the hash; an old backup
keeps it, and answers a guessed name while the index key lives (docs/vault.md).
"""

from __future__ import annotations

import re
import unicodedata

from trustdesk import vault

FIELD = "full_name"
# The profile fields found by words and their starts (customer search by name and
# company, docs/search.md); the others only by exact value, where the inventory says so.
FINDABLE = frozenset({"full_name", "company"})
SCOPE = "name-claim:"  # never a field name, so never another field's blind index
_WORDS = re.compile(r"\w+")


def claim_key(name: str) -> str:
    """The normalised form both sides hash; "" when nothing distinctive is left. Accents
    and apostrophes do not count: "José García" is "jose garcia", "O'Brien" "obrien" —
    how the name is typed by someone borrowing it, or as a tag, without them."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name or ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['\u2019\u02bc`]", "", unicodedata.normalize("NFC", text).casefold())
    return " ".join(_WORDS.findall(text))[:200]


def claim_token(name: str) -> str:
    key = claim_key(name)
    return vault.blind_index(SCOPE + FIELD, key) if key else ""


def reindex(*, actor, batch: int = 500, every: bool = False) -> int:
    """Give every full name without its hash one (names stored before the hash existed);
    returns how many. Resumable and safe beside a running server: each batch is its own
    transaction, with its audit event (a count, never a name), and only rows whose hash
    is missing are touched. ``every``: hash every name again, in id order (after the
    normalised form changed: accents and apostrophes stopped counting)."""
    from django.db import transaction

    from trustdesk.audit.services import record
    from trustdesk.customers.models import CustomerField
    from trustdesk.customers.profiles import open_field

    done, after = 0, 0
    while True:
        with transaction.atomic():
            rows = CustomerField.objects.select_for_update().filter(name=FIELD)
            rows = rows.filter(pk__gt=after) if every else rows.filter(lookup="")
            rows = list(rows.order_by("id")[:batch])
            if not rows:
                return done
            for row in rows:
                value = open_field(row.customer_id, FIELD, bytes(row.sealed))
                # Nothing distinctive left: a placeholder no hash equals, read once only.
                row.lookup = claim_token(value) or "-"
                row.save(update_fields=["lookup"])
            record(actor=actor, action="customer.reindex_names", object_type="customer",
                   context={"names": len(rows), **({"every": True} if every else {})})
        done += len(rows)
        after = rows[-1].pk
