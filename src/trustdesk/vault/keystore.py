"""Where wrapped data keys live: a store *outside* the application database.

A dump or backup of the application database therefore holds ciphertexts and no keys, and
destroying a customer's key (crypto-shredding) makes every copy of their data unreadable.
The default is a SQLite file beside the data (0600); replicas share a separate PostgreSQL
database (``TRUSTDESK_KEYSTORE_URL``) kept under its own, short, backup retention.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from trustdesk.vault.errors import KeyProviderUnavailable

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS vault_kek (
        id VARCHAR(64) PRIMARY KEY, provider VARCHAR(16) NOT NULL,
        created_at VARCHAR(32) NOT NULL, state VARCHAR(12) NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS vault_data_key (
        subject VARCHAR(80) NOT NULL, version INTEGER NOT NULL, kek_id VARCHAR(64) NOT NULL,
        wrapped {blob} NOT NULL, created_at VARCHAR(32) NOT NULL,
        PRIMARY KEY (subject, version))""",
    # A KEK rotation walks the keys under the old KEK in key order, a batch at a time
    # from where the last one ended (``wrapped_under``): this index answers each batch
    # directly, however many keys there are and however many are rewrapped already.
    # (It replaces the index on ``kek_id`` alone, of which it is a prefix.)
    "CREATE INDEX IF NOT EXISTS vault_data_key_kek_order ON vault_data_key "
    "(kek_id, subject, version)",
    "DROP INDEX IF EXISTS vault_data_key_kek",
    # Subjects whose keys were destroyed: no key is ever created for them again.
    """CREATE TABLE IF NOT EXISTS vault_shredded (
        subject VARCHAR(80) PRIMARY KEY, shredded_at VARCHAR(32) NOT NULL)""",
    # An unfinished data-key rotation, so a rerun resumes it instead of starting over.
    """CREATE TABLE IF NOT EXISTS vault_rotation (
        kind VARCHAR(16) PRIMARY KEY, cutoff VARCHAR(32) NOT NULL)""",
)


@dataclass(frozen=True)
class Kek:
    id: str
    provider: str
    created_at: dt.datetime
    state: str  # active | retired | destroyed


