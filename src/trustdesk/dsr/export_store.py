"""The sealed file of an export: written chunk by chunk, read chunk by chunk, never whole.

On disk, after a magic line, each record is a kind byte (``D`` data, ``E`` end), a
four-byte length and a ciphertext of the vault's. Chunk ``i`` is sealed under the
export's subject with ``export.chunk:<i>`` as its purpose, and the end marker with
``export.end:<n>`` (n data chunks) over the total size: the vault binds subject and
purpose to each ciphertext, so a chunk moved to another place, one of another export,
a flipped kind byte, a file cut short (no end marker) or anything after the marker
fails to open. Reading fails closed: the first bad record raises.

The file's name is the export's id in hex and nothing else, inside ``EXPORT_DIR``; it
is written to a temporary name and renamed whole, so a crash leaves no half file under
the real name (the cleanup job removes strays).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from trustdesk import vault
from trustdesk.vault.errors import CiphertextInvalid

log = logging.getLogger("trustdesk.dsr")
MAGIC = b"TDEXPORT1\n"
CHUNK = 256 * 1024
# A ciphertext is the chunk and the vault's few bytes of header and tag: a length
# beyond this is a damaged or forged file, refused before anything is allocated.
MAX_RECORD = CHUNK + 4096
SUFFIX = ".sealed"


def subject_for(export_id) -> str:
    return f"export:{uuid.UUID(str(export_id))}"


def export_dir() -> Path:
    path = Path(settings.EXPORT_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_for(export_id) -> Path:
    # uuid.UUID() refuses anything but an id: no separator or ".." reaches the path.
    return export_dir() / f"{uuid.UUID(str(export_id)).hex}{SUFFIX}"


def remove(export_id) -> None:
    """Shred the subject and delete the file. The key first, so a failed delete still
    leaves nothing to open; the file goes even when the shred fails (the vault away),
    and the shred's error is raised after it, for the caller to try again."""
    try:
        vault.shred(subject_for(export_id))
    finally:
        for path in (path_for(export_id), _partial(export_id)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _partial(export_id) -> Path:
    return path_for(export_id).with_suffix(".partial")


class SealedWriter:
    """A write-only stream (what ``zipfile`` needs: ``write``, ``tell``, ``flush``)
    that seals every ``CHUNK`` bytes as it fills. ``finish()`` writes the end marker and
    puts the file in place; ``abort()`` removes it."""

    def __init__(self, export_id) -> None:
        self.export_id = uuid.UUID(str(export_id))
        self.subject = subject_for(self.export_id)
        self._tmp = _partial(self.export_id)
        fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._file.write(MAGIC)
        self._buffer = bytearray()
        self.size = 0
        self.chunks = 0

    def write(self, data) -> int:
        self._buffer += data
        self.size += len(data)
        while len(self._buffer) >= CHUNK:
            with memoryview(self._buffer) as view:
                chunk = bytes(view[:CHUNK])
            self._seal(chunk)
            del self._buffer[:CHUNK]
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        pass  # chunks are sealed whole; a partial one waits for more or for finish()

    def _record(self, kind: bytes, sealed: bytes) -> None:
        self._file.write(kind + len(sealed).to_bytes(4, "big") + sealed)

    def _seal(self, data: bytes) -> None:
        self._record(b"D", vault.seal(self.subject, f"export.chunk:{self.chunks}", data))
        self.chunks += 1

    def finish(self) -> Path:
        if self._buffer:
            self._seal(bytes(self._buffer))
            self._buffer.clear()
        end = json.dumps({"chunks": self.chunks, "size": self.size}).encode()
        self._record(b"E", vault.seal(self.subject, f"export.end:{self.chunks}", end))
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        final = path_for(self.export_id)
        os.replace(self._tmp, final)
        return final

    def abort(self) -> None:
        """Called while another error is on its way up: that error is the one to tell,
        so a failure here is only logged (the cleanup job tries the shred again)."""
        with contextlib.suppress(OSError, ValueError):  # ValueError: closed already
            self._file.close()
        try:
            remove(self.export_id)
        except Exception:
            log.exception("dsr: could not remove the aborted export %s", self.export_id)


def _invalid(detail: str) -> CiphertextInvalid:
    return CiphertextInvalid(detail=f"export file: {detail}")


def read_chunks(export_id) -> Iterator[bytes]:
    """The file's plaintext, chunk by chunk, each opened as it is read. Raises a
    ``VaultError`` (``CiphertextInvalid`` for a damaged file) at the first problem;
    ``FileNotFoundError`` if there is no file."""
    subject = subject_for(export_id)
    with path_for(export_id).open("rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise _invalid("not an export")
        index = 0
        while True:
            head = f.read(5)
            if len(head) < 5:
                raise _invalid("cut short before its end marker")
            kind, length = head[:1], int.from_bytes(head[1:], "big")
            if length > MAX_RECORD:
                raise _invalid("a record longer than any chunk")
            sealed = f.read(length)
            if len(sealed) < length:
                raise _invalid("cut short inside a record")
            if kind == b"E":
                end = json.loads(vault.open(subject, f"export.end:{index}", sealed))
                if end.get("chunks") != index or f.read(1):
                    raise _invalid("data after the end marker")
                return
            if kind != b"D":
                raise _invalid("an unknown record")
            yield vault.open(subject, f"export.chunk:{index}", sealed)
            index += 1


def verify(export_id) -> int:
    """Open every chunk, keeping none: the whole file is sound (returns its size) before
    any of it is released. Raises as ``read_chunks``."""
    return sum(len(chunk) for chunk in read_chunks(export_id))
