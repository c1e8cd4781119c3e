"""Each server gets a metrics directory its worker processes share; a stopped server's
directory is removed at the next start; one given by the operator is left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from trustdesk.config import metrics_dir

_SERVER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from trustdesk.config import metrics_dir
    env = {}
    path = metrics_dir.prepare(env, Path(sys.argv[1]))
    worker = os.fork()
    if worker == 0:  # a worker: the lock must outlive the parent while it runs
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        time.sleep(60)
        os._exit(0)
    print(path, worker, flush=True)
    os._exit(0)
""")


@pytest.fixture
def release_locks():
    held = len(metrics_dir._held)
    yield
    while len(metrics_dir._held) > held:
        os.close(metrics_dir._held.pop())


def test_a_fresh_directory_is_exported_for_the_workers(tmp_path, release_locks):
    env = {}
    path = metrics_dir.prepare(env, tmp_path / "metrics")
    assert env[metrics_dir.VARIABLE] == str(path)
    assert path.parent == tmp_path / "metrics" and path.is_dir()
    assert oct(path.stat().st_mode & 0o777) == "0o700"
    # A second server beside it gets its own, and does not remove the first (locked).
    other = metrics_dir.prepare({}, tmp_path / "metrics")
    assert other != path and path.is_dir()


def test_a_stopped_servers_directory_is_removed_a_running_ones_kept(tmp_path,
                                                                    release_locks):
    base = tmp_path / "metrics"
    started = subprocess.run([sys.executable, "-c", _SERVER, str(base)], capture_output=True,
                             text=True, timeout=60, check=True)
    printed, worker = started.stdout.split()
    running = base / os.path.basename(printed)
    (running / "counter_1.db").write_bytes(b"x")
    stopped = base / "1-deadbeef"
    stopped.mkdir()
    (stopped / ".lock").touch()
    (stopped / "counter_2.db").write_bytes(b"x")
    metrics_dir.prepare({}, base)
    # The first server exited, but its worker still holds the lock.
    assert (running / "counter_1.db").exists()
    assert not stopped.exists()
    os.kill(int(worker), signal.SIGKILL)
    for _ in range(100):  # until the worker is gone and its lock with it
        metrics_dir.prepare({}, base)
        if not running.exists():
            break
        time.sleep(0.05)
    assert not running.exists()


def test_a_directory_the_operator_gives_is_used_as_is(tmp_path):
    given = tmp_path / "mine"
    given.mkdir()
    (given / "counter_9.db").write_bytes(b"x")
    env = {metrics_dir.VARIABLE: str(given)}
    assert metrics_dir.prepare(env, tmp_path / "unused") == given
    assert (given / "counter_9.db").exists() and not (tmp_path / "unused").exists()
    with pytest.raises(ImproperlyConfigured, match=metrics_dir.VARIABLE):
        metrics_dir.prepare({metrics_dir.VARIABLE: str(tmp_path / "missing")}, tmp_path)


def test_an_unusable_directory_stops_startup(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_METRICS_DIR"):
        metrics_dir.prepare({}, tmp_path / "file" / "metrics")


_STARTER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from trustdesk.config import metrics_dir
    start = float(sys.argv[2])
    while time.time() < start:
        pass  # all begin together: the race is in the first milliseconds
    path = metrics_dir.prepare({}, Path(sys.argv[1]))
    print(path, flush=True)
    sys.stdin.read()  # hold the lock until the test has looked
""")


def test_servers_starting_together_keep_their_own_directories(tmp_path):
    """Each sweeps stopped servers' directories; none may sweep one still being made."""
    base = tmp_path / "metrics"
    start = time.time() + 1.5
    starters = [subprocess.Popen([sys.executable, "-c", _STARTER, str(base), str(start)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                for _ in range(8)]
    try:
        paths = [s.stdout.readline().strip() for s in starters]
        assert all(paths) and len(set(paths)) == 8
        assert all(os.path.isdir(p) for p in paths)
    finally:
        for s in starters:
            s.communicate(timeout=30)
    assert [s.returncode for s in starters] == [0] * 8
