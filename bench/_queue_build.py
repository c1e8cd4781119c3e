"""Builds ``bench/queue_page.py``'s desk on the configured database (SQLite or PostgreSQL):
3 teams of agents, a supervisor, SLA policies, N customers with real sealed profiles, M
tickets spread over teams, statuses, priorities and SLA targets, tags on ~30% of them,
and the search index of their subjects and of one message each.

Every row the queue reads is a real one. People, teams and SLA policies go through the
product's services. Each customer gets a fresh random data key, wrapped by the provider
under the current KEK with the keystore's binding (``keys.wrap_aad``); its profile
(``_scale_build.profile_of``, normalised by ``validate_profile``) is sealed with the
vault's recipe, the searchable fields with their blind index. Ticket SLA fields follow
``tickets.sla``: the policy of the ticket's priority, targets from its creation, the
first response met or not, the clock paused while pending, ``next_due_at`` from
``sla._next_due``. Index terms come from ``search.terms`` and ``vault.search_tokens``
(the real key), as ``bench/search.py`` builds them; like there, a message's terms are
indexed without the message row (the queue never reads messages).

The shortcut is the path into the database: ``bulk_create`` for customers, fields,
tickets and tags, and for the index (millions of rows) COPY on PostgreSQL or one
``executemany`` per batch on SQLite, with the index table's secondary indexes dropped
for the load and rebuilt after it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
import uuid

import _scale_build as scale

from search import _vocabulary, _zipf

TEAMS = ("Billing", "Delivery", "Accounts")
AGENTS_PER_TEAM = 4
# Tags by how often they are put on a ticket (relative weights).
TAGS = {"refund": 10, "delivery-delay": 8, "invoice": 6, "follow-up": 6, "subscription": 5,
        "billing": 5, "vip": 4, "damaged": 4, "login": 4, "address-change": 3,
        "wrong-item": 3, "card": 3, "escalated": 2, "warranty": 2, "feedback": 2,
        "duplicate": 1, "gdpr": 1, "press": 0.3}
# Priority -> (first response, resolution) minutes, calendar time.
POLICIES = {"urgent": (30, 240), "high": (120, 1440), "normal": (480, 4320),
            "low": (1440, 10080)}
ACTIVE = ("new", "open", "pending")
BATCH = 10_000


@contextlib.contextmanager
def _timestamps_as_given(*models):
    """``bulk_create`` keeps the created/updated times the build gives (a desk that has
    run for two years), instead of stamping every row with now."""
    fields = [(f, f.auto_now, f.auto_now_add) for m in models for f in m._meta.fields
              if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for f, _, _ in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in fields:
            f.auto_now, f.auto_now_add = now, add


def people() -> dict:
    """Teams, agents (the first of team 0 is measured), a supervisor with an
    authenticator app enrolled (the role requires one), SLA policies: through the
    services."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from trustdesk.accounts import services as accounts
    from trustdesk.core.actor import Actor
    from trustdesk.tickets import sla_settings

    system = Actor.system("bench")
    teams = [accounts.team_create(actor=system, name=name).pk for name in TEAMS]
    agents = {t: [accounts.user_create(actor=system, email=f"agent{t}.{a}@example.com",
                                       full_name=f"Agent {TEAMS[t]} {a}", role="agent",
                                       password="a long bench passphrase",
                                       team_ids=[team]).pk
                  for a in range(AGENTS_PER_TEAM)]
              for t, team in enumerate(teams)}
    boss = accounts.user_create(actor=system, email="supervisor@example.com",
                                full_name="Bench Supervisor", role="supervisor",
                                password="a long bench passphrase")
    TOTP.activate(boss, generate_totp_secret())
    policies = {}
    for n, (priority, (first, resolution)) in enumerate(POLICIES.items()):
        policies[priority] = sla_settings.policy_save(
            actor=system, name=f"{priority.title()} tickets", priority=priority,
            first_response_minutes=first, resolution_minutes=resolution,
            business_hours=False, position=10 * (n + 1)).pk
    return {"teams": teams, "agents": agents, "agent": agents[0][0], "supervisor": boss.pk,
            "policies": policies}


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                            rows)


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(drop, create) of ``table``'s indexes other than its primary key."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                        "AND indexname NOT IN (SELECT conname FROM pg_constraint)", [table])
        else:
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                        "tbl_name = %s AND sql IS NOT NULL", [table])
        return sorted((f'DROP INDEX "{name}"', create) for name, create in cur.fetchall())


