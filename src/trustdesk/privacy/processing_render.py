"""The record of processing activities as JSON and as a standalone HTML document.

JSON is the record's dataclasses as they are (``Record.as_dict``): its keys are the
stable schema (``SCHEMA_VERSION``). The HTML is rendered by Django's template engine with
autoescaping, so a purpose or a processor's name is text, whatever it contains.
"""

from __future__ import annotations

import json

from django.template.loader import render_to_string

from trustdesk.privacy.processing import Record

# The legal bases of Art. 6(1), as the record names them.
LEGAL_BASES = {
    "consent": "Consent, Art. 6(1)(a)",
    "contract": "Contract, Art. 6(1)(b)",
    "legal_obligation": "Legal obligation, Art. 6(1)(c)",
    "vital_interests": "Vital interests, Art. 6(1)(d)",
    "public_task": "Public task, Art. 6(1)(e)",
    "legitimate_interests": "Legitimate interests, Art. 6(1)(f)",
}
SUBJECTS = {"customers": "Customers", "staff": "Staff"}
FORMATS = {
    "json": ("application/json", "json"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
}


def basis(key: str) -> str:
    return LEGAL_BASES.get(key, key)


def as_json(record: Record) -> str:
    return json.dumps(record.as_dict(), indent=2, ensure_ascii=False) + "\n"


def context(record: Record) -> dict:
    """What the HTML document and the console page show, labelled for people."""
    return {
        "record": record,
        "fields": [{"f": f, "basis": basis(f.legal_basis), "subject": SUBJECTS[f.subject]}
                   for f in record.fields],
        "purposes": [{"p": p, "bases": ", ".join(basis(b) for b in p.legal_bases),
                      "subjects": ", ".join(SUBJECTS[s] for s in p.subjects)}
                     for p in record.purposes],
    }


def as_html(record: Record) -> str:
    return render_to_string("privacy/processing_record.html", context(record))


def filename(record: Record, fmt: str) -> str:
    return f"trustdesk-processing-record-{record.generated_at:%Y-%m-%d}.{FORMATS[fmt][1]}"
