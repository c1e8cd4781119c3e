"""Builds ``bench/scale.py``'s population on PostgreSQL: N customers with their declared
profile fields, 1.5 tickets and exactly 5 messages each, and one data key per customer in
the keystore's own database.

Every row is a real one. Each customer gets a fresh random data key, wrapped by the
provider under the current KEK with the keystore's binding (``keys.wrap_aad``); every
profile value is normalised by the product's validation (``validate_profile``), sealed
with the vault's recipe (AES-256-GCM bound to subject, purpose and key version) and, for
searchable fields, indexed with ``vault.blind_index``; every message body is sealed
under its customer's key for its own uid. The only shortcut is the path into the
database: two processes COPY the rows while the tables' secondary indexes, unique and
foreign-key constraints are dropped; they are rebuilt afterwards and checked whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import unicodedata
import uuid

APP_TABLES = ("customers_customer", "customers_customerfield", "tickets_ticket",
              "tickets_message")
FIRST = ("James", "Emily", "Oliver", "Sophie", "Priya", "Rahul", "Mohammed", "Fatima",
         "Lucía", "Javier", "Lukas", "Katrin", "Camille", "Julien", "Kenji", "Yuki",
         "Chinedu", "Amara", "Daniel", "Hannah", "Omar", "Aisha", "Elena", "Manon")
LAST = ("Walker", "Bennett", "Hughes", "Fletcher", "Sharma", "Patel", "Iyer", "Reddy",
        "Haddad", "Rahman", "García", "Moreno", "Müller", "Schneider", "Dubois", "Lefèvre",
        "Tanaka", "Suzuki", "Okafor", "Mensah", "Morrison", "Turner", "Nair", "Gupta",
        "Hayes", "Sutton", "Keller", "Roux", "Sato")
COMPANIES = ("Initech", "Globex", "Umbrella Retail", "Stark Logistics", "Acme Foods",
             "Wayne Travel", "Hooli", "Vandelay Imports", "")
COUNTRIES = ("GB", "DE", "FR", "US", "NL", "ES", "IE", "IT")
STREETS = ("Main Street", "High Street", "Station Road", "Church Lane", "Mill Road",
           "Park Avenue", "Queen Street", "Bahnhofstraße", "Rue de la Paix")
CITIES = ("Springfield", "Leeds", "Bristol", "Hamburg", "Lyon", "Utrecht", "Cork")
SUBJECTS = ("Where is my order {n}?", "Refund for order {n}", "Cannot sign in",
            "Invoice {n} is wrong", "Change of address", "Damaged parcel {n}",
            "Question about my subscription", "Card charged twice for {n}")
BODIES = (
    "Hello, I ordered item {n} on {d} and it still has not arrived. The tracking page "
    "says it left the depot days ago. Could you check what happened? Thanks.",
    "Hi, thank you for your patience. I have looked into order {n}: the carrier lost "
    "it, so we are sending a replacement today at no cost to you.",
    "Dear support, the invoice for {n} lists two licences but we only bought one. "
    "Please correct it and send a new invoice to our accounts team.",
    "Customer called about {n}: wants the delivery moved to next week, agreed, "
    "updated the carrier booking. Follow up if the carrier does not confirm.",
    "Thanks, that fixed it. One more thing: can I change the delivery address for my "
    "next order to my office? It is easier to receive parcels there.",
)
STATUSES = ("new",) * 10 + ("open",) * 20 + ("pending",) * 10 + ("solved",) * 30 + \
    ("closed",) * 30
PRIORITIES = ("low",) * 20 + ("normal",) * 60 + ("high",) * 15 + ("urgent",) * 5
CHANNELS = ("email", "email", "email", "web", "web", "api", "phone", "chat")


def customer_id(seed: str, i: int) -> uuid.UUID:
    """Customer ``i``'s id: random-looking, but the timed part can name customer ``i``."""
    digest = hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=16).digest()
    return uuid.UUID(bytes=digest, version=4)


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def profile_of(i: int) -> dict[str, str]:
    """Customer ``i``'s profile as a client would send it (not yet normalised)."""
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    profile = {
        "full_name": f"{first} {last}",
        "email": f"{_ascii(first)}.{_ascii(last)}.{i}@Example.org",
        "phone": f"+44 74{i // 10000:04d} {i % 10000:04d}",
        "country": COUNTRIES[i % len(COUNTRIES)].lower(),
        "account_number": f"AC-{i:08d}",
        "postal_address": f"{i % 997 + 1} {STREETS[i % len(STREETS)]}\n"
                          f"{CITIES[(i // 7) % len(CITIES)]}",
    }
    if company := COMPANIES[(i // 3) % len(COMPANIES)]:
        profile["company"] = company
    return profile


def _users(cur) -> tuple[list[int], list[int]]:
    cur.execute("SELECT id FROM accounts_user WHERE role = 'agent' ORDER BY id")
    agents = [r[0] for r in cur.fetchall()]
    cur.execute("SELECT id FROM accounts_team ORDER BY id")
    return agents, [r[0] for r in cur.fetchall()]


def produce(app_url: str, keys_url: str, seed: str, lo: int, hi: int, nice: int) -> dict:
    """COPY customers ``lo`` .. ``hi - 1`` with their fields, tickets, messages and keys.
    Django is set up by the caller's process (``scale._django``)."""
    import psycopg

    from trustdesk import vault
    from trustdesk.customers.models import subject_for
    from trustdesk.privacy.inventory import get_inventory
    from trustdesk.privacy.values import validate_profile
    from trustdesk.vault import crypto, keys, recipes
    from trustdesk.vault.providers import provider

    if nice:
        os.nice(nice)
    inventory = get_inventory()
    searchable = {f.name for f in inventory.fields if f.searchable}
    p, kek = provider(), keys.current_kek()
    aad, seal, pack, wrap_aad = recipes._aad, crypto.aead_seal, crypto.pack, keys.wrap_aad
    rng = random.Random(f"{seed}:{lo}")
    now = dt.datetime.now(dt.UTC)
    conns = {name: psycopg.connect(app_url) for name in APP_TABLES}
    key_conn = psycopg.connect(keys_url)
    with conns["tickets_ticket"].cursor() as cur:
        agents, teams = _users(cur)
    counts = dict.fromkeys((*APP_TABLES, "vault_data_key"), 0)
    copies, stack = {}, []
    columns = {
        "customers_customer": "id, created_at, updated_at, status, erased_by, erasure_reason",
        "customers_customerfield": "id, customer_id, name, sealed, lookup, updated_at",
        "tickets_ticket": "id, created_at, updated_at, subject, status, priority, channel, "
                          "customer_id, assignee_id, team_id, last_message_at, solved_at, "
                          "customer_wrote, assigned_by_user_id, routed_by_user_id",
        "tickets_message": "id, uid, ticket_id, direction, channel, author_id, body_sealed, "
                           "redactions, created_at",
    }
    try:
        for name, conn in conns.items():
            cm = conn.cursor().copy(f"COPY {name} ({columns[name]}) FROM STDIN")
            copies[name] = cm.__enter__()
            stack.append(cm)
        key_cm = key_conn.cursor().copy(
            "COPY vault_data_key (subject, version, kek_id, wrapped, created_at) FROM STDIN")
        key_copy = key_cm.__enter__()
        stack.append(key_cm)
        c_copy, f_copy = copies["customers_customer"], copies["customers_customerfield"]
        t_copy, m_copy = copies["tickets_ticket"], copies["tickets_message"]
        for i in range(lo, hi):
            cid = customer_id(seed, i)
            subject = subject_for(cid)
            key = crypto.new_key()
            key_copy.write_row((subject, 1, kek, p.wrap(kek, key, wrap_aad(subject, 1)),
                                now.isoformat()))
            created = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
            c_copy.write_row((cid, created, created, "active", "", ""))
            for j, (name, value) in enumerate(validate_profile(inventory,
                                                               profile_of(i)).items()):
                if value is None:
                    continue
                purpose = f"field:{name}"
                sealed = pack(1, seal(key, value.encode(), aad(subject, purpose, 1)))
                lookup = vault.blind_index(name, value) if name in searchable else ""
                f_copy.write_row((8 * i + j + 1, cid, name, sealed, lookup, created))
                counts["customers_customerfield"] += 1
            tickets = 1 + rng.randrange(2)
            split = (5,) if tickets == 1 else (s := rng.randint(1, 4), 5 - s)
            for t, messages in enumerate(split):
                ticket_id = 2 * i + t + 1
                opened = created + dt.timedelta(seconds=rng.randrange(
                    max(1, int((now - created).total_seconds()))))
                status = rng.choice(STATUSES)
                team = rng.choice(teams) if rng.random() < 0.9 else None
                assignee = rng.choice(agents) if rng.random() < 0.6 else None
                channel = rng.choice(CHANNELS)
                times, at = [], opened
                for _ in range(messages):
                    at += dt.timedelta(microseconds=rng.randrange(60 * 10**6, 3 * 86400 * 10**6))
                    times.append(at)
                if times[-1] > now:  # a conversation still going: it ended in the last day
                    late = times[-1] - now + dt.timedelta(
                        microseconds=rng.randrange(1, 86400 * 10**6))
                    opened, times = opened - late, [t - late for t in times]
                for m, at in enumerate(times):
                    uid = uuid.UUID(int=rng.getrandbits(128), version=4)
                    outbound = m % 2 == 1
                    body = rng.choice(BODIES).format(n=rng.randrange(10**6, 10**7),
                                                     d=opened.date().isoformat())
                    purpose = f"message.body:{uid}"
                    m_copy.write_row((
                        5 * i + sum(split[:t]) + m + 1, uid, ticket_id,
                        "outbound" if outbound else "inbound", channel,
                        (assignee or agents[0]) if outbound else None,
                        pack(1, seal(key, body.encode(), aad(subject, purpose, 1))),
                        "{}", at))
                t_copy.write_row((
                    ticket_id, opened, at, rng.choice(SUBJECTS).format(n=i), status,
                    rng.choice(PRIORITIES), channel, cid, assignee, team, at,
                    at if status in ("solved", "closed") else None, channel != "phone",
                    None, None))
                counts["tickets_ticket"] += 1
                counts["tickets_message"] += messages
            counts["customers_customer"] += 1
            counts["vault_data_key"] += 1
    finally:
        for cm in reversed(stack):
            cm.__exit__(None, None, None)
        for conn in (*conns.values(), key_conn):
            conn.commit()
            conn.close()
    return counts


def secondary(cur, tables) -> list[tuple[str, str, str]]:
    """(kind, drop, create) of every foreign key, unique constraint and index of
    ``tables`` except the primary keys: dropped for the load, rebuilt after it."""
    cur.execute("""
        SELECT CASE c.contype WHEN 'f' THEN 'fk' ELSE 'index' END,
               format('ALTER TABLE %%I DROP CONSTRAINT %%I', t.relname, c.conname),
               format('ALTER TABLE %%I ADD CONSTRAINT %%I ', t.relname, c.conname)
               || pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE t.relname = ANY(%s) AND c.contype IN ('u', 'f')
        UNION ALL
        SELECT 'index', format('DROP INDEX %%I', i.indexname), i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexname::regclass)""",
                [list(tables), list(tables)])
    return sorted(cur.fetchall())