def customers(n: int, rng: random.Random, now: dt.datetime) -> list[uuid.UUID]:
    """``n`` customers, each with a data key in the keystore and the sealed fields of
    ``_scale_build.profile_of``; their ids."""
    from django.db import transaction

    from trustdesk import vault
    from trustdesk.customers.models import Customer, CustomerField, subject_for
    from trustdesk.privacy.inventory import get_inventory
    from trustdesk.privacy.values import validate_profile
    from trustdesk.vault import crypto, keys, recipes
    from trustdesk.vault.providers import keystore, provider

    inventory = get_inventory()
    searchable = {f.name for f in inventory.fields if f.searchable}
    p, kek, ks = provider(), keys.current_kek(), keystore()
    vault.blind_index("email", "warm@example.org")  # the index key exists first
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(n)]
    key_sql = ("INSERT INTO vault_data_key (subject, version, kek_id, wrapped, created_at) "
               "VALUES (?, ?, ?, ?, ?)").replace("?", ks.mark)
    for lo in range(0, n, BATCH):
        chunk = ids[lo:lo + BATCH]
        key_rows, people, fields = [], [], []
        for i, cid in enumerate(chunk, start=lo):
            subject = subject_for(cid)
            key = crypto.new_key()
            key_rows.append((subject, 1, kek, p.wrap(kek, key, keys.wrap_aad(subject, 1)),
                             now.isoformat()))
            created = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
            people.append(Customer(pk=cid, created_at=created, updated_at=created))
            for name, value in validate_profile(inventory, scale.profile_of(i)).items():
                if value is None:
                    continue
                sealed = crypto.pack(1, crypto.aead_seal(
                    key, value.encode(), recipes._aad(subject, f"field:{name}", 1)))
                lookup = vault.blind_index(name, value) if name in searchable else ""
                fields.append(CustomerField(customer_id=cid, name=name, sealed=sealed,
                                            lookup=lookup, updated_at=created))
        conn = ks._conn()  # the keystore's own database, in one transaction per batch
        cur = conn.cursor()
        cur.execute("BEGIN")
        cur.executemany(key_sql, key_rows)
        cur.execute("COMMIT")
        with transaction.atomic(), _timestamps_as_given(Customer, CustomerField):
            Customer.objects.bulk_create(people, batch_size=2000)
            CustomerField.objects.bulk_create(fields, batch_size=2000)
    return ids


def _ticket(rng: random.Random, now: dt.datetime, world: dict, customer_ids: list,
            n: int):
    from trustdesk.tickets import sla
    from trustdesk.tickets.models import Ticket

    status = rng.choice(scale.STATUSES)
    priority = rng.choice(scale.PRIORITIES)
    channel = rng.choice(scale.CHANNELS)
    first, resolution = POLICIES[priority]
    if status in ACTIVE:  # what is still open was opened in the last three weeks
        created = now - dt.timedelta(seconds=rng.randrange(21 * 86400))
    else:
        created = now - dt.timedelta(seconds=rng.randrange(86400, 2 * 365 * 86400))
    t = rng.randrange(len(world["teams"])) if rng.random() < 0.9 else None
    if t is not None:
        team = world["teams"][t]
        assignee = rng.choice(world["agents"][t]) if rng.random() < 0.6 else None
    else:
        team = None
        assignee = rng.choice(world["agents"][rng.randrange(len(world["teams"]))]) \
            if rng.random() < 0.3 else None
    age = (now - created).total_seconds()
    responded = None if status == "new" else created + dt.timedelta(
        seconds=rng.uniform(300, 1.5 * first * 60))
    if status in ACTIVE:
        last = created + dt.timedelta(seconds=rng.uniform(0, age))
        if responded and responded > last:  # the reply is the last message so far
            responded = last
    else:
        last = min(now, created + dt.timedelta(seconds=rng.uniform(3600, 10 * 86400)))
        responded = min(responded, last)
    ticket = Ticket(
        created_at=created, updated_at=last, subject=rng.choice(scale.SUBJECTS).format(n=n),
        status=status, priority=priority, channel=channel,
        customer_id=rng.choice(customer_ids), assignee_id=assignee, team_id=team,
        last_message_at=last, solved_at=last if status in ("solved", "closed") else None,
        customer_wrote=channel != "phone", sla_policy_id=world["policies"][priority],
        first_response_due_at=created + dt.timedelta(minutes=first),
        first_responded_at=responded,
        resolution_due_at=created + dt.timedelta(minutes=resolution),
        paused_at=last if status == "pending" else None)
    ticket.next_due_at = sla._next_due(ticket)
    return ticket


