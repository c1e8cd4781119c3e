"""Builds small OLE2 compound files and VBA projects for the attachment scanner's tests
(oletools ships no sample files, and olefile cannot write new ones).

Version 3 compound files (512-byte sectors) whose streams all sit in the mini stream
([MS-CFB]); a VBA project as Office stores it ([MS-OVBA]): PROJECT, VBA/_VBA_PROJECT,
VBA/dir and one module stream, compressed with literal tokens only (valid, just not
smaller).
"""

from __future__ import annotations

import itertools
import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
ROOT, STORAGE, STREAM = 5, 1, 2
SECTOR, MINI = 512, 64


def compound_file(tree: dict, *, root_clsid: bytes = b"\0" * 16) -> bytes:
    """``tree``: name → bytes (a stream, under 4096 bytes) or dict (a storage)."""
    entries: list[dict] = [{"name": "Root Entry", "type": ROOT, "clsid": root_clsid}]
    mini = bytearray()
    minifat: list[int] = []

    def add(children: dict) -> int:
        ids = []
        for name, value in children.items():
            entry = {"name": name, "clsid": b"\0" * 16}
            entries.append(entry)
            ids.append(len(entries) - 1)
            if isinstance(value, dict):
                entry["type"] = STORAGE
                entry["child"] = add(value)
            else:
                assert len(value) < 4096
                entry.update(type=STREAM, size=len(value), start=len(mini) // MINI)
                n = -(-len(value) // MINI) or 0
                first = len(mini) // MINI
                minifat.extend(first + i + 1 for i in range(n - 1))
                if n:
                    minifat.append(END)
                else:
                    entry["start"] = END
                mini.extend(value + b"\0" * (n * MINI - len(value)))
        # Siblings as a chain of right siblings: a valid (if unbalanced) tree.
        for this, nxt in itertools.pairwise(ids):
            entries[this]["right"] = nxt
        return ids[0] if ids else NOSTREAM

    entries[0]["child"] = add(tree)
    dir_sectors = -(-len(entries) * 128 // SECTOR)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_sectors = -(-len(minifat_bytes) // SECTOR)
    mini_sectors = -(-len(mini) // SECTOR)
    fat: list[int] = [FATSECT]
    layout = []
    for count in (dir_sectors, minifat_sectors, mini_sectors):
        start = len(fat)
        fat.extend(start + i + 1 for i in range(count - 1))
        if count:
            fat.append(END)
        layout.append(start if count else END)
    assert len(fat) <= SECTOR // 4
    dir_start, minifat_start, mini_start = layout
    entries[0].update(start=mini_start, size=len(mini))

    header = bytearray(SECTOR)
    struct.pack_into("<8s16sHHHHH6sIIIIIIIII", header, 0, MAGIC, b"\0" * 16, 0x3E, 3, 0xFFFE,
                     9, 6, b"\0" * 6, 0, 1, dir_start, 0, 4096,
                     minifat_start, minifat_sectors, END, 0)
    difat = [0] + [FREE] * 108
    struct.pack_into("<109I", header, 76, *difat)

    fat_sector = b"".join(struct.pack("<I", v) for v in fat)
    fat_sector += struct.pack("<I", FREE) * (SECTOR // 4 - len(fat))
    directory = b"".join(_entry(e) for e in entries)
    directory += b"".join(_entry({"name": "", "type": 0, "clsid": b"\0" * 16})
                          for _ in range(dir_sectors * 4 - len(entries)))
    out = bytes(header) + fat_sector + directory
    out += _pad(minifat_bytes, FREE) + _pad(bytes(mini), None)
    return out


def _pad(data: bytes, fill: int | None) -> bytes:
    extra = -len(data) % SECTOR
    if fill is None:
        return data + b"\0" * extra
    return data + struct.pack("<I", fill) * (extra // 4)


def _entry(e: dict) -> bytes:
    name = e["name"].encode("utf-16-le")
    raw = bytearray(128)
    raw[0:len(name)] = name
    struct.pack_into("<HBBIII16sI", raw, 64, len(name) + 2 if name else 0, e["type"], 1,
                     e.get("left", NOSTREAM), e.get("right", NOSTREAM),
                     e.get("child", NOSTREAM), e["clsid"], 0)
    struct.pack_into("<II", raw, 116, e.get("start", 0), e.get("size", 0))
    return bytes(raw)


def ovba_compress(data: bytes) -> bytes:
    """[MS-OVBA] 2.4.1 compression with literal tokens only: one flag byte (all
    literals) before each 8 bytes; at most 3640 bytes per chunk."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 3640):
        piece = data[start:start + 3640]
        body = b"".join(b"\x00" + piece[i:i + 8] for i in range(0, len(piece), 8))
        out += struct.pack("<H", (len(body) - 1) | 0x3000 | 0x8000) + body
    return bytes(out)


def _rec(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def vba_project(source: str, *, module: str = "Module1") -> dict:
    """The storages and streams of a VBA project with one standard module."""
    name, mod = b"VBAProject", module.encode()
    dir_stream = b"".join([
        _rec(0x0001, struct.pack("<I", 1)),  # SYSKIND: 32-bit Windows
        _rec(0x0002, struct.pack("<I", 0x409)), _rec(0x0014, struct.pack("<I", 0x409)),
        _rec(0x0003, struct.pack("<H", 1252)), _rec(0x0004, name),
        _rec(0x0005, b""), _rec(0x0040, b""),  # doc string, and its unicode form
        _rec(0x0006, b""), _rec(0x003D, b""),  # help file
        _rec(0x0007, struct.pack("<I", 0)), _rec(0x0008, struct.pack("<I", 0)),
        struct.pack("<HIIH", 0x0009, 4, 1, 0),  # version
        _rec(0x000C, b""), _rec(0x003C, b""),  # constants
        _rec(0x000F, struct.pack("<H", 1)), _rec(0x0013, struct.pack("<H", 0xFFFF)),
        _rec(0x0019, mod), _rec(0x0047, module.encode("utf-16-le")),
        _rec(0x001A, mod), _rec(0x0032, module.encode("utf-16-le")),
        _rec(0x001C, b""), _rec(0x0048, b""),
        _rec(0x0031, struct.pack("<I", 0)),  # the source starts the module stream
        _rec(0x001E, struct.pack("<I", 0)), _rec(0x002C, struct.pack("<H", 0xFFFF)),
        struct.pack("<HI", 0x0021, 0),  # a procedural module
        struct.pack("<HI", 0x002B, 0),  # end of module
        struct.pack("<HI", 0x0010, 0),  # end of dir
    ])
    project = (f'ID="{{00000000-0000-0000-0000-000000000000}}"\r\nModule={module}\r\n'
               f'Name="VBAProject"\r\nHelpContextID="0"\r\nVersionCompatible32="393222000"\r\n'
               f'CMG=""\r\nDPB=""\r\nGC=""\r\n\r\n[Host Extender Info]\r\n').encode()
    return {
        "PROJECT": project,
        "VBA": {
            "_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
            "dir": ovba_compress(dir_stream),
            module: ovba_compress(f'Attribute VB_Name = "{module}"\r\n{source}'.encode()),
        },
    }
