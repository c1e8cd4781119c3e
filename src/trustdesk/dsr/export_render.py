"""The copy's two documents and its files, written into one ZIP as they are read.

``data.json`` is the portable copy (GDPR Art. 20: structured, commonly used, machine-
readable), with a schema version; ``report.html`` says the same for a person, every
value escaped, under a policy that loads nothing from anywhere (no script, no image, no
font, no link prefetch); ``attachments/`` holds the files. Both documents are written
by walking the sources' iterators straight into the ZIP entry, and the ZIP into the
sealed file (``zipfile`` writes to a stream it cannot seek with data descriptors), so no
part of the copy is ever held whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable

from trustdesk.core import clock
from trustdesk.dsr import export_records as records
from trustdesk.dsr.export_collect import Attached, Conversations

SCHEMA = "trustdesk.dsr.export/1"
ENTRY = {"force_zip64": True}


class Sources:
    """Fresh iterators over everything held about one customer, for each pass."""

    def __init__(self, customer_id, profile: dict[str, str], request) -> None:
        self.customer_id = str(customer_id)
        self.values = profile
        self.request = request
        self.conversations = Conversations(customer_id, profile)

    def sections(self) -> dict[str, Callable[[], Iterable]]:
        return {
            "profile": lambda: records.profile(self.values),
            "conversations": self.conversations.tickets,
            "verification": lambda: records.verification(self.customer_id),
            "consent": lambda: records.consent(self.customer_id),
            "privacy_requests": lambda: records.privacy_requests(self.customer_id,
                                                                 answering=self.request.pk),
            "access_report": lambda: iter(records.AccessReport(self.customer_id)),
        }


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def _count(counts: Counter, section: str, item, depth: int) -> None:
    if depth == 1:
        counts[section] += 1
    if isinstance(item, dict) and "direction" in item:
        counts["messages_withheld" if item.get("withheld") else "messages"] += 1
    elif isinstance(item, Attached):
        counts["files_withheld" if item.withheld else "files"] += 1


def write_json(out: io.TextIOBase, value, counts: Counter | None = None,
               section: str = "", depth: int = 0) -> None:
    """``value`` as JSON, lists and iterators alike written item by item."""
    value = _plain(value)
    if isinstance(value, dict):
        out.write("{")
        for i, (key, item) in enumerate(value.items()):
            out.write(("," if i else "") + json.dumps(key) + ":")
            write_json(out, item, counts, section if depth else key, depth + 1)
        out.write("}")
    elif isinstance(value, (list, tuple)) or hasattr(value, "__next__"):
        out.write("[")
        for i, item in enumerate(value):
            if counts is not None:
                _count(counts, section, item, depth)
            out.write("," if i else "")
            write_json(out, item, counts, section, depth + 1)
        out.write("]")
    else:
        out.write(json.dumps(value, ensure_ascii=False, default=str))


_CSS = ("body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
        "text-align:left;vertical-align:top}pre{white-space:pre-wrap;background:#f6f6f6;"
        "padding:.5em}.muted{color:#666}")
HEAD = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        f"<title>Your data</title><style>{_CSS}</style></head><body>")
TITLES = {"profile": "Your profile", "conversations": "Your conversations with us",
          "verification": "How your identity was checked", "consent": "Your consent",
          "privacy_requests": "Your privacy requests",
          "access_report": "Who accessed your data (by role)"}


HEADERS = {"label": "Data", "purpose": "Why we keep it", "kept_for": "Kept for",
           "at": "When", "action": "What happened", "object": "To", "by": "By whom",
           "what": "What", "closed_at": "Ended", "request": "Request"}


def _header(key: str) -> str:
    return HEADERS.get(key) or key.replace("_", " ").capitalize()


def _e(value) -> str:
    value = _plain(value)
    return html.escape("" if value is None else str(value), quote=True)


def _row(out, item: dict) -> None:
    out.write("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in item.values()) + "</tr>")


def _conversation(out, c) -> None:
    out.write(f"<section><h3>Ticket #{_e(c.id)}: {_e(c.subject)}</h3><p class=\"muted\">"
              f"{_e(c.role)} · {_e(c.status)} · {_e(c.channel)} · opened {_e(c.created_at)}"
              + (f" · {_e(c.others_copied)} other address(es) copied, withheld"
                 if c.others_copied else "") + "</p>")
    for m in c.messages:
        out.write(f"<article><h4>{_e(m['from'])} — {_e(m['at'])}</h4><pre>{_e(m['body'])}"
                  "</pre>")
        for f in m["attachments"]:
            if f.withheld:
                out.write(f"<p class=\"muted\">A file withheld: {_e(f.withheld)}</p>")
            else:
                out.write(f"<p>File: <a href=\"{_e(f.name)}\">{_e(f.filename)}</a> "
                          f"({_e(f.size)} bytes, SHA-256 {_e(f.sha256)})</p>")
        out.write("</article>")
    out.write("</section>")


def write_html(out: io.TextIOBase, sources: Sources, generated: str) -> None:
    out.write(HEAD + "<h1>The data we hold about you</h1>"
              f"<p>Made {_e(generated)} for your request #{_e(sources.request.pk)}. "
              "The same data is in data.json, for other software; your files are in the "
              "attachments folder. Other people's details are withheld.</p>")
    for name, make in sources.sections().items():
        out.write(f"<h2>{_e(TITLES[name])}</h2>")
        if name == "conversations":
            for c in make():
                _conversation(out, c)
            continue
        header = False
        for item in make():
            if not header:
                out.write("<table><tr>" + "".join(f"<th>{_e(_header(k))}</th>" for k in item)
                          + "</tr>")
                header = True
            _row(out, item)
        out.write("</table>" if header else "<p class=\"muted\">None.</p>")
    out.write("</body></html>\n")


def _text_entry(zf: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    info = zipfile.ZipInfo(name, date_time=clock.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return io.TextIOWrapper(zf.open(info, "w", **ENTRY), encoding="utf-8")


def build(stream, sources: Sources) -> Counter:
    """Write the whole copy into ``stream``; what it holds, counted."""
    counts: Counter = Counter()
    generated = clock.now().isoformat()
    with zipfile.ZipFile(stream, "w", allowZip64=True) as zf:
        with _text_entry(zf, "data.json") as out:
            document = {"schema": SCHEMA, "generated_at": generated,
                        "customer": sources.customer_id,
                        "request": {"id": sources.request.pk, "kind": sources.request.kind,
                                    "received": sources.request.created_at}}
            document.update({k: make() for k, make in sources.sections().items()})
            write_json(out, document, counts)
        with _text_entry(zf, "report.html") as out:
            write_html(out, sources, generated)
        for name, data in sources.conversations.file_bytes():
            info = zipfile.ZipInfo(name, date_time=clock.now().timetuple()[:6])
            with zf.open(info, "w", **ENTRY) as entry:
                entry.write(data)
            counts["file_bytes"] += len(data)
    return counts
