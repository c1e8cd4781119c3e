"""Queue benchmark: the console's ticket queue (GET /tickets/) with 100,000 tickets and
10,000 customers, on the embedded default (SQLite) and, when a server answers at
``TRUSTDESK_BENCH_PG`` (default postgres://postgres@127.0.0.1:5432), on PostgreSQL.
Target (the issue): the queue page stays <= 100 ms p95. One JSON line on stdout.

    python bench/queue_page.py [--tickets 100000] [--customers 10000] [--requests 200]
                          [--quick] [--databases sqlite,postgresql] [--keep]

Each database gets its own data directory (and on PostgreSQL its own application and
keystore databases, ``h_queue`` and ``h_queue_keys``, dropped afterwards), built as
``_queue_build`` describes: 3 teams of 4 agents and a supervisor, 10% new, 20% open, 10%
pending, 60% solved or closed, priorities 20/60/15/5 low..urgent, SLA targets per
priority with ``next_due_at`` set, ~30% of tickets with 1-2 of 18 tags, the search index
of every subject and one message per ticket, customers with real sealed profiles (the
queue opens each shown customer's name with their own key).

Measured as people use it: a Django test client signed in (``force_login``) as an agent
(sees their team's tickets and those of no team: about 40%) and as the supervisor
(``ticket.view_all``), each page rendered whole with its audit event written:

* ``default``: /tickets/ (the active tickets, recently updated first)
* ``order_due``: ?order=due (what falls due first)
* ``tag``: ?tag=refund (the most used tag, on ~6% of tickets)
* ``tag_rare``: ?tag=press (a tag of ~0.2% of tickets)
* ``page_40``: ?page=40 of the default view
* ``q_common``: ?q=refund (a word of ~12% of subjects: the index's "common word" path)
* ``q_rare``: ?q=<a word of 5-30 tickets' messages> (the index's candidate-list path)

with two baselines measured in the same run: ``healthz`` (GET /healthz) and
``empty_page`` (the same page searching a ticket number nobody has: every part of the
page but the rows, and the cheapest filter). Every round sends each (person, page)
once, baselines included, in a new shuffled order, so drift on a shared machine hits
all alike; p50/p95 over ``--requests`` rounds after a warm-up. Then each page is
requested ``PROFILE_REPEATS`` more times with every SQL statement timed: query count,
median request and SQL time, the three slowest statements (medians), and once per
distinct statement of ``PLAN_FROM_MS`` or more its plan (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL) with the pages it slowed. Request logging
stays on (stderr), as in a deployment.

The build of 100,000 tickets takes about a minute per database on 2 CPUs (``build``
in the output says where it went); ``--quick`` (5,000 tickets) is a smoke run.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

_HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ in ("__main__", "__mp_main__"):  # the benchmark (or its spawned processes)
    sys.path.insert(0, _HERE)
    from _setup import percentiles, timed_get

    from audit import _in_process

SRC = Path(__file__).resolve().parent.parent / "src"
PG_SERVER = os.environ.get("TRUSTDESK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PREFIX = "h_queue"
TARGET_P95_MS = 100.0
SEED = 20261215
WARMUP_ROUNDS = 8
TAG, RARE_TAG = "refund", "press"
COMMON_WORD = "refund"
NO_TICKET = "999999999"  # a ticket number nobody has: the page with an empty result
PROFILE_REPEATS = 7
PLAN_FROM_MS = 10.0  # statements slower than this (median) get their plan shown


def _django(data_dir: str, url: str | None, keys_url: str | None) -> None:
    os.environ.update({"TRUSTDESK_DATA_DIR": data_dir,
                       "DJANGO_SETTINGS_MODULE": "trustdesk.config.settings"})
    if url:
        os.environ.update({"TRUSTDESK_DATABASE_URL": url, "TRUSTDESK_KEYSTORE_URL": keys_url})
    else:
        os.environ.pop("TRUSTDESK_DATABASE_URL", None)
        os.environ.pop("TRUSTDESK_KEYSTORE_URL", None)
    sys.path.insert(0, str(SRC))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _cases(rare_word: str) -> dict[str, dict]:
    return {"default": {}, "order_due": {"order": "due"}, "tag": {"tag": TAG},
            "tag_rare": {"tag": RARE_TAG}, "page_40": {"page": 40},
            "q_common": {"q": COMMON_WORD}, "q_rare": {"q": rare_word}}


BASELINES = {"healthz": ("/healthz", {}), "empty_page": ("/tickets/", {"q": NO_TICKET})}
_TOTAL = re.compile(rb"(\d+)(\+?) tickets? \xc2\xb7 page (\d+)")


def _shown(response) -> dict:
    """Rows on the page and the total its pager states (a check that the page is the
    one meant, not an empty or a refused one)."""
    found = _TOTAL.search(response.content)
    return {"rows": response.content.count(b"<tr data-href="),
            "shown_total": (found.group(1) + found.group(2)).decode() if found else "0",
            "shown_page": int(found.group(3)) if found else None}


def _plan(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [r[0] for r in cur.fetchall()]
        cur.execute("EXPLAIN QUERY PLAN " + sql)
        rows = cur.fetchall()
    depth = {0: 0}
    out = []
    for node, parent, _, detail in rows:  # (id, parent, notused, detail): indent the tree
        depth[node] = depth.get(parent, 0) + 1
        out.append("  " * (depth[node] - 1) + detail)
    return out


def _profile(client, url: str, params: dict) -> dict:
    """The page requested ``PROFILE_REPEATS`` more times with every SQL statement timed
    (Django's own capture rounds to whole milliseconds, too coarse here): the median
    request, SQL total and each statement's median."""
    import statistics

    from django.db import connection

    captured: list[tuple[float, str]] = []

    def timing(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = (time.perf_counter() - start) * 1000
            text = sql if many else connection.ops.last_executed_query(
                context["cursor"], sql, params)
            captured.append((took, text))

    runs = []
    for _ in range(PROFILE_REPEATS):
        captured.clear()
        with connection.execute_wrapper(timing):
            ms, _ = timed_get(client, url, params)
        runs.append((ms, list(captured)))
    # Statement by statement (a page runs the same ones each time; the text of the
    # last run, whose literals such as the time of day differ from run to run).
    n = min(len(r[1]) for r in runs)
    statements = [(statistics.median(r[1][i][0] for r in runs), runs[-1][1][i][1])
                  for i in range(n)]
    ranked = sorted(statements, key=lambda q: -q[0])
    return {"request_ms": round(statistics.median(r[0] for r in runs), 2),
            "queries": len(runs[-1][1]),
            "sql_ms": round(statistics.median(sum(q[0] for q in r[1]) for r in runs), 2),
            "slowest": [{"ms": round(t, 2), "sql": sql} for t, sql in ranked[:3]]}


def _plans(profiles: dict) -> list[dict]:
    """The plan of each distinct SELECT that took ``PLAN_FROM_MS`` or more on some page,
    once, with the pages it slowed."""
    seen: dict[str, dict] = {}
    for page, prof in profiles.items():
        for q in prof["slowest"]:
            if q["ms"] < PLAN_FROM_MS or not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            entry = seen.setdefault(q["sql"], {"sql": q["sql"], "pages": {}})
            entry["pages"][page] = q["ms"]
    out = []
    for entry in seen.values():
        entry["plan"] = _plan(entry["sql"])
        out.append(entry)
    for prof in profiles.values():  # the statements in full are in the plans
        for q in prof["slowest"]:
            q["sql"] = q["sql"][:300]
    return sorted(out, key=lambda e: -max(e["pages"].values()))


def run(database: str, data_dir: str, url: str | None, keys_url: str | None,
        opts: dict) -> dict:
    """Build one database's desk, then measure its queue; in its own process."""
    _django(data_dir, url, keys_url)
    import _queue_build as build
    from django.db import connection
    from django.test import Client

    from trustdesk.accounts.actors import actor_for_user
    from trustdesk.accounts.models import User
    from trustdesk.tickets.models import Status, Ticket
    from trustdesk.tickets.selectors import visible_tickets

    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    world = build.people()
    people_s = time.perf_counter() - started
    customer_ids = build.customers(opts["customers"], rng, now)
    customers_s = time.perf_counter() - started - people_s
    made = build.tickets(opts["tickets"], rng, now, world, customer_ids)
    build_s = time.perf_counter() - started
    frequency, tag_counts = made.pop("frequency"), made["tag_counts"]
    # A rare word of the messages: the most frequent of those in 5 to 30 tickets.
    rare = max((n, w) for w, n in frequency.items() if 5 <= n <= 30 and w[2:].isalpha())
    rare_word, rare_tickets = rare[1][2:], rare[0]
    del frequency
    gc.collect()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT version(), pg_database_size(current_database())")
            version, size = cur.fetchone()
            version = version.split(",")[0]
        else:
            cur.execute("SELECT sqlite_version()")
            version = "SQLite " + cur.fetchone()[0]
            size = sum(f.stat().st_size for f in Path(data_dir).glob("trustdesk.sqlite3*"))

    people = {"agent": User.objects.get(pk=world["agent"]),
              "supervisor": User.objects.get(pk=world["supervisor"])}
    clients = {}
    active = (Status.NEW, Status.OPEN, Status.PENDING)
    visible = {}
    for who, user in people.items():
        client = Client()
        client.force_login(user)
        clients[who] = client
        tickets = visible_tickets(actor_for_user(user))
        visible[who] = {"all": tickets.count(),
                        "active": tickets.filter(status__in=active).count()}
    cases = _cases(rare_word)
    pages = {**{name: ("/tickets/", params) for name, params in cases.items()}, **BASELINES}
    work = [(who, name) for who in clients for name in pages]
    samples = {key: [] for key in work}
    order = random.Random(f"{SEED}:order")
    load_start = os.getloadavg()[0]
    t = time.perf_counter()
    for round_ in range(WARMUP_ROUNDS + opts["requests"]):
        order.shuffle(work)
        for who, name in work:
            url, params = pages[name]
            ms, _ = timed_get(clients[who], url, params)
            if round_ >= WARMUP_ROUNDS:
                samples[(who, name)].append(ms)
    measure_s = time.perf_counter() - t
    load_end = os.getloadavg()[0]

    result = {"database": database, "version": version,
              "build": {"build_s": round(build_s, 1), "people_s": round(people_s, 1),
                        "customers_s": round(customers_s, 1),
                        **made["timings"], **made["counts"],
                        "tickets": Ticket.objects.count(),
                        "active_tickets": Ticket.objects.filter(status__in=active).count(),
                        "with_next_due": Ticket.objects.filter(next_due_at__isnull=False)
                        .count(),
                        "database_mb": round(size / 2**20)},
              "visible": visible,
              "filters": {"tag": TAG, "tag_tickets": tag_counts[TAG], "tag_rare": RARE_TAG,
                          "tag_rare_tickets": tag_counts[RARE_TAG],
                          "q_common": COMMON_WORD, "q_rare": rare_word,
                          "q_rare_message_tickets": rare_tickets},
              "measure_s": round(measure_s, 1),
              "measure_loadavg_1m": [round(load_start, 2), round(load_end, 2)],
              "baselines": {}, "cases": {}, "profile": {},
              "plans": {}}
    for who in clients:
        base = {name: percentiles(samples[(who, name)]) for name in BASELINES}
        result["baselines"][who] = base
        result["cases"][who] = {}
        result["profile"][who] = {}
        for name in cases:
            p = percentiles(samples[(who, name)])
            _, response = timed_get(clients[who], "/tickets/", cases[name])
            result["cases"][who][name] = {
                **p, **_shown(response),
                "over_empty_page_p50": round(p["p50_ms"] / base["empty_page"]["p50_ms"], 2),
                "over_healthz_p50": round(p["p50_ms"] / base["healthz"]["p50_ms"], 1),
                "target_met": p["p95_ms"] <= TARGET_P95_MS}
        for name in (*cases, "empty_page"):
            result["profile"][who][name] = _profile(clients[who], "/tickets/",
                                                    pages[name][1])
        result["plans"][who] = _plans(result["profile"][who])
    every = [c for who in result["cases"].values() for c in who.values()]
    result["worst_p95_ms"] = max(c["p95_ms"] for c in every)
    result["target_met"] = all(c["target_met"] for c in every)
    result["misses"] = [f"{who}:{name}" for who, cs in result["cases"].items()
                        for name, c in cs.items() if not c["target_met"]]
    return result


def _pg_admin():
    try:
        import psycopg

        return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except Exception:
        return None


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200,
                        help="measured rounds: requests per person and page")
    parser.add_argument("--quick", action="store_true",
                        help="5,000 tickets, 500 customers, 30 rounds")
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="which of sqlite,postgresql (PostgreSQL only if it answers)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the data directories and databases (to look into them)")
    args = parser.parse_args()
    if args.quick:
        args.tickets, args.customers, args.requests = 5_000, 500, 30
    wanted = set(args.databases.split(","))
    opts = {"tickets": args.tickets, "customers": args.customers, "requests": args.requests}
    # One secret and audit key for the run's processes, as the other benchmarks do.
    os.environ["TRUSTDESK_AUDIT_SIGNING_KEY"] = base64.b64encode(os.urandom(32)).decode()
    os.environ["TRUSTDESK_SECRET_KEY"] = base64.b64encode(os.urandom(48)).decode()
    result = {"bench": "queue", "tickets": args.tickets, "customers": args.customers,
              "requests": args.requests, "cpus": os.cpu_count(),
              "python": platform.python_version(),
              "loadavg_1m_start": round(os.getloadavg()[0], 2)}
    started = time.perf_counter()
    admin = _pg_admin() if "postgresql" in wanted else None
    names = (PREFIX, f"{PREFIX}_keys")
    dirs = []
    try:
        if "sqlite" in wanted:
            dirs.append(tempfile.mkdtemp(prefix="trustdesk-bench-queue-"))
            result["sqlite"] = _in_process(run, "sqlite", dirs[-1], None, None, opts)
        if admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                admin.execute(f"CREATE DATABASE {name}")
            dirs.append(tempfile.mkdtemp(prefix="trustdesk-bench-queue-"))
            result["postgresql"] = _in_process(run, "postgresql", dirs[-1],
                                               f"{PG_SERVER}/{names[0]}",
                                               f"{PG_SERVER}/{names[1]}", opts)
        elif "postgresql" in wanted:
            result["postgresql"] = f"skipped: no server answered at {PG_SERVER}"
    finally:
        if args.keep:
            result["kept"] = {"data_dirs": dirs, "databases": list(names) if admin else []}
        else:
            if admin:
                for name in names:
                    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            for d in dirs:
                shutil.rmtree(d, ignore_errors=True)
        if admin:
            admin.close()
    ran = [db for db in ("sqlite", "postgresql") if isinstance(result.get(db), dict)]
    result["target_p95_ms"] = TARGET_P95_MS
    result["targets_met"] = {db: result[db]["target_met"] for db in ran}
    result["worst_p95_ms"] = {db: result[db]["worst_p95_ms"] for db in ran}
    result["misses"] = {db: result[db]["misses"] for db in ran}
    result["total_s"] = round(time.perf_counter() - started, 1)
    # Other work on the machine skews every figure above; say how busy it was.
    result["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
