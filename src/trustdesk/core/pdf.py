"""Documents TrustDesk prints — the record of processing, a post-incident report — as
PDF, written by fpdf2 from (style, text) lines.

The font: with ``TRUSTDESK_PDF_FONT`` (a TrueType file with the scripts the document is
written in) every character is embedded as it is. Without it the built-in Helvetica has
Latin-1 only, and a document holding any other character is refused (``unprintable``,
the caller's own error naming the way out), never printed transliterated or as question
marks: a record that says something other than what it records is worse than none."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

# style → (size, weight, line height)
SIZES = {"h1": (16, "B", 9), "h2": (13, "B", 7), "b": (10, "B", 5), "p": (10, "", 5)}


def render(title: str, lines: Iterable[tuple[str, str]], *,
           unprintable: Callable[[str, str], Exception]) -> bytes:
    """The PDF of ``lines``; ``unprintable(character, text)`` makes the error raised for
    a character the built-in font lacks."""
    lines = list(lines)
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("TrustDesk")
    font_path = getattr(settings, "PROCESSING_PDF_FONT", None)
    if font_path:
        pdf.add_font("doc", "", str(font_path))
        pdf.add_font("doc", "B", str(font_path))  # one file: headings by size alone
        family = "doc"
    else:
        for _style, text in lines:
            try:
                text.encode("latin-1")
            except UnicodeEncodeError as exc:
                raise unprintable(text[exc.start:exc.end], text) from None
        family = "helvetica"
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for style, text in lines:
        size, weight, height = SIZES[style]
        if style in ("h1", "h2"):
            pdf.ln(3)
        pdf.set_font(family, weight, size)
        pdf.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
