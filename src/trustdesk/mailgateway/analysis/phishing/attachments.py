"""The attachment signal: what the gateway's scanner (``analysis.attachments``) found in
each attached file, weighed as a sign of phishing or malware delivery.

Each flag code counts once per message, with the explanation of its first file; a flag
inside an archive ("In the archive, …") is the classic way to carry a program past a
filter, and weighs the same as the program itself.
"""

from __future__ import annotations

from trustdesk.mailgateway.analysis import filetypes
from trustdesk.mailgateway.analysis.phishing.base import Context, MailView, Reason, Signal

WEIGHTS = {
    "executable": 50,
    "double_extension": 50,
    "deceptive_name": 50,
    "type_mismatch": 45,
    "macros": 40,
    "html": 35,
    "archive_bomb": 30,
    "hidden_archive": 30,
    "encrypted": 25,
    "unscannable": 15,
    "unreadable": 10,
    "too_large": 10,
}
ORDER = tuple(WEIGHTS)


class Attachments(Signal):
    """The scanner's flags: a program, a disguised name (50), a mismatched type (45),
    macros (40), a web page (35), an archive built to defeat scanning or hidden inside
    another file (30), encrypted content (25), what could not be opened (10-15)."""

    name = "attachment"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        first: dict[str, str] = {}
        for part, finding in mail.findings:
            # A second HTML body (Apple Mail's around an inline picture, a forwarded
            # message's) is a part without a name, not a web page someone attached.
            body = getattr(part, "filename", "") == "attachment" and getattr(
                part, "content_type", "") == "text/html"
            for code, text in getattr(finding, "flags", ()):
                if code == "html" and body:
                    continue
                if code in WEIGHTS and code not in first:
                    shown = filetypes.display_name(getattr(part, "filename", "") or
                                                   "attachment")
                    first[code] = f"\u201c{shown}\u201d: {text}"
        return [Reason(self.name, WEIGHTS[code], first[code]) for code in ORDER
                if code in first]


SIGNALS = (Attachments,)
