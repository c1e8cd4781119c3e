"""The sealed file fails closed: cut short, reordered, a chunk of another export's, a
record's kind flipped, anything appended — each refuses to open."""

from __future__ import annotations

import os
import uuid

import pytest

from trustdesk.dsr import export_store as store
from trustdesk.vault.errors import CiphertextInvalid

pytestmark = pytest.mark.django_db


def _write(export_id, data: bytes) -> list[tuple[int, int]]:
    writer = store.SealedWriter(export_id)
    writer.write(data)
    writer.finish()
    return _records(store.path_for(export_id).read_bytes())


def _records(raw: bytes) -> list[tuple[int, int]]:
    """(start, end) of each record after the magic line."""
    out, pos = [], len(store.MAGIC)
    while pos < len(raw):
        length = int.from_bytes(raw[pos + 1:pos + 5], "big")
        out.append((pos, pos + 5 + length))
        pos += 5 + length
    return out


@pytest.fixture
def sealed():
    export_id = uuid.uuid4()
    data = os.urandom(store.CHUNK * 3 + 1000)
    records = _write(export_id, data)
    assert len(records) == 5  # four chunks and the end marker
    return export_id, data, records


def test_a_sound_file_reads_back_chunk_by_chunk(sealed):
    export_id, data, _ = sealed
    chunks = list(store.read_chunks(export_id))
    assert b"".join(chunks) == data and max(map(len, chunks)) == store.CHUNK
    assert store.verify(export_id) == len(data)


def _tamper(export_id, change) -> None:
    path = store.path_for(export_id)
    path.write_bytes(change(path.read_bytes()))
    with pytest.raises(CiphertextInvalid):
        store.verify(export_id)


def test_a_file_cut_short_fails(sealed):
    export_id, _, records = sealed
    _tamper(export_id, lambda raw: raw[:records[-1][0]])  # no end marker


def test_a_file_cut_inside_a_record_fails(sealed):
    export_id, _, records = sealed
    _tamper(export_id, lambda raw: raw[:records[1][0] + 100])


def test_reordered_chunks_fail(sealed):
    export_id, _, r = sealed
    _tamper(export_id, lambda raw: raw[:r[0][0]] + raw[r[1][0]:r[1][1]]
            + raw[r[0][0]:r[0][1]] + raw[r[2][0]:])


def test_a_dropped_chunk_fails(sealed):
    export_id, _, r = sealed
    _tamper(export_id, lambda raw: raw[:r[1][0]] + raw[r[2][0]:])


def test_a_chunk_of_another_export_fails(sealed):
    export_id, _, r = sealed
    other = uuid.uuid4()
    theirs = _write(other, os.urandom(store.CHUNK + 10))
    foreign = store.path_for(other).read_bytes()[theirs[0][0]:theirs[0][1]]
    _tamper(export_id, lambda raw: raw[:r[0][0]] + foreign + raw[r[0][1]:])


def test_a_flipped_kind_or_anything_appended_fails(sealed):
    export_id, _, r = sealed
    path = store.path_for(export_id)
    original = path.read_bytes()
    _tamper(export_id, lambda raw: raw[:r[1][0]] + b"E" + raw[r[1][0] + 1:])
    path.write_bytes(original)
    _tamper(export_id, lambda raw: raw + b"D\x00\x00\x00\x01x")
    path.write_bytes(original)
    _tamper(export_id, lambda raw: raw[:r[0][0]] + b"D\xff\xff\xff\xff" + raw[r[0][0] + 5:])


def test_names_in_the_export_directory_are_ids_only(settings, tmp_path):
    for bad in ("../../secret_key", "..", "x/y", "", "0" * 31):
        with pytest.raises(ValueError):
            store.path_for(bad)
    path = store.path_for(uuid.UUID(int=7))
    assert path.parent == settings.EXPORT_DIR and path.name == f"{'0' * 31}7.sealed"


def test_an_aborted_build_leaves_nothing(settings):
    export_id = uuid.uuid4()
    writer = store.SealedWriter(export_id)
    writer.write(b"x" * (store.CHUNK + 5))
    writer.abort()
    assert not list(settings.EXPORT_DIR.iterdir())
