"""The phishing analyser's attachment signal, over the gateway scanner's findings."""

from __future__ import annotations

import io
import zipfile

import pytest

from trustdesk.mailgateway.analysis.phishing.attachments import Attachments

from .ole_builder import compound_file, vba_project
from .phishmail import mail, reasons_of

MACRO = 'Sub AutoOpen()\r\n  Shell "cmd /c calc"\r\nEnd Sub\r\n'
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ" + b"\0" * 200


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(("filename", "ctype", "data", "weight", "words"), [
    ("invoice.html", "text/html", b"<html><form><input type=password></form></html>", 35,
     "web page"),
    ("scan.zip", "application/zip", zip_of({"scan.exe": EXE}), 50, "In the archive"),
    ("order.doc", "application/msword",
     compound_file({"WordDocument": b"\0" * 600, **vba_project(MACRO)}), 40, "macros"),
    ("invoice.pdf.exe", "application/octet-stream", EXE, 50, ".pdf.exe"),
])
def test_dangerous_attachments(filename, ctype, data, weight, words):
    got = reasons_of(Attachments(), mail(attachments=((filename, ctype, data),)))
    assert got and got[0][0] == weight
    assert any(words in text for _, text in got)
    assert all(filename[:5] in text for _, text in got)


@pytest.mark.parametrize(("filename", "ctype", "data"), [
    ("receipt.pdf", "application/pdf", PDF),
    ("photo.png", "image/png", PNG),
    ("notes.txt", "text/plain", b"just some notes"),
    ("letter.doc", "application/msword", compound_file({"WordDocument": b"\0" * 600})),
    ("photos.zip", "application/zip", zip_of({"a.png": PNG, "b.txt": b"hi"})),
])
def test_ordinary_attachments_are_not_flagged(filename, ctype, data):
    assert reasons_of(Attachments(), mail(attachments=((filename, ctype, data),))) == []


def test_each_code_counts_once_per_message():
    raw = mail(attachments=(("a.exe", "application/octet-stream", EXE),
                            ("b.exe", "application/octet-stream", EXE)))
    got = reasons_of(Attachments(), raw)
    assert [w for w, _ in got].count(50) == 1
    assert "a.exe" in got[0][1]


def test_a_second_html_body_is_not_an_attachment():
    # Apple Mail writes a picture between two HTML parts; neither has a name.
    raw = (b"From: Sam <sam@customer.example>\r\nSubject: photo\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
           b"--b\r\nContent-Type: text/html\r\n\r\n<p>Here it is</p>\r\n"
           b"--b\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAAA\r\n"
           b"--b\r\nContent-Type: text/html\r\n\r\n<p>Sam</p>\r\n--b--\r\n")
    assert reasons_of(Attachments(), raw) == []
    named = raw.replace(b"--b\r\nContent-Type: text/html\r\n\r\n<p>Sam",
                        b"--b\r\nContent-Type: text/html\r\nContent-Disposition: attachment;"
                        b" filename=login.html\r\n\r\n<p>Sam")
    assert [w for w, _ in reasons_of(Attachments(), named)] == [35]
