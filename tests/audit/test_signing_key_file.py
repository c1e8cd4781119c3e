"""The audit signing key in the data directory: every process starting together on a
fresh directory gets the same key, and the key follows the settings it comes from."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from trustdesk.vault import signing


def _derive_in(data_dir: str, start, out) -> None:
    start.wait()
    out.put(signing._derive(None, data_dir)[1].hex())


def test_processes_starting_together_share_one_whole_key(tmp_path):
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_derive_in, args=(str(tmp_path), start, out))
             for _ in range(8)]
    for p in procs:
        p.start()
    start.set()
    macs = {out.get(timeout=30) for _ in procs}
    for p in procs:
        p.join(timeout=30)
    assert len(macs) == 1 and all(p.exitcode == 0 for p in procs)
    key = tmp_path / "audit-signing.key"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in Path(tmp_path).iterdir()] == ["audit-signing.key"]


def test_the_key_follows_the_data_directory(settings, tmp_path):
    before = signing.mac_key()
    settings.DATA_DIR = tmp_path
    assert signing.mac_key() != before  # a new directory's own key, not the cached one


def test_once_the_setting_is_restored_the_first_key_is_back(settings, tmp_path):
    first = signing.mac_key()
    original = settings.DATA_DIR
    settings.DATA_DIR = tmp_path
    signing.mac_key()
    settings.DATA_DIR = original
    assert signing.mac_key() == first
