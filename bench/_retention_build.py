"""Builds ``bench/retention.py``'s population on PostgreSQL: N customers with their
declared profile fields, some tickets, legal holds, search words and one data key per
customer in the keystore's own database, in a mix of what retention must and must not
delete.

Every row is a real one, made as ``_scale_build`` makes them: a fresh data key per
customer wrapped under the current KEK, every profile value normalised by
``validate_profile``, sealed with the vault's recipe and blind-indexed where the
inventory says so; the words of the findable fields (name, company) and of ticket
subjects are in the search index as ``search.services`` writes them; message bodies are
sealed under their customer's key. Only the path into the database is a shortcut: COPY
from two processes with the secondary indexes and constraints dropped, rebuilt and
checked afterwards.

Who is who is decided by the customer's number (``kind``), with the dates relative to the
build's ``now`` far from every boundary, so a run a few minutes later deletes exactly:

* ``current``: data changed in the last 300 days; half have an open or recently solved
  ticket in the measuring agent's team. Nothing is due.
* ``address``: data last needed 400-1,000 days ago (past the address's 1 year, within
  the other fields' 3 years), some with a closed e-mail ticket of that age (kept, 2
  years). The postal address goes.
* ``gone``: data last needed 1,200-2,000 days ago, some with a closed ticket as old
  (past its 2 years). Every field goes, the customer is shredded, the ticket deleted.
* ``open``: old data, but an open ticket: nothing goes.
* ``held``: old data under a legal hold on the customer: nothing goes.
* ``recent``: old fields, but a ticket solved 100 days ago: nothing goes.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import uuid

from _scale_build import BODIES, SUBJECTS, customer_id, profile_of, secondary  # noqa: F401

APP_TABLES = ("customers_customer", "customers_customerfield", "tickets_ticket",
              "tickets_message", "search_term", "privacy_legalhold")
# Shares per 1,000 customers (the rest are ``current``): at 1M, 12,000 customers lose
# fields, 2,000 of them are shredded.
MIX = (("address", 10), ("gone", 2), ("open", 30), ("held", 5), ("recent", 30))
DAY = dt.timedelta(days=1)


def kind(i: int) -> str:
    r = i % 1000
    for name, share in MIX:
        if r < share:
            return name
        r -= share
    return "current"


def expected(n: int) -> dict:
    """How many customers of ``n`` are of each kind."""
    out: dict[str, int] = {}
    for i in range(n):
        out[kind(i)] = out.get(kind(i), 0) + 1
    return out


COLUMNS = {
    "customers_customer": "id, created_at, updated_at, status, erased_by, erasure_reason",
    "customers_customerfield": "id, customer_id, name, sealed, lookup, updated_at",
    "tickets_ticket": "id, created_at, updated_at, subject, status, priority, channel, "
                      "customer_id, assignee_id, team_id, last_message_at, solved_at, "
                      "customer_wrote, assigned_by_user_id, routed_by_user_id, held_reason",
    "tickets_message": "id, uid, ticket_id, direction, channel, author_id, body_sealed, "
                       "redactions, created_at",
    "search_term": "scope, token, customer_id, ticket_id, object_id",
    "privacy_legalhold": "customer_id, ticket_id, reason, set_by, set_by_user_id, set_at, "
                         "released_by",
}


def produce(app_url: str, keys_url: str, seed: str, lo: int, hi: int, now_iso: str,
            team: int, agent: int, nice: int) -> dict:
    """COPY customers ``lo`` .. ``hi - 1`` with everything of theirs. Django is set up by
    the caller's process."""
    import psycopg

    from trustdesk import vault
    from trustdesk.customers import names as customer_names
    from trustdesk.customers.models import subject_for
    from trustdesk.privacy.inventory import get_inventory
    from trustdesk.privacy.values import validate_profile
    from trustdesk.search import terms as search_terms
    from trustdesk.search.services import SUBJECTS as SUBJECT_SCOPE
    from trustdesk.search.services import field_scope
    from trustdesk.vault import crypto, keys, recipes
    from trustdesk.vault.providers import provider

    if nice:
        os.nice(nice)
    inventory = get_inventory()
    searchable = {f.name for f in inventory.fields if f.searchable}
    p, kek = provider(), keys.current_kek()
    aad, seal, pack, wrap_aad = recipes._aad, crypto.aead_seal, crypto.pack, keys.wrap_aad
    rng = random.Random(f"{seed}:{lo}")
    now = dt.datetime.fromisoformat(now_iso)
    conns = {name: psycopg.connect(app_url) for name in APP_TABLES}
    key_conn = psycopg.connect(keys_url)
    counts = dict.fromkeys((*APP_TABLES, "vault_data_key"), 0)
    copies, stack = {}, []

    def ago(lo_days: int, hi_days: int) -> dt.datetime:
        return now - dt.timedelta(seconds=rng.randrange(lo_days * 86400, hi_days * 86400))

    try:
        for name, conn in conns.items():
            cm = conn.cursor().copy(f"COPY {name} ({COLUMNS[name]}) FROM STDIN")
            copies[name] = cm.__enter__()
            stack.append(cm)
        key_cm = key_conn.cursor().copy(
            "COPY vault_data_key (subject, version, kek_id, wrapped, created_at) FROM STDIN")
        key_copy = key_cm.__enter__()
        stack.append(key_cm)
        c_copy, f_copy = copies["customers_customer"], copies["customers_customerfield"]
        t_copy, m_copy = copies["tickets_ticket"], copies["tickets_message"]
        s_copy, h_copy = copies["search_term"], copies["privacy_legalhold"]
        for i in range(lo, hi):
            k = kind(i)
            cid = customer_id(seed, i)
            subject = subject_for(cid)
            key = crypto.new_key()
            key_copy.write_row((subject, 1, kek, p.wrap(kek, key, wrap_aad(subject, 1)),
                                now.isoformat()))
            counts["vault_data_key"] += 1
            if k == "current":
                changed = ago(1, 300)
            elif k == "address":
                changed = ago(400, 1000)
            else:
                changed = ago(1200, 2000)
            created = changed - dt.timedelta(seconds=rng.randrange(86400 * 30))
            c_copy.write_row((cid, created, changed, "active", "", ""))
            counts["customers_customer"] += 1
            for j, (name, value) in enumerate(validate_profile(inventory,
                                                               profile_of(i)).items()):
                if value is None:
                    continue
                field_id = 8 * i + j + 1
                sealed = pack(1, seal(key, value.encode(), aad(subject, f"field:{name}", 1)))
                lookup = vault.blind_index(name, value) if name in searchable else (
                    customer_names.claim_token(value) if name == customer_names.FIELD
                    else "")
                f_copy.write_row((field_id, cid, name, sealed, lookup, changed))
                counts["customers_customerfield"] += 1
                if name in customer_names.FINDABLE:
                    scope = field_scope(name)
                    found = sorted(search_terms.terms(value, prefixes=True))
                    for token in vault.search_tokens(scope, found):
                        s_copy.write_row((scope, token, cid, None, field_id))
                        counts["search_term"] += 1
            ticket = None
            if k == "current" and rng.random() < 0.5:
                status = rng.choice(("new", "open", "open", "pending", "solved"))
                ticket = (status, ago(0, 60) if status != "solved" else changed)
            elif k == "address" and rng.random() < 0.5:
                ticket = ("closed", changed)
            elif k == "gone" and rng.random() < 0.5:
                ticket = (rng.choice(("closed", "solved")), changed)
            elif k == "open":
                ticket = (rng.choice(("open", "pending")), ago(1, 30))
            elif k == "recent":
                ticket = ("solved", ago(90, 110))
            elif k == "held":
                h_copy.write_row((cid, None, "Case 2024-17: litigation hold", "bench",
                                  None, ago(10, 20), ""))
                counts["privacy_legalhold"] += 1
            if ticket is None:
                continue
            status, at = ticket
            ticket_id = i + 1
            opened = at - dt.timedelta(seconds=rng.randrange(3600, 5 * 86400))
            title = rng.choice(SUBJECTS).format(n=i)
            t_copy.write_row((
                ticket_id, opened, at, title, status, "normal", "email", cid,
                None, team, at, at if status in ("solved", "closed") else None, True,
                None, None, ""))
            counts["tickets_ticket"] += 1
            for token in vault.search_tokens(SUBJECT_SCOPE, sorted(
                    search_terms.terms(title, prefixes=True))):
                s_copy.write_row((SUBJECT_SCOPE, token, cid, ticket_id, ticket_id))
                counts["search_term"] += 1
            for m, when in enumerate((opened, at)):
                uid = uuid.UUID(int=rng.getrandbits(128), version=4)
                body = rng.choice(BODIES).format(n=rng.randrange(10**6, 10**7),
                                                 d=opened.date().isoformat())
                m_copy.write_row((
                    2 * i + m + 1, uid, ticket_id, "outbound" if m else "inbound", "email",
                    agent if m else None,
                    pack(1, seal(key, body.encode(), aad(subject, f"message.body:{uid}", 1))),
                    "{}", when))
                counts["tickets_message"] += 1
    finally:
        for cm in reversed(stack):
            cm.__exit__(None, None, None)
        for conn in (*conns.values(), key_conn):
            conn.commit()
            conn.close()
    return counts
