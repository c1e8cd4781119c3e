"""Where the server's processes keep their metrics, so that ``/metrics`` sums them all.

prometheus_client's multiprocess mode has every process write its counters and
histograms to files in ``PROMETHEUS_MULTIPROC_DIR``; ``/metrics`` reads every file there.
The variable must be set before prometheus_client is first imported, so the settings
module calls ``prepare()`` first thing.

The first TrustDesk process of a server (``trustdesk serve``, or any command) gets a
directory of its own under ``TRUSTDESK_METRICS_DIR`` (default: ``metrics`` in the data
directory) and exports the variable, so the worker processes it starts inherit it and
write beside it. It holds an exclusive lock on that directory for as long as it or any
process it started lives; a directory whose lock is free belongs to a server that has
stopped and is removed at the next start — a restart begins from zero, as Prometheus
expects of counters, and no dead process's files are summed in. Separate commands
(``trustdesk keys status`` beside a running server) get separate directories, so they
neither add to nor wipe the server's counts.

An operator who sets ``PROMETHEUS_MULTIPROC_DIR`` themselves owns that directory: it is
used as given and never cleaned here.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_LOCK = ".lock"
_TURN = ".starting"  # a file, not a directory: never swept
_held: list[int] = []  # the lock's descriptor, kept open for the process's lifetime


def _stale(path: Path) -> bool:
    try:
        fd = os.open(path / _LOCK, os.O_RDWR)
    except OSError:
        return True  # no lock file: never completed its start, or not ours
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a live server holds it
    finally:
        os.close(fd)
    return True


def prepare(env: dict, base: Path) -> Path:
    """Set ``PROMETHEUS_MULTIPROC_DIR`` for this process and its children; returns it."""
    if given := env.get(VARIABLE):
        path = Path(given)
        if not path.is_dir():
            raise ImproperlyConfigured(f"{VARIABLE} {given} is not a directory.")
        return path
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Processes starting together take turns: without it, one sweeps away another's
        # directory in the moment between its creation and its lock (a replica that then
        # cannot start).
        turn = os.open(base / _TURN, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"TRUSTDESK_METRICS_DIR {base} cannot be used ({exc.strerror}).") from exc
    try:
        fcntl.flock(turn, fcntl.LOCK_EX)
        for old in base.iterdir():
            if old.is_dir() and _stale(old):
                shutil.rmtree(old, ignore_errors=True)
        path = base / f"{os.getpid()}-{secrets.token_hex(4)}"
        path.mkdir(mode=0o700)
        fd = os.open(path / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"TRUSTDESK_METRICS_DIR {base} cannot be used ({exc.strerror}).") from exc
    finally:
        os.close(turn)  # closing releases the turn
    # Inherited across fork and exec: the lock lasts while any of the server's processes
    # does, whether it forks its workers or execs another server program.
    os.set_inheritable(fd, True)
    _held.append(fd)
    env[VARIABLE] = str(path)
    return path
