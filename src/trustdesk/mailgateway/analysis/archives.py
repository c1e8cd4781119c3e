"""Opening archives without trusting them: zip, tar and the one-file compressors (gzip,
bzip2, xz), each member read in chunks against bounds the whole scan shares.

A zip's central directory states each member's size, but a bomb lies: the sizes only
decide whether to start; the bytes actually unpacked are counted as they come, and
reading stops one byte past the bound. A member that unpacks to more than its header
said is itself a finding.
"""

from __future__ import annotations

import bz2
import copy
import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from trustdesk.mailgateway.analysis.filetypes import display_name

CHUNK = 64 * 1024
MiB = 1024 * 1024

Flag = Callable[[str, str], None]


@dataclass(frozen=True)
class Limits:
    """Bounds of one scan. Past any of them the file is flagged, never passed."""

    max_bytes: int = 64 * MiB  # the attachment itself, and any one member
    max_unpacked: int = 256 * MiB  # all members of all archives in it, together
    max_entries: int = 2000  # members of all archives in it, together
    max_depth: int = 4  # archives inside archives
    # Unpacked size over packed size (Apache POI refuses the same: 1 %); only for members
    # of at least ``ratio_floor`` bytes, since small files of repeated bytes are harmless.
    max_ratio: int = 100
    ratio_floor: int = 1 * MiB


@dataclass
class Budget:
    limits: Limits
    entries: int = 0
    unpacked: int = 0
    spent: bool = False  # a bound was passed: no further archive is opened

    def remaining(self) -> int:
        return self.limits.max_unpacked - self.unpacked


class _Stop(Exception):
    """A bound of the whole scan was passed: stop unpacking."""


def _ratio_flag(budget: Budget, size: int, packed: int, flag: Flag, what: str) -> None:
    lim = budget.limits
    if size >= lim.ratio_floor and size > lim.max_ratio * max(packed, 1):
        flag("archive_bomb", f"{what} unpacks to {size} bytes from {packed}, more than "
                             f"{lim.max_ratio} times its packed size: a decompression bomb.")


def _take(budget: Budget, size: int, flag: Flag) -> None:
    budget.unpacked += size
    if budget.unpacked > budget.limits.max_unpacked:
        budget.spent = True
        flag("too_large", f"The archive unpacks to more than {budget.limits.max_unpacked} "
                          "bytes, more than the scanner reads.")
        raise _Stop


def _count(budget: Budget, n: int, flag: Flag) -> None:
    budget.entries += n
    if budget.entries > budget.limits.max_entries:
        budget.spent = True
        flag("archive_bomb", f"The archive holds more than {budget.limits.max_entries} "
                             "files, more than the scanner opens.")
        raise _Stop


def zip_members(data: bytes, budget: Budget, flag: Flag) -> Iterator[tuple[str, bytes]]:
    try:
        yield from _zip_members(data, budget, flag)
    except _Stop:
        return


def _zip_members(data: bytes, budget: Budget, flag: Flag) -> Iterator[tuple[str, bytes]]:
    # Counted before zipfile builds an object per central-directory record: a directory
    # of a million records is refused without reading it.
    if data.count(b"PK\x01\x02") > budget.limits.max_entries - budget.entries:
        _count(budget, budget.limits.max_entries + 1, flag)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception:  # hostile input: whatever zipfile raises on it
        flag("unreadable", "The archive is damaged and could not be opened, so its content "
                           "was not checked.")
        return
    _count(budget, len(infos), flag)
    offsets = [i.header_offset for i in infos]
    if len(set(offsets)) != len(offsets):
        flag("archive_bomb", "Several archive entries share the same data, a trick of "
                             "decompression bombs.")
        return
    declared = sum(i.file_size for i in infos)
    if declared > budget.remaining():
        budget.spent = True
        flag("too_large", f"The archive says it unpacks to {declared} bytes, more than the "
                          "scanner reads.")
        return
    for info in infos:
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            flag("encrypted", f"The archive member {_show(info.filename)} is encrypted "
                              "(password-protected), so it could not be scanned.")
            continue
        body = _read_member(archive, info, budget, flag)
        if body is None:
            continue
        _take(budget, len(body), flag)
        if len(body) > info.file_size:
            flag("archive_bomb", f"The archive member {_show(info.filename)} unpacks to more "
                                 "than its header says, a trick of decompression bombs.")
        _ratio_flag(budget, len(body), info.compress_size, flag,
                    f"The archive member {_show(info.filename)}")
        yield info.filename, body


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget,
                 flag: Flag) -> bytes | None:
    bound = min(budget.remaining(), budget.limits.max_bytes)
    # zipfile stops at the size the header states (and then checks the CRC); with a size
    # past the bound in its place it reads what the compressed data really holds, and
    # this loop stops first, one chunk past the bound at most.
    probe = copy.copy(info)
    probe.file_size = bound + 4 * CHUNK
    body = bytearray()
    try:
        with archive.open(probe) as member:
            while chunk := member.read(CHUNK):
                body += chunk
                if len(body) > bound:
                    budget.spent = True
                    flag("too_large", f"The archive member {_show(info.filename)} unpacks to "
                                      "more than the scanner reads.")
                    raise _Stop
    except _Stop:
        raise
    except Exception:  # damaged data, a bad checksum, an unknown compression method
        flag("unreadable", f"The archive member {_show(info.filename)} is damaged or packed "
                           "in a way the scanner cannot read, so it was not checked.")
        return None
    if len(body) < info.file_size:
        flag("unreadable", f"The archive member {_show(info.filename)} is shorter than its "
                           "header says (damaged), so it was not fully checked.")
    return bytes(body)