@dataclass(frozen=True)
class WrappedKey:
    subject: str
    version: int
    kek_id: str
    wrapped: bytes
    created_at: dt.datetime


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class KeyStore(abc.ABC):
    """A thin, autocommit SQL store; every method is one statement or one short
    transaction, safe for several processes at once."""

    blob = "BLOB"
    mark = "?"

    def __init__(self) -> None:
        self._local = threading.local()

    # --- connection ---------------------------------------------------------------------
    @abc.abstractmethod
    def _connect(self):
        """Open a DB-API connection in autocommit mode."""

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = self._connect()
                cur = conn.cursor()
                for statement in _SCHEMA:
                    cur.execute(statement.format(blob=self.blob))
            except Exception as exc:  # any driver error means "keys unavailable"
                raise KeyProviderUnavailable(detail=f"keystore: {exc}") from exc
            self._local.conn = conn
        return conn

    def _run(self, sql: str, params: tuple = (), *, fetch: bool = False):
        sql = sql.replace("?", self.mark)
        try:
            cur = self._conn().cursor()
            cur.execute(sql, params)
            return cur.fetchall() if fetch else cur.rowcount
        except KeyProviderUnavailable:
            raise
        except Exception as exc:
            self._local.conn = None
            raise KeyProviderUnavailable(detail=f"keystore: {exc}") from exc

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- key-encryption keys (metadata; the material is the provider's) ------------------
    def keks(self) -> list[Kek]:
        rows = self._run("SELECT id, provider, created_at, state FROM vault_kek "
                         "ORDER BY created_at, id", fetch=True)
        return [Kek(r[0], r[1], dt.datetime.fromisoformat(r[2]), r[3]) for r in rows]

    def add_kek(self, kek_id: str, provider: str) -> None:
        self._run("INSERT INTO vault_kek (id, provider, created_at, state) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT (id) DO NOTHING", (kek_id, provider, _now(), "active"))

    def set_kek_state(self, kek_id: str, state: str) -> None:
        self._run("UPDATE vault_kek SET state = ? WHERE id = ?", (state, kek_id))

    # --- data keys ---------------------------------------------------------------------
    def versions(self, subject: str) -> list[WrappedKey]:
        rows = self._run("SELECT subject, version, kek_id, wrapped, created_at FROM "
                         "vault_data_key WHERE subject = ? ORDER BY version", (subject,),
                         fetch=True)
        return [_wrapped(r) for r in rows]

    def get(self, subject: str, version: int) -> WrappedKey | None:
        rows = self._run("SELECT subject, version, kek_id, wrapped, created_at FROM "
                         "vault_data_key WHERE subject = ? AND version = ?",
                         (subject, version), fetch=True)
        return _wrapped(rows[0]) if rows else None

    def insert(self, key: WrappedKey) -> bool:
        """Store a new key version; False if another process stored that version first."""
        count = self._run(
            "INSERT INTO vault_data_key (subject, version, kek_id, wrapped, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (subject, version) DO NOTHING",
            (key.subject, key.version, key.kek_id, key.wrapped, _now()),
        )
        return count == 1

    def rewrap(self, rows: list[tuple[str, int, bytes]], old_kek: str, new_kek: str) -> int:
        """Store rewrapped keys ``(subject, version, wrapped)`` in one transaction; returns
        how many were updated. Compare-and-set on the KEK, so a concurrent rotation never
        overwrites newer work."""
        sql = ("UPDATE vault_data_key SET kek_id = ?, wrapped = ? WHERE subject = ? "
               "AND version = ? AND kek_id = ?").replace("?", self.mark)
        conn = self._conn()
        try:
            cur = conn.cursor()
            cur.execute("BEGIN")
            done = 0
            for subject, version, wrapped in rows:
                cur.execute(sql, (new_kek, wrapped, subject, version, old_kek))
                done += cur.rowcount
            cur.execute("COMMIT")
            return done
        except Exception as exc:
            with contextlib.suppress(Exception):  # the connection is discarded anyway
                conn.cursor().execute("ROLLBACK")
            self._local.conn = None
            raise KeyProviderUnavailable(detail=f"keystore: {exc}") from exc

    def delete(self, subject: str, version: int | None = None) -> int:
        if version is None:
            return self._run("DELETE FROM vault_data_key WHERE subject = ?", (subject,))
        return self._run("DELETE FROM vault_data_key WHERE subject = ? AND version = ?",
                         (subject, version))

    def shred(self, subject: str) -> int:
        """Tombstone the subject, then destroy every version of its key."""
        self._run("INSERT INTO vault_shredded (subject, shredded_at) VALUES (?, ?) "
                  "ON CONFLICT (subject) DO NOTHING", (subject, _now()))
        return self.delete(subject)

    def is_shredded(self, subject: str) -> bool:
        return bool(self._run("SELECT 1 FROM vault_shredded WHERE subject = ?", (subject,),
                              fetch=True))

    def rotation_cutoff(self, kind: str, start: dt.datetime | None = None) -> dt.datetime | None:
        """The cutoff of the unfinished rotation of ``kind``; with ``start``, begin one."""
        if start is not None:
            self._run("INSERT INTO vault_rotation (kind, cutoff) VALUES (?, ?) "
                      "ON CONFLICT (kind) DO NOTHING", (kind, start.isoformat()))
        rows = self._run("SELECT cutoff FROM vault_rotation WHERE kind = ?", (kind,),
                         fetch=True)
        return dt.datetime.fromisoformat(rows[0][0]) if rows else None

    def finish_rotation(self, kind: str) -> None:
        self._run("DELETE FROM vault_rotation WHERE kind = ?", (kind,))

    def wrapped_under(self, kek_id: str, limit: int,
                      after: tuple[str, int] | None = None) -> list[WrappedKey]:
        """Up to ``limit`` keys wrapped under ``kek_id``, in key order, from after the
        key ``after`` (subject, version) if given: a rotation walks the keys once, and
        no batch steps over the keys that batches before it have rewrapped."""
        subject, version = after or ("", 0)
        rows = self._run("SELECT subject, version, kek_id, wrapped, created_at FROM "
                         "vault_data_key WHERE kek_id = ? AND (subject, version) > (?, ?) "
                         "ORDER BY subject, version LIMIT ?",
                         (kek_id, subject, version, limit), fetch=True)
        return [_wrapped(r) for r in rows]

    def count(self, kek_id: str | None = None) -> int:
        if kek_id is None:
            return self._run("SELECT COUNT(*) FROM vault_data_key", fetch=True)[0][0]
        return self._run("SELECT COUNT(*) FROM vault_data_key WHERE kek_id = ?", (kek_id,),
                         fetch=True)[0][0]

    def subjects_older_than(self, before: dt.datetime, prefix: str, after: str,
                            limit: int) -> list[str]:
        """Subjects (after ``after``, in order) whose newest key predates ``before``."""
        rows = self._run(
            "SELECT subject FROM vault_data_key WHERE subject LIKE ? AND subject > ? "
            "GROUP BY subject HAVING MAX(created_at) < ? ORDER BY subject LIMIT ?",
            (prefix + "%", after, before.isoformat(), limit), fetch=True)
        return [r[0] for r in rows]

    def subjects_with_old_versions(self, prefix: str, after: str, limit: int) -> list[str]:
        rows = self._run(
            "SELECT subject FROM vault_data_key WHERE subject LIKE ? AND subject > ? "
            "GROUP BY subject HAVING COUNT(*) > 1 ORDER BY subject LIMIT ?",
            (prefix + "%", after, limit), fetch=True)
        return [r[0] for r in rows]

    def oldest_key_created(self, prefix: str) -> dt.datetime | None:
        rows = self._run("SELECT MIN(latest) FROM (SELECT MAX(created_at) AS latest FROM "
                         "vault_data_key WHERE subject LIKE ? GROUP BY subject) AS t",
                         (prefix + "%",), fetch=True)
        return dt.datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None


def _wrapped(row) -> WrappedKey:
    return WrappedKey(row[0], row[1], row[2], bytes(row[3]), dt.datetime.fromisoformat(row[4]))


class SqliteKeyStore(KeyStore):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)

    def _connect(self):
        if not self.path.exists():
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30,
                               check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn


class PostgresKeyStore(KeyStore):
    blob = "BYTEA"
    mark = "%s"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def _connect(self):
        import psycopg

        return psycopg.connect(self.url, autocommit=True, connect_timeout=5)


def keystore_from_url(url: str | None, default_path: Path) -> KeyStore:
    if not url:
        return SqliteKeyStore(default_path)
    scheme = urlparse(url).scheme
    if scheme in ("postgres", "postgresql"):
        return PostgresKeyStore(url.replace("postgres://", "postgresql://", 1))
    if scheme == "sqlite":
        return SqliteKeyStore(Path(urlparse(url).path))
    raise ValueError(f"TRUSTDESK_KEYSTORE_URL must be postgres:// or sqlite://, not {scheme}://")
