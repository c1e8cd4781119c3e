"""One event, one line: text that goes into a line-oriented log (the application log, an
audit export, a syslog frame) has its line breaks escaped, so that nothing a person
typed — a reveal reason, a user agent, a search value — can start a forged line.

Escaped are every character that a reader of lines may take for the end of one: CR and
LF, and also U+0085 (next line), U+2028 and U+2029 (line and paragraph separators),
which Python's ``str.splitlines``, many log viewers and JavaScript break on, and the
vertical tab, form feed and the C0 file/group/record separators that ``splitlines``
breaks on too. CR and LF become ``\\r`` and ``\\n``; the others ``\\uXXXX``.
"""

from __future__ import annotations

LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ESCAPES = str.maketrans({"\r": "\\r", "\n": "\\n",
                          **{c: f"\\u{ord(c):04x}" for c in LINE_BREAKS if c not in "\r\n"}})


def one_line(text: str) -> str:
    """``text`` with every line break escaped (see the module's docstring)."""
    return text.translate(_ESCAPES)
