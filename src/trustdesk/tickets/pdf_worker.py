"""The text of one PDF, read in a child process of its own (``tickets.scanning`` starts it).

A PDF is a program for a parser: a few kilobytes can make ``pypdf`` decompress and parse
for minutes (one large content stream shared by every page is read once per page) or
allocate gigabytes. So it is read here, in a process that can be killed, under hard
limits set before the PDF is opened: address space and CPU seconds (``resource``), no
files written. The parent kills it at its wall-clock deadline too.

Protocol: stdin is one JSON line of bounds, then the PDF's bytes; stdout is one JSON
object, ``{"text": …}`` or ``{"quarantine": reason}`` (a ``tickets.models.Quarantine``
value). Nothing here imports Django: the child starts in a fraction of a second and
holds none of the server's secrets (it gets an empty environment).
"""

from __future__ import annotations

import io
import json
import math
import resource
import sys


def limit(bounds: dict) -> None:
    memory = int(bounds["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(float(bounds["seconds"])) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def read(data: bytes, bounds: dict) -> dict:
    """The text, or why it could not be read within ``bounds``."""
    import pypdf
    from pypdf.errors import LimitReachedError
    from pypdf.generic import ArrayObject

    content_max = int(bounds["max_content_bytes"])
    try:
        # pypdf's own per-stream limits, tightened to ours; no external JBIG2 decoder.
        with pypdf.apply_configuration(
                jbig2dec_binary=None, zlib_maximum_output_length=content_max,
                lzw_maximum_output_length=content_max,
                run_length_maximum_output_length=content_max,
                array_based_stream_maximum_output_length=content_max,
                brotli_maximum_output_length=content_max):
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                # Even with an empty user password: what is not scanned is not stored clean.
                return {"quarantine": "pdf_encrypted"}
            pages = reader.pages
            if len(pages) > int(bounds["max_pages"]):
                return {"quarantine": "too_many_pages"}
            # Text extraction parses each page's content anew, so a stream shared by N
            # pages costs N times its size: count it per page, before parsing anything.
            total = 0
            for page in pages:
                contents = page.get("/Contents")
                contents = contents.get_object() if contents is not None else None
                streams = contents if isinstance(contents, ArrayObject) else [contents]
                for stream in streams:
                    stream = stream.get_object() if stream is not None else None
                    if stream is not None and hasattr(stream, "get_data"):
                        total += len(stream.get_data())
                if total > content_max:
                    return {"quarantine": "too_large"}
            if reader.attachments:
                return {"quarantine": "pdf_embedded"}
            texts, size = [], 0
            for page in pages:
                texts.append(page.extract_text() or "")
                size += len(texts[-1])
                if size > int(bounds["max_bytes"]):
                    return {"quarantine": "too_large"}
            # What a reader sees besides the page text: comments, form values, metadata.
            texts += _extras(reader, pages)
            return {"text": "\n".join(texts)}
    except (MemoryError, LimitReachedError):
        return {"quarantine": "too_large"}
    except Exception:  # whatever a hostile file makes the parser raise: unread
        return {"quarantine": "pdf_malformed"}


def _extras(reader, pages) -> list[str]:
    out = []
    for page in pages:
        for annot in page.get("/Annots") or ():
            annot = annot.get_object()
            for key in ("/Contents", "/T", "/V"):
                if isinstance(annot.get(key), str):
                    out.append(str(annot[key]))
    for field in (reader.get_fields() or {}).values():
        value = field.get("/V")
        if value is not None:
            out.append(str(value))
    for value in (reader.metadata or {}).values():
        if isinstance(value, str):
            out.append(str(value))
    return out


def main() -> None:
    stdin = sys.stdin.buffer
    bounds = json.loads(stdin.readline())
    limit(bounds)
    data = stdin.read(int(bounds["max_bytes"]) + 1)
    result = read(data, bounds)
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