STREAMS = {
    "application/gzip": (lambda: zlib.decompressobj(16 + zlib.MAX_WBITS), b"\x1f\x8b"),
    "application/x-bzip2": (bz2.BZ2Decompressor, b"BZh"),
    "application/x-xz": (lzma.LZMADecompressor, b"\xfd7zXZ\x00"),
}
SUFFIXES = {".tgz": ".tar", ".tbz2": ".tar", ".tbz": ".tar", ".txz": ".tar", ".gz": "",
            ".gzip": "", ".bz2": "", ".xz": ""}


def inner_name(name: str) -> str:
    lower = name.lower()
    for suffix, replacement in SUFFIXES.items():
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name + ".unpacked"


def unpack_stream(kind: str, data: bytes, budget: Budget, flag: Flag) -> bytes | None:
    """The content of a gzip, bzip2 or xz file (all its concatenated members), or None
    when it was flagged."""
    factory, magic = STREAMS[kind]
    bound = min(budget.remaining(), budget.limits.max_bytes)
    out = bytearray()
    pending = data
    try:
        while pending:
            decompressor = factory()
            while not decompressor.eof:
                # At most CHUNK bytes out per call; what is left waits in the
                # decompressor (or, for zlib, in unconsumed_tail) for the next call.
                piece = decompressor.decompress(pending, CHUNK)
                out += piece
                if kind == "application/gzip":
                    pending = decompressor.unconsumed_tail
                    starved = not pending
                else:
                    pending = b""
                    starved = decompressor.needs_input
                stuck = not piece and starved and not decompressor.eof
                if len(out) > bound:
                    budget.spent = True
                    flag("too_large", "The compressed file unpacks to more than the scanner "
                                      "reads.")
                    return None
                if stuck:
                    flag("unreadable", "The compressed file is cut short (damaged), so it "
                                       "was not fully checked.")
                    return None
            pending = decompressor.unused_data.lstrip(b"\x00")
            if not pending.startswith(magic):
                break
    except Exception:  # hostile input: a corrupt stream
        flag("unreadable", "The compressed file is damaged and could not be unpacked, so its "
                           "content was not checked.")
        return None
    try:
        _take(budget, len(out), flag)
    except _Stop:
        return None
    _ratio_flag(budget, len(out), len(data), flag, "The compressed file")
    return bytes(out)


def tar_members(data: bytes, budget: Budget, flag: Flag) -> Iterator[tuple[str, bytes]]:
    try:
        yield from _tar_members(data, budget, flag)
    except _Stop:
        return


def _tar_members(data: bytes, budget: Budget, flag: Flag) -> Iterator[tuple[str, bytes]]:
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")  # noqa: SIM115
    except Exception:  # hostile input
        flag("unreadable", "The tar archive is damaged and could not be opened, so its "
                           "content was not checked.")
        return
    with archive:
        while True:
            try:
                member = archive.next()
            except Exception:  # hostile input
                flag("unreadable", "The tar archive is damaged, so it was not fully checked.")
                return
            if member is None:
                return
            _count(budget, 1, flag)
            if not member.isfile():
                continue
            if member.size > min(budget.remaining(), budget.limits.max_bytes):
                budget.spent = True
                flag("too_large", f"The archive member {_show(member.name)} is larger than "
                                  "the scanner reads.")
                return
            try:
                handle = archive.extractfile(member)
                body = handle.read() if handle is not None else b""
            except Exception:  # hostile input
                flag("unreadable", f"The archive member {_show(member.name)} could not be "
                                   "read, so it was not checked.")
                continue
            _take(budget, len(body), flag)
            yield member.name, body


def _show(name: str) -> str:
    return f"“{display_name(name)}”"
