"""The post-incident report as a PDF, written by fpdf2 like the record of processing
(``privacy/processing_pdf.py``): with ``TRUSTDESK_PDF_FONT`` every character is embedded;
without it the built-in Helvetica has Latin-1 only, and a report holding anything else
is refused with the way out named, never printed with characters lost."""

from __future__ import annotations

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from trustdesk.core.errors import Conflict
from trustdesk.grc import selectors
from trustdesk.grc.report import paragraphs


class ReportUnprintable(Conflict):
    code = "report_unprintable"


def as_pdf(d: selectors.IncidentDetail) -> bytes:
    lines = list(paragraphs(d))
    pdf = FPDF(format="A4")
    pdf.set_title(f"Incident {d.row.id} report")
    pdf.set_creator("TrustDesk")
    font_path = getattr(settings, "PROCESSING_PDF_FONT", None)
    if font_path:
        pdf.add_font("report", "", str(font_path))
        pdf.add_font("report", "B", str(font_path))
        family = "report"
    else:
        for _style, text in lines:
            try:
                text.encode("latin-1")
            except UnicodeEncodeError as exc:
                raise ReportUnprintable(
                    f"The report contains {text[exc.start:exc.end]!r} (in {text[:60]!r}), "
                    "which the PDF's built-in font cannot show. Set TRUSTDESK_PDF_FONT to a "
                    "TrueType font that has it, or export the report as HTML.") from None
        family = "helvetica"
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    sizes = {"h1": (16, "B", 9), "h2": (13, "B", 7), "b": (10, "B", 5), "p": (10, "", 5)}
    for style, text in lines:
        size, weight, height = sizes[style]
        if style in ("h1", "h2"):
            pdf.ln(3)
        pdf.set_font(family, weight, size)
        pdf.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
