"""The embedded database's file: private to its owner, and in WAL mode.

WAL is a property of the file, set once. Setting it is not covered by SQLite's busy
timeout: several processes opening a new file at once (replicas starting together, a
server and its worker) got "database is locked" from ``PRAGMA journal_mode=WAL`` and
failed to start. So the first connection of each process sets it here, retrying for as
long as the busy timeout would have waited, instead of in ``init_command``.

The file is created by SQLite with the process's umask; it holds every customer record
(sealed, but with names of tables, staff accounts and audit metadata in the clear), so
it is made 0600 like the key file beside it, before WAL creates its -wal and -shm files
(SQLite gives those the database file's mode).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time

_WAIT_SECONDS = 10.0  # the busy_timeout set in init_command


def on_connection(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    on_disk = name != ":memory:" and not name.startswith("file:") and os.path.exists(name)
    if on_disk and stat.S_IMODE(os.stat(name).st_mode) & 0o077:
        os.chmod(name, 0o600)
    cursor = connection.connection.cursor()  # the driver's own: no Django wrapping
    try:
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() in ("wal", "memory"):
            return
        deadline = time.monotonic() + _WAIT_SECONDS
        while True:
            try:
                cursor.execute("PRAGMA journal_mode=WAL").fetchone()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        cursor.close()
