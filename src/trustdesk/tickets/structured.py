"""JSON attachments (HAR files among them) redacted value by value, so that what is stored
is still valid JSON with the same shape.

Each string (and each long integer: a card number may be written as a number) is scanned
on its own, as is each object's names (an export keyed by e-mail address), and its name
adds what text alone cannot say: in a HAR file a header, a
cookie or a query parameter is ``{"name": "Cookie", "value": "…"}``, and a plain JSON
object writes ``{"Authorization": "Bearer …"}`` or ``{"sessionid": "…"}``. Every value of
a ``cookies`` array is a secret (a cookie jar is the session), as the ``Cookie`` header
that carried them is.

A string that is itself JSON (a HAR request or response body: ``{"password": "…"}``) is
walked as a document of its own and written back as JSON; a HAR body stored as base64
(``"encoding": "base64"``) is decoded and, if it is UTF-8 text, scanned and re-encoded.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from trustdesk import pii
from trustdesk.pii.recognizers.http import named_secret


@dataclass(frozen=True)
class Leaf:
    """One value with PII in it: ``parent[key]`` is ``text`` (base64 of it if
    ``encoding``). With ``document``, the value is JSON whose own ``leaves`` hold the
    PII; it is written back with ``dump`` once they are redacted."""

    parent: dict | list
    key: str | int
    text: str
    findings: tuple = ()
    encoding: str = ""
    document: dict | list | None = None
    leaves: tuple = field(default=())
    is_key: bool = False  # ``text`` is the name ``key`` itself (a map keyed by e-mail)

    def store(self, text: str) -> None:
        if self.is_key:
            # Renamed in place, the other keys' order kept. Stored after the values of
            # the same object, which find their parent by the old name.
            items = list(self.parent.items())
            self.parent.clear()
            self.parent.update((text if k == self.key else k, v) for k, v in items)
            return
        if self.encoding == "base64":
            text = base64.b64encode(text.encode("utf-8")).decode("ascii")
        self.parent[self.key] = text


def parse(text: str) -> dict | list | None:
    """The document, or None if ``text`` is not a JSON object or array (it is then
    scanned as plain text)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict | list) else None


def leaves(document: dict | list, *, depth: int = 0) -> list[Leaf]:
    """Every value of ``document`` with findings, in no particular order. Iterative, so a
    deeply nested file cannot exhaust the stack; JSON inside a string is followed three
    levels deep, then scanned as text."""
    out: list[Leaf] = []
    stack: list[tuple[dict | list, str]] = [(document, "")]
    while stack:
        node, within = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        # A name is data too (an export keyed by customer e-mail or card number).
        names = [Leaf(node, key, key, tuple(found), is_key=True) for key in
                 (node if isinstance(node, dict) else ()) if (found := pii.scan(key))]
        for key, value in items:
            if isinstance(value, dict | list):
                # A list's members keep the name of the list they are in ("cookies").
                stack.append((value, key if isinstance(node, dict) else within))
                continue
            if isinstance(value, bool) or not isinstance(value, str | int):
                continue
            text = value if isinstance(value, str) else str(value)
            if isinstance(value, int) and len(text) < 8:
                continue
            encoding = ""
            if key == "text" and isinstance(node, dict) and node.get("encoding") == "base64":
                decoded = _base64_text(text)
                if decoded is None:
                    continue  # a binary body (an image): not read, as a binary file is not
                text, encoding = decoded, "base64"
            inner = parse(text) if depth < 3 and text.lstrip()[:1] in ("{", "[") else None
            if inner is not None:
                if found := leaves(inner, depth=depth + 1):
                    out.append(Leaf(node, key, text, encoding=encoding, document=inner,
                                    leaves=tuple(found)))
                continue
            found = pii.scan(text)
            if isinstance(value, str) and (named := _named(node, key, text, within)):
                found = pii.resolve_overlaps([*found, named])
            if found:
                out.append(Leaf(node, key, text, tuple(found), encoding=encoding))
        out.extend(names)  # after this object's values
    return out


def _base64_text(value: str) -> str | None:
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _named(node, key, text: str, within: str) -> pii.Finding | None:
    if not isinstance(node, dict):
        return None
    name, cookie = key, False
    if key == "value" and isinstance(node.get("name"), str):
        # HAR: headers, cookies, queryString and postData.params are name/value pairs.
        name, cookie = node["name"], within == "cookies"
    found = named_secret(str(name), text, cookie=cookie)
    if found is None:
        return None
    entity, start, end = found
    return pii.Finding(entity, start, end, 1.0, "json_name")


def dump(document: dict | list, *, like: str) -> str:
    """``document`` as JSON, indented if the original was (HAR files are)."""
    indent = 2 if "\n" in like.strip() else None
    return json.dumps(document, ensure_ascii=False, indent=indent)
