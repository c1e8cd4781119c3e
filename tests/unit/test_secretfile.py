"""A secret file created by processes starting together: one whole secret for all."""

from __future__ import annotations

import multiprocessing as mp

from trustdesk.core.secretfile import read_or_create


def _read(path, start, out, n) -> None:
    start.wait()
    out.put(read_or_create(path, lambda: f"secret-of-{n}" * 8))


def test_processes_starting_together_read_one_whole_secret(tmp_path):
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    path = tmp_path / "secret_key"
    procs = [ctx.Process(target=_read, args=(path, start, out, n)) for n in range(8)]
    for p in procs:
        p.start()
    start.set()
    seen = {out.get(timeout=30) for _ in procs}
    for p in procs:
        p.join(timeout=30)
    assert len(seen) == 1 and seen == {path.read_text()}
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary left
