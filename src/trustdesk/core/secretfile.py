"""A secret kept in a file of its own (0600), created on first use so that it appears
whole or not at all.

Several processes may start together on a fresh data directory — replicas, a worker,
the embedded default's server and its worker — and each would otherwise create the file
and then write it: one could read the file empty while another is still writing, or fail
on finding it there. Here the secret is written and flushed to a private temporary file,
then linked into place; whoever links first wins and everyone reads that one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The file's content (stripped); if there is no file yet, ``make()``'s, stored."""
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(make())
                fh.flush()
                os.fsync(fh.fileno())
            # Another process's secret already in place: use that one.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()
