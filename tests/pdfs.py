"""PDFs built for intake tests with pypdf: plain, encrypted, and the shared-stream bomb."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def _writer_with_pages(content: bytes, pages: int) -> PdfWriter:
    """``pages`` pages that all draw the *same* content stream (one object)."""
    writer = PdfWriter()
    stream = DecodedStreamObject()
    stream.set_data(content)
    ref = writer._add_object(stream.flate_encode())
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for _ in range(pages):
        page = writer.add_blank_page(300, 200)
        page[NameObject("/Contents")] = ref
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_pdf(text: str, *, pages: int = 1) -> bytes:
    return _bytes(_writer_with_pages(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode(), pages))


def encrypted_pdf(text: str, *, user_password: str = "") -> bytes:
    """Opens without a password in any viewer (empty user password), text in clear."""
    writer = _writer_with_pages(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode(), 1)
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    return _bytes(writer)


def shared_stream_bomb(*, pages: int = 100, operators: int = 20_000) -> bytes:
    """A few kilobytes whose one content stream (~7 bytes per operator, compressed to
    almost nothing) is drawn by every page: text extraction parses it once per page."""
    return _bytes(_writer_with_pages(
        b"BT /F1 12 Tf " + b"(x) Tj " * operators + b"ET", pages))
