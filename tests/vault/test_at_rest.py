"""A stolen database file or dump reveals nothing useful: no confidential value of a
seeded helpdesk appears in clear text."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
from django.db import connection

from helpers import opened_messages, stored_profile
from trustdesk.config.demo import seed as demo
from trustdesk.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


def _secrets_of_seeded_helpdesk() -> list[bytes]:
    demo.seed(seed=3, customers_count=8, tickets_count=12)
    values: list[bytes] = []
    for customer in Customer.objects.all():
        profile = stored_profile(customer.pk)
        for name in ("full_name", "email", "phone", "account_number", "postal_address"):
            if name in profile:
                values.append(profile[name].encode())
    values += [m.body.encode() for m in opened_messages()]
    assert len(values) > 30
    return values


def _assert_absent(blob: bytes, values: list[bytes], where: str) -> None:
    leaked = [v for v in values if v in blob]
    assert not leaked, f"{len(leaked)} confidential values in clear in {where}: {leaked[:3]}"


def test_database_at_rest_holds_no_confidential_value(tmp_path):
    """On SQLite, the database file; on PostgreSQL, a pg_dump of the database."""
    values = _secrets_of_seeded_helpdesk()
    if connection.vendor == "postgresql":
        _check_postgresql_dump(values)
        return
    copy = tmp_path / "copy.sqlite3"
    # The online backup API includes what still sits in the write-ahead log.
    with sqlite3.connect(connection.settings_dict["NAME"]) as live, \
            sqlite3.connect(copy) as target:
        live.backup(target)
    _assert_absent(copy.read_bytes(), values, "the SQLite file")
    # And the search index holds keyed digests, not values.
    with sqlite3.connect(copy) as db:
        lookups = [r[0] for r in db.execute("SELECT lookup FROM customers_customerfield "
                                            "WHERE lookup != ''")]
    assert lookups and all(len(t) == 64 for t in lookups)


def _check_postgresql_dump(values: list[bytes]) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (Debian package postgresql-client)")
    s = connection.settings_dict
    cmd = ["pg_dump", "--no-owner", "-h", s.get("HOST") or "127.0.0.1", "-p",
           str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres", s["NAME"]]
    env = {"PGPASSWORD": s.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    dump = subprocess.run(cmd, capture_output=True, check=True, env=env, timeout=120).stdout
    assert b"COPY public.customers_customerfield" in dump
    # bytea is dumped as hex; check the plain and the hex forms.
    _assert_absent(dump, values, "the PostgreSQL dump")
    _assert_absent(dump, [v.hex().encode() for v in values], "the PostgreSQL dump (hex)")


def test_keystore_holds_no_plaintext_key_or_value(settings):
    values = _secrets_of_seeded_helpdesk()
    from trustdesk.vault.providers import keystore

    blob = b"".join(k.wrapped for k in keystore().versions(
        f"customer:{Customer.objects.first().pk}"))
    assert blob
    path = settings.VAULT_KEYSTORE_URL.removeprefix("sqlite://")
    with open(path, "rb") as fh:
        _assert_absent(fh.read(), values, "the keystore")
