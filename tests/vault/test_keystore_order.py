"""A KEK rotation walks the keys under the old KEK in batches, in key order. Each batch
must come straight from an index, starting where the last one ended: stepping over the
keys rewrapped before it (or sorting every key left) would make a rotation's time grow
with the square of the number of keys."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3

import pytest
from django.conf import settings
from django.db import connection

from trustdesk.vault.keystore import PostgresKeyStore, SqliteKeyStore, WrappedKey


def _fill(store, n: int) -> list[str]:
    """``n`` keys in random order (as customers come), two in three under "old"."""
    now, subjects = dt.datetime.now(dt.UTC), [f"customer:{i:05d}" for i in range(n)]
    order = list(range(n))
    random.Random(5).shuffle(order)
    for i in order:
        store.insert(WrappedKey(subjects[i], 1, "old" if i % 3 else "new", b"w" * 60, now))
    return [s for i, s in enumerate(subjects) if i % 3]


def _batch_sql(store, *args, **kwargs) -> tuple[str, tuple, list]:
    """The statement ``wrapped_under`` runs, its parameters and its answer."""
    seen, run = [], store._run

    def spy(sql, params=(), **kw):
        seen.append((sql.replace("?", store.mark), params))
        return run(sql, params, **kw)

    store._run = spy
    try:
        rows = store.wrapped_under(*args, **kwargs)
    finally:
        store._run = run
    [(sql, params)] = seen
    return sql, params, rows


def test_batches_walk_the_keys_in_order_from_where_the_last_ended(tmp_path):
    store = SqliteKeyStore(tmp_path / "keys.sqlite3")
    old = _fill(store, 300)
    first = store.wrapped_under("old", 50)
    assert [r.subject for r in first] == old[:50]
    rest = store.wrapped_under("old", 1000, after=(first[-1].subject, first[-1].version))
    assert [r.subject for r in rest] == old[50:]
    assert all(r.kek_id == "old" for r in first + rest)


def test_sqlite_batches_come_from_an_index_in_key_order(tmp_path):
    store = SqliteKeyStore(tmp_path / "keys.sqlite3")
    _fill(store, 300)
    sql, params, _ = _batch_sql(store, "old", 100, after=("customer:00150", 1))
    plan = " | ".join(r[3] for r in store._run("EXPLAIN QUERY PLAN " + sql, params,
                                               fetch=True))
    assert "USING INDEX vault_data_key_kek_order (kek_id=? AND" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # no sort of every key under the KEK


def test_an_existing_keystore_gets_the_ordered_index(tmp_path):
    path = tmp_path / "keys.sqlite3"
    old = sqlite3.connect(path)  # a keystore as earlier versions created it
    old.execute("CREATE TABLE vault_data_key (subject VARCHAR(80) NOT NULL, version INTEGER "
                "NOT NULL, kek_id VARCHAR(64) NOT NULL, wrapped BLOB NOT NULL, created_at "
                "VARCHAR(32) NOT NULL, PRIMARY KEY (subject, version))")
    old.execute("CREATE INDEX vault_data_key_kek ON vault_data_key (kek_id)")
    old.commit()
    old.close()
    store = SqliteKeyStore(path)
    indexes = {r[0] for r in store._run(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = "
        "'vault_data_key' AND sql IS NOT NULL", fetch=True)}
    assert indexes == {"vault_data_key_kek_order"}


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_batches_start_where_the_last_ended():
    db = settings.DATABASES["default"]
    store = PostgresKeyStore(f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/"
                             f"{connection.settings_dict['NAME']}")
    try:
        old = _fill(store, 3000)
        store._run("ANALYZE vault_data_key")
        sql, params, rows = _batch_sql(store, "old", 500, after=(old[1000], 1))
        assert [r.subject for r in rows] == old[1001:1501]
        plan = " | ".join(r[0] for r in store._run("EXPLAIN " + sql, params, fetch=True))
        # Whichever index the planner takes, the scan starts at the cursor and needs no
        # sort: it reads the batch, not the keys before it.
        assert "Index Cond:" in plan and "> ROW(" in plan.split("Index Cond:")[1], plan
        assert "Sort" not in plan, plan
    finally:
        for table in ("vault_data_key", "vault_kek", "vault_shredded", "vault_rotation"):
            store._run(f"DROP TABLE IF EXISTS {table}")
        store.close()