def tickets(n: int, rng: random.Random, now: dt.datetime, world: dict,
            customer_ids: list) -> dict:
    """``n`` tickets with their tags and index terms; what the timed part needs to know
    (the words' frequencies, the tags' counts) and the build's own timings."""
    from django.db import connection, transaction

    from trustdesk import vault
    from trustdesk.search import terms
    from trustdesk.search.models import Term
    from trustdesk.search.services import MESSAGES, SUBJECTS
    from trustdesk.tickets.models import Tag, Ticket, TicketTag

    vocab = _vocabulary(rng)
    tag_names, weights = list(TAGS), list(TAGS.values())
    with _timestamps_as_given(Tag):
        tags = {t.name: t.pk for t in Tag.objects.bulk_create(
            Tag(name=name, created_at=now - dt.timedelta(days=700)) for name in tag_names)}
    indexes = _secondary_indexes(Term._meta.db_table)
    with connection.cursor() as cur:
        for drop, _ in indexes:
            cur.execute(drop)
    cid = Term._meta.get_field("customer_id")
    columns = ("scope", "token", "customer_id", "ticket_id", "object_id")
    frequency: dict[str, int] = {}
    tag_counts = dict.fromkeys(tag_names, 0)
    counts = {"terms": 0, "ticket_tags": 0}
    timings = {"tickets_s": 0.0, "terms_s": 0.0}
    for lo in range(0, n, BATCH):
        t0 = time.perf_counter()
        rows = [_ticket(rng, now, world, customer_ids, i) for i in range(lo,
                                                                          min(n, lo + BATCH))]
        with transaction.atomic():
            with _timestamps_as_given(Ticket, TicketTag):
                made = Ticket.objects.bulk_create(rows, batch_size=2000)
                links = []
                for ticket in made:
                    if rng.random() < 0.3:
                        picked = set(rng.choices(tag_names, weights,
                                                 k=1 if rng.random() < 0.6 else 2))
                        for name in picked:
                            tag_counts[name] += 1
                            links.append(TicketTag(ticket_id=ticket.pk, tag_id=tags[name],
                                                   added_at=ticket.created_at))
                TicketTag.objects.bulk_create(links, batch_size=5000)
                counts["ticket_tags"] += len(links)
            t1 = time.perf_counter()
            timings["tickets_s"] += t1 - t0
            found_rows = []
            for ticket in made:
                body = rng.choice(scale.BODIES).format(
                    n=rng.randrange(10**6, 10**7), d=ticket.created_at.date().isoformat())
                body += " " + " ".join(vocab[_zipf(rng, len(vocab))]
                                       for _ in range(rng.randint(3, 10)))
                words = sorted(terms.terms(body))
                for w in words:
                    frequency[w] = frequency.get(w, 0) + 1
                owner = cid.get_db_prep_value(ticket.customer_id, connection)
                found_rows += [(MESSAGES, t, owner, ticket.pk, ticket.pk)
                               for t in vault.search_tokens(MESSAGES, words)]
                subject = sorted(terms.terms(ticket.subject, prefixes=True))
                found_rows += [(SUBJECTS, t, owner, ticket.pk, ticket.pk)
                               for t in vault.search_tokens(SUBJECTS, subject)]
            _insert(Term._meta.db_table, columns, found_rows)
            counts["terms"] += len(found_rows)
            timings["terms_s"] += time.perf_counter() - t1
    t = time.perf_counter()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET maintenance_work_mem = '256MB'")
        for _, create in indexes:
            cur.execute(create)
    timings["index_rebuild_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with connection.cursor() as cur:  # what autovacuum (or an ANALYZE) would have done
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    timings["analyze_s"] = time.perf_counter() - t
    return {"frequency": frequency, "tag_counts": tag_counts, "counts": counts,
            "timings": {k: round(v, 1) for k, v in timings.items()}}
