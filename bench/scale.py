"""Scale benchmark: 10k, 100k and 1,000,000 customers (5 messages each) on PostgreSQL, and
how the figures that must not grow with them do: the blind-index lookup, the customer
view, the queue's first page, the erasure of one customer and a KEK rotation's rate.
One JSON line on stdout.

    python bench/scale.py [--sizes 10000,100000,1000000] [--quick] [--cpu-lock PATH]

Each size gets its own application database and its own keystore database (``h_scale_*``
on the server at ``TRUSTDESK_BENCH_PG``), built as ``_scale_build`` describes (real
sealed rows, real keys, bulk COPY from two processes at low priority), rebuilt indexes,
VACUUM ANALYZE, then measured through the selectors and services the API calls, with
the actors it builds (an agent's token; a privacy officer's re-authenticated session
for erasure), each call writing its audit event. With ``--cpu-lock`` the timed part
holds that lock (the build does not). The databases are dropped afterwards.

The search limit per person (``TRUSTDESK_SEARCH_LIMIT``) is raised for the run: one
agent searches several hundred times in a minute here, which a deployment would refuse.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
import _scale_build as build
from _setup import percentiles

from audit import SPAWN, _child, _results
from audit import _in_process as _run

SRC = Path(__file__).resolve().parent.parent / "src"
PG_SERVER = os.environ.get("TRUSTDESK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PREFIX = "h_scale"
SIZES = (10_000, 100_000, 1_000_000)
TEAMS, AGENTS = 10, 30
ROUNDS = 3  # measurement rounds, each visiting every size in turn
REDIS_URL = os.environ.get("TRUSTDESK_BENCH_REDIS", "redis://127.0.0.1:6379/13")
ROTATION_SAMPLE = 100_000  # whole keystores up to 100k; a 100k-key walk of 1M
TARGET_LOOKUP_P95_MS, TARGET_ERASURE_MS = 10.0, 100.0


def _django(data_dir: str, url: str, keys_url: str, *, migrate: bool = False) -> None:
    os.environ.update({"TRUSTDESK_DATA_DIR": data_dir, "TRUSTDESK_DATABASE_URL": url,
                       "TRUSTDESK_KEYSTORE_URL": keys_url,
                       "DJANGO_SETTINGS_MODULE": "trustdesk.config.settings"})
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def _parallel(calls) -> list:
    outs = []
    for fn, args in calls:
        out = SPAWN.Queue()
        proc = SPAWN.Process(target=_child, args=(fn, args, out))
        proc.start()
        outs.append((proc, out))
    results = [_results(out, [proc])[0] for proc, out in outs]
    errors = [value for status, value in results if status != "ok"]
    if errors:
        raise RuntimeError(errors[0])
    return [value for _, value in results]


# --- Build ----------------------------------------------------------------------------

def _people() -> None:
    """Teams and agents through the account services, the measuring agent's token, a
    privacy officer; the blind-index key and the KEK exist before the producers start."""
    from trustdesk import vault
    from trustdesk.accounts import services as accounts
    from trustdesk.core.actor import Actor

    system = Actor.system("bench")
    teams = [accounts.team_create(actor=system, name=f"Team {t}").pk for t in range(TEAMS)]
    for a in range(AGENTS):
        accounts.user_create(actor=system, email=f"agent{a}@example.com",
                             full_name=f"Agent {a}", role="agent",
                             password="a long bench passphrase", team_ids=[teams[a % TEAMS]])
    accounts.user_create(actor=system, email="privacy@example.com", full_name="Privacy",
                         role="privacy_officer", password="a long bench passphrase")
    vault.blind_index("email", "warm@example.org")


def _produce(data_dir, url, keys_url, seed, lo, hi) -> dict:
    _django(data_dir, url, keys_url)
    return build.produce(url, keys_url, seed, lo, hi, nice=19)


def _rebuild(url: str, statements: list[str]) -> None:
    import threading

    import psycopg

    errors = []

    def work(share):
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '512MB'")
                conn.execute("SET max_parallel_maintenance_workers = 0")
                for sql in share:
                    conn.execute(sql)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(statements[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def build_size(data_dir: str, url: str, keys_url: str, seed: str, n: int) -> dict:
    _django(data_dir, url, keys_url, migrate=True)
    from django.db import connection

    from trustdesk.vault.providers import keystore

    _people()
    keystore().close()
    timings = {}
    start = time.perf_counter()
    with connection.cursor() as cur:
        schema = build.secondary(cur, build.APP_TABLES)
        for _, drop, _ in schema:
            cur.execute(drop)
    connection.close()
    half = n // 2
    counts = _parallel([(_produce, (data_dir, url, keys_url, seed, 0, half)),
                        (_produce, (data_dir, url, keys_url, seed, half, n))])
    timings["copy_s"] = time.perf_counter() - start
    t = time.perf_counter()
    _rebuild(url, [create for kind, _, create in schema if kind == "index"])
    _rebuild(url, [create for kind, _, create in schema if kind == "fk"])
    with connection.cursor() as cur:
        assert build.secondary(cur, build.APP_TABLES) == schema  # the schema is whole
        for table, column in (("customers_customerfield", "id"), ("tickets_ticket", "id"),
                              ("tickets_message", "id")):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"(SELECT MAX({column}) FROM {table}))")
    timings["index_rebuild_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with connection.cursor() as cur:  # what autovacuum would have done by now
        for table in build.APP_TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    import psycopg

    with psycopg.connect(keys_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) vault_data_key")
    timings["vacuum_analyze_s"] = time.perf_counter() - t
    totals = {k: sum(c[k] for c in counts) for k in counts[0]}
    with connection.cursor() as cur:
        for table in build.APP_TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            assert cur.fetchone()[0] == totals[table], table
        cur.execute(f"SELECT pg_database_size('{connection.settings_dict['NAME']}')")
        size = cur.fetchone()[0]
    return {"customers": totals["customers_customer"],
            "fields": totals["customers_customerfield"],
            "tickets": totals["tickets_ticket"], "messages": totals["tickets_message"],
            "data_keys": totals["vault_data_key"],
            "build_s": round(time.perf_counter() - start, 1),
            **{k: round(v, 1) for k, v in timings.items()},
            "app_db_mb": round(size / 2**20)}


# --- Timed part -----------------------------------------------------------------------

def _timed(fn, samples: list) -> list[float]:
    out = []
    for s in samples:
        t = time.perf_counter()
        fn(s)
        out.append((time.perf_counter() - t) * 1000)
    return out


def _actors():
    import dataclasses

    from trustdesk.accounts import services as accounts
    from trustdesk.accounts.actors import actor_for_user
    from trustdesk.accounts.models import ApiToken, User
    from trustdesk.core.actor import Actor

    agent = User.objects.get(email="agent0@example.com")
    if not ApiToken.objects.filter(user=agent).exists():
        accounts.token_create(actor=Actor.system("bench"), user=agent, name="bench")
    api = actor_for_user(agent, token=ApiToken.objects.get(user=agent))
    officer = User.objects.get(email="privacy@example.com")
    # A console session that has just confirmed the password, as erasure requires.
    erasing = dataclasses.replace(actor_for_user(officer), session_key="bench",
                                  reauthenticated=True)
    return api, erasing


def _rotation_plan() -> str:
    """How the keystore finds a batch to rewrap halfway through a rotation (the plan
    decides whether the rate holds as the keystore grows)."""
    from trustdesk.vault.providers import keystore

    ks = keystore()
    kek = [k for k in ks.keks() if k.state == "active"][-1].id
    rows = ks._run("EXPLAIN SELECT subject, version, kek_id, wrapped, created_at FROM "
                   "vault_data_key WHERE kek_id = %s AND (subject, version) > (%s, %s) "
                   "ORDER BY subject, version LIMIT 500", (kek, "customer:8", 1), fetch=True)
    return " / ".join(r[0].strip() for r in rows)


def _audited_nothing(actor) -> None:
    """The floor under every audited read: one audit event written and committed."""
    from django.db import transaction

    from trustdesk.audit.services import record

    with transaction.atomic():
        record(actor=actor, action="customer.view", object_type="customer",
               object_id=uuid.uuid4(), fields=["full_name"])


def measure(data_dir: str, url: str, keys_url: str, seed: str, n: int, part: int,
            rotate: bool) -> dict:
    """Round ``part`` of ``ROUNDS`` at one size: raw samples (ms), merged by ``main``;
    with ``rotate``, the KEK rotation too (it ends the size's measurements)."""
    _django(data_dir, url, keys_url)
    from django.conf import settings

    from trustdesk.customers import search_guard
    from trustdesk.customers import selectors as customers
    from trustdesk.customers import services as customer_services
    from trustdesk.tickets import selectors as tickets
    from trustdesk.vault import rotation

    api, erasing = _actors()
    picks = random.Random(f"{seed}:measure").sample(range(n), 1000)
    share = len(picks) // ROUNDS
    mine = picks[part * share:(part + 1) * share]
    lookups, views, erasures, warm = mine[:160], mine[160:280], mine[280:290], mine[290:]

    def counters(redis: bool) -> None:
        # The two configurations the search limit counts in: the database (one
        # server) or Redis (TRUSTDESK_REDIS_URL, several).
        settings.REDIS_URL = REDIS_URL if redis else None
        search_guard._counters.cache_clear()

    def lookup(i: int) -> None:
        profile = build.profile_of(i)
        field = "email" if i % 2 else "phone"
        page = customers.customer_list(actor=api, match={field: profile[field]})
        assert page.total == 1 and page.items[0].id == build.customer_id(seed, i), i

    def view(i: int) -> None:
        profile = customers.customer_get(actor=api, customer_id=build.customer_id(seed, i))
        assert profile.profile["full_name"] == build.profile_of(i)["full_name"]

    def queue(_) -> None:
        page = tickets.ticket_list(actor=api, page=1)
        assert len(page.items) == 25

    def erase(i: int) -> None:
        done = customer_services.customer_erase(actor=erasing,
                                                customer_id=build.customer_id(seed, i),
                                                reason="The customer asked to be erased")
        assert done.status == "erased"

    for redis in (False, True):
        counters(redis)
        for i in warm:
            lookup(i)
    for i in warm:
        view(i)
    queue(None)
    out = {"audit_commit_floor": [], "lookup": [], "lookup_redis_counters": [], "view": [],
           "queue_page": []}
    for k, i in enumerate(lookups):  # alternately, so that drift hits both alike
        redis = k % 2 == 1
        counters(redis)
        out["lookup_redis_counters" if redis else "lookup"] += _timed(lookup, [i])
        out["audit_commit_floor"] += _timed(lambda _: _audited_nothing(api), [None])
    for k, i in enumerate(views):
        out["view"] += _timed(view, [i])
        if k % 6 == 0:
            out["queue_page"] += _timed(queue, [None])
    out["erasure"] = _timed(erase, erasures)
    if rotate:
        out["rotation_plan"] = _rotation_plan()
        sample = min(ROTATION_SAMPLE, n)
        t = time.perf_counter()
        report = rotation.rotate_kek(batch=500, limit=sample, grace_seconds=0.0)
        took = time.perf_counter() - t
        out["kek_rotation"] = {"rewrapped": report.rewrapped, "s": round(took, 2),
                               "keys_per_s": round(report.rewrapped / took),
                               "complete": not report.interrupted}
    return out


def _merge(rounds: list[dict]) -> dict:
    result = {}
    for name in ("audit_commit_floor", "lookup", "lookup_redis_counters", "view",
                 "queue_page", "erasure"):
        samples = [ms for r in rounds for ms in r[name]]
        result[name] = {**percentiles(samples), "n": len(samples)}
        if name == "erasure":
            result[name]["max_ms"] = round(max(samples), 3)
    result.update({k: rounds[-1][k] for k in ("rotation_plan", "kek_rotation")})
    return result


# --- Orchestration --------------------------------------------------------------------

@contextlib.contextmanager
def _cpu_lock(path: str | None):
    if not path:
        yield 0.0
        return
    t = time.perf_counter()
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield time.perf_counter() - t
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _growth(per_size: dict, path: tuple[str, str]) -> dict:
    sizes = sorted(per_size, key=int)
    values = [per_size[s][path[0]][path[1]] for s in sizes]
    return {f"{a}->{b}": round(vb / va, 2)
            for a, b, va, vb in zip(sizes, sizes[1:], values, values[1:], strict=False)}


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--quick", action="store_true", help="10,000 customers only")
    parser.add_argument("--cpu-lock", default=None)
    parser.add_argument("--keep", action="store_true",
                        help="keep the last size's databases and data directory (its KEK)")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    os.environ["TRUSTDESK_AUDIT_SIGNING_KEY"] = base64.b64encode(os.urandom(32)).decode()
    os.environ["TRUSTDESK_SECRET_KEY"] = base64.b64encode(os.urandom(48)).decode()
    os.environ["TRUSTDESK_SEARCH_LIMIT"] = "1000000"
    import psycopg

    admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)
    result = {"bench": "scale", "cpus": os.cpu_count(), "python": platform.python_version(),
              "postgresql": admin.execute("SHOW server_version").fetchone()[0],
              "loadavg_1m_start": round(os.getloadavg()[0], 2), "sizes": {}}
    started = time.perf_counter()
    built, made = {}, []
    os.environ["TRUSTDESK_REDIS_PREFIX"] = f"h_scale:{uuid.uuid4().hex}:"
    try:
        for n in sizes:  # every size is built first, then all are measured together
            names = (f"{PREFIX}_{n}", f"{PREFIX}_{n}_keys")
            data_dir = tempfile.mkdtemp(prefix="trustdesk-bench-scale-")
            made.append((names, data_dir))
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                admin.execute(f"CREATE DATABASE {name}")
            where = (data_dir, *(f"{PG_SERVER}/{name}" for name in names), uuid.uuid4().hex)
            built[n] = (where, _run(build_size, *where, n))
        result["build_s"] = round(time.perf_counter() - started, 1)
        rounds = {n: [] for n in sizes}
        with _cpu_lock(args.cpu_lock) as waited:
            t = time.perf_counter()
            # Round by round, each size in turn: drift on a shared machine (other work,
            # disk flushes) falls on every size alike, so the ratios between sizes hold.
            for part in range(ROUNDS):
                for n in sizes:
                    rounds[n].append(_run(measure, *built[n][0], n, part,
                                          part == ROUNDS - 1))
            result["measure_s"] = round(time.perf_counter() - t, 1)
        result["cpu_lock_wait_s"] = round(waited, 1)
        for n in sizes:
            result["sizes"][str(n)] = {**built[n][1], **_merge(rounds[n])}
    finally:
        for k, (names, data_dir) in enumerate(made):
            if args.keep and k == len(sizes) - 1:
                result["kept"] = {"databases": names, "data_dir": data_dir}
                continue
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            shutil.rmtree(data_dir, ignore_errors=True)
    per = result["sizes"]
    result["growth"] = {
        "lookup_p95": _growth(per, ("lookup", "p95_ms")),
        "lookup_redis_counters_p95": _growth(per, ("lookup_redis_counters", "p95_ms")),
        "view_p95": _growth(per, ("view", "p95_ms")),
        "queue_page_p95": _growth(per, ("queue_page", "p95_ms")),
        "erasure_p95": _growth(per, ("erasure", "p95_ms")),
        "kek_rotation_keys_per_s": _growth(per, ("kek_rotation", "keys_per_s")),
    }
    result["target_lookup_p95_ms_max"] = TARGET_LOOKUP_P95_MS
    result["target_erasure_ms_max"] = TARGET_ERASURE_MS
    result["targets_met"] = {
        "lookup_p95": all(s["lookup"]["p95_ms"] <= TARGET_LOOKUP_P95_MS for s in per.values()),
        "lookup_redis_counters_p95": all(s["lookup_redis_counters"]["p95_ms"]
                                         <= TARGET_LOOKUP_P95_MS for s in per.values()),
        "erasure_max": all(s["erasure"]["max_ms"] <= TARGET_ERASURE_MS for s in per.values()),
        "reached_1m": max(map(int, per)) >= 1_000_000,
    }
    result["total_s"] = round(time.perf_counter() - started, 1)
    result["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    admin.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
