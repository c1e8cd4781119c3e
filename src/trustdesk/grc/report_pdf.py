"""The post-incident report as a PDF, written by fpdf2 like the record of processing
(``privacy/processing_pdf.py``): with ``TRUSTDESK_PDF_FONT`` every character is embedded;
without it the built-in Helvetica has Latin-1 only, and a report holding anything else
is refused with the way out named, never printed with characters lost."""

from __future__ import annotations

from trustdesk.core import pdf
from trustdesk.core.errors import Conflict
from trustdesk.grc import selectors
from trustdesk.grc.report import paragraphs


class ReportUnprintable(Conflict):
    code = "report_unprintable"


def _unprintable(bad: str, text: str) -> ReportUnprintable:
    return ReportUnprintable(
        f"The report contains {bad!r} (in {text[:60]!r}), which the PDF's built-in font "
        "cannot show. Set TRUSTDESK_PDF_FONT to a TrueType font that has it, or export "
        "the report as HTML.")


def as_pdf(d: selectors.IncidentDetail) -> bytes:
    return pdf.render(f"Incident {d.row.id} report", paragraphs(d),
                      unprintable=_unprintable)
