"""The embedded database file: replicas opening a new one together all start, and the
file (with its WAL companions) is readable by its owner only."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time

_OPEN = textwrap.dedent("""
    import sys, time
    import django
    django.setup()
    from django.db import connection
    start = float(sys.argv[1])
    # All open together: the race is in the first milliseconds. Sleep until just before
    # the moment, then spin the last 20 ms (six spinning processes would starve the rest).
    time.sleep(max(0.0, start - time.time() - 0.02))
    while time.time() < start:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master")
""")


def _env(data_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.update(DJANGO_SETTINGS_MODULE="trustdesk.config.settings",
               TRUSTDESK_DATA_DIR=str(data_dir))
    return env


def test_processes_opening_a_new_database_together_all_succeed(tmp_path):
    # Setting WAL is not covered by SQLite's busy timeout; before it was retried, about
    # one process in five failed here with "database is locked".
    for round_ in range(4):
        data = tmp_path / f"data{round_}"
        start = time.time() + 4
        children = [subprocess.Popen([sys.executable, "-c", _OPEN, str(start)],
                                     env=_env(data), stderr=subprocess.PIPE, text=True)
                    for _ in range(6)]
        results = [(c.wait(timeout=120), c.stderr.read()[-600:]) for c in children]
        assert [code for code, _ in results] == [0] * 6, results
        with sqlite3.connect(data / "trustdesk.sqlite3") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_database_and_its_wal_files_are_private(tmp_path):
    # Looked at while the connection is open, when the -wal and -shm files exist.
    look = _OPEN + textwrap.dedent("""
        import glob, os
        for name in sorted(glob.glob(os.environ["TRUSTDESK_DATA_DIR"] + "/trustdesk.sqlite3*")):
            print(os.path.basename(name), oct(os.stat(name).st_mode & 0o777))
    """)
    shown = subprocess.run(
        [sys.executable, "-c", "import os; os.umask(0o022); exec(open(0).read())",
         str(time.time())], input=look, env=_env(tmp_path / "data"), text=True,
        check=True, timeout=120, capture_output=True).stdout.split()
    modes = dict(zip(shown[::2], shown[1::2], strict=True))
    assert {"trustdesk.sqlite3", "trustdesk.sqlite3-wal", "trustdesk.sqlite3-shm"} <= set(modes)
    assert set(modes.values()) == {"0o600"}, modes
