"""Writing the ``Authentication-Results`` header (RFC 8601) for the checks the gateway
ran, so that the agent's client, the ticket and any later hop read one standard record.

Values come from the message (a domain in ``header.from``, a selector): anything outside
the RFC's token characters is quoted, and line breaks and control characters are
dropped, so a hostile message cannot forge a second header or another result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The results RFC 8601 defines for the methods the gateway runs (§2.7).
RESULTS = {
    "spf": {"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"},
    "dkim": {"none", "pass", "fail", "policy", "neutral", "temperror", "permerror"},
    "dmarc": {"none", "pass", "fail", "temperror", "permerror"},
    "arc": {"none", "pass", "fail"},
}
# RFC 2045 token characters (no tspecials), plus "@" for a mailbox (RFC 8601 pvalue).
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+\-^_`{|}~.@]+")
_PROPERTY = re.compile(r"(smtp|header|body|policy)\.[a-z][a-z0-9-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Result:
    """One check: ``method`` (spf, dkim, dmarc, arc), its ``result``, an optional
    ``reason`` and the properties that identify what was checked, such as
    ``{"header.d": "example.com"}``."""

    method: str
    result: str
    reason: str = ""
    properties: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.result not in RESULTS.get(self.method, ()):
            raise ValueError(f"{self.result!r} is not a result of {self.method!r}")
        for name in self.properties:
            if not _PROPERTY.fullmatch(name):
                raise ValueError(f"{name!r} is not a property (ptype.property)")


def _value(raw: str) -> str:
    clean = _CONTROL.sub("", str(raw))[:255]
    if clean and _TOKEN.fullmatch(clean):
        return clean
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


def header_value(authserv_id: str, results: list[Result]) -> str:
    """The header's value: ``authserv-id; method=result (reason) ptype.prop=value; …``,
    or ``authserv-id; none`` when nothing was checked."""
    server = _value(authserv_id)
    if not results:
        return f"{server}; none"
    parts = []
    for r in results:
        part = f"{r.method}={r.result}"
        if r.reason:
            part += f" reason={_value(r.reason)}"
        for name, value in r.properties.items():
            part += f" {name}={_value(value)}"
        parts.append(part)
    # One line: the message's policy folds it when the header is written.
    return f"{server}; " + "; ".join(parts)
