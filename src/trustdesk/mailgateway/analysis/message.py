"""A message taken apart with the standard library's modern email API: who it claims to
be from, its threading headers, its text, its attachments, and whether it is an
automatic message (auto-reply, bounce) that must not open a ticket.

Hostile input never raises: a header that does not parse is left out and named in
``defects``, the walk over parts is bounded in count and depth, and an HTML part becomes
text with the markup, scripts and styles dropped (a link keeps its target beside its
text, so that nothing the customer sent is hidden from the agent).
"""

from __future__ import annotations

import base64
import email
import email.policy
import html
import html.parser
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

MAX_PARTS = 200
MAX_DEPTH = 8
MAX_HTML = 2_000_000  # characters of the HTML body kept for the phishing analyser
_MSGID = re.compile(r"<([^<>\s]{1,250})>")


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Parsed:
    from_name: str = ""
    from_address: str = ""  # lower-case; "" when absent or unusable
    from_count: int = 0  # addresses in From (more than one is suspect)
    reply_to: tuple[str, ...] = ()
    # Everyone else the sender addressed (To and Cc): the support address among them.
    copied: tuple[str, ...] = ()
    return_path: str = ""
    subject: str = ""
    message_id: str = ""  # without the angle brackets
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    text: str = ""
    attachments: tuple[Part, ...] = ()
    automatic: str = ""  # why this is an automatic message, or ""
    bounce: bool = False
    received_count: int = 0
    test_tag: str = ""  # X-TrustDesk-Test: the support address's own test message
    unread: int = 0  # parts past MAX_PARTS or MAX_DEPTH: not read, not kept
    html: str = ""  # the HTML body part as sent ("" if none), for the phishing analyser
    list_id: str = ""  # a mailing list's mail (it may break DMARC alignment): List-Id, or
    # the older Mailing-List / X-Mailing-List / List-Post
    bulk: bool = False  # List-Unsubscribe, or Precedence bulk or list: sent to many
    defects: tuple[str, ...] = field(default=())


class _Text(html.parser.HTMLParser):
    SKIP = {"script", "style", "head", "title", "template"}
    BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
             "blockquote", "pre", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.href: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.out.append("\n")
        if tag == "a":
            self.href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag == "a" and self.href:
            target = self.href.pop()
            if target and not self.skipping:
                self.out.append(f" ({target})")
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    text = "".join(parser.out)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _header(msg, name: str, defects: list[str]) -> str:
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception:
        defects.append(f"unparseable {name}")
        return ""


def _ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_MSGID.findall(value or "")))[:50]


def _automatic(msg, defects) -> str:
    auto = _header(msg, "Auto-Submitted", defects).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto[:40]}"
    precedence = _header(msg, "Precedence", defects).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = _header(msg, name, defects).strip().lower()
        if value and (name != "X-Auto-Response-Suppress" or "oof" in value or "all" in value):
            return name
    return ""


def _list_id(msg, defects) -> str:
    for name in ("List-Id", "Mailing-List", "X-Mailing-List", "List-Post"):
        value = " ".join(_header(msg, name, defects).split())
        if value:
            return value[:300]
    return ""


def _is_bounce(msg, mail_from: str, from_address: str) -> bool:
    if msg.get_content_type() == "multipart/report":
        return True
    local = from_address.partition("@")[0]
    return mail_from in ("", "<>") and local in ("mailer-daemon", "postmaster")


def _decoded(part) -> bytes:
    if part.get_content_type() == "message/delivery-status":
        try:
            return b"".join(p.as_bytes() for p in part.get_payload())
        except Exception:
            return b""
    try:
        return part.get_payload(decode=True) or b""
    except Exception:
        return b""


def _text_of(part) -> str:
    try:
        content = part.get_content()
    except Exception:
        content = _decoded(part).decode("utf-8", "replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return content if isinstance(content, str) else ""


def _encoded_message(msg):
    """A forwarded message (``message/*``) sent base64-encoded, decoded; None for any
    other part. RFC 2046 §5.2.1 forbids the encoding, so the parser takes the base64
    text itself for the message — one text part, which no scanner flags — while mail
    clients decode it and show the files inside. Decoded, those files are scanned."""
    if msg.get_content_maintype() != "message" or \
            str(msg.get("Content-Transfer-Encoding", "")).strip().lower() != "base64":
        return None
    payload = msg.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    text = inner.get_payload() if inner is not None and not inner.keys() else None
    if not isinstance(text, str):
        return None
    try:
        data = base64.b64decode("".join(text.split()), validate=False)
        return email.message_from_bytes(data, policy=email.policy.default)
    except Exception:
        return None


_UNREAD = Part("", "", b"")  # stands for a subtree nested past MAX_DEPTH


def _walk(msg, depth=0):
    """Leaf parts, depth-first, bounded."""
    if depth > MAX_DEPTH:
        yield _UNREAD  # counted, so that what was left out is said, not silently lost
        return
    if msg.get_content_type() == "message/delivery-status":
        yield msg  # a delivery report's status fields: read as one part
    elif (forwarded := _encoded_message(msg)) is not None:
        yield from _walk(forwarded, depth + 1)
    elif msg.is_multipart():
        payload = msg.get_payload()
        for sub in payload if isinstance(payload, list) else ():
            yield from _walk(sub, depth + 1)
    else:
        yield msg


# RFC 5322 §3.6 allows each of these at most once, and a reader takes the body apart by
# the MIME ones. DKIM signs the bottom-most instance of a header it lists, while readers
# (this module too) show the top one: a second copy added above a signed one changes what
# is read without breaking the signature.
SINGLE_HEADERS = ("date", "from", "sender", "reply-to", "to", "cc", "bcc", "message-id",
                  "in-reply-to", "references", "subject", "mime-version", "content-type",
                  "content-transfer-encoding")


def repeated_headers(raw: bytes) -> tuple[str, ...]:
    """The names of ``SINGLE_HEADERS`` that the message's header block has more than
    once (lower-case, sorted)."""
    try:
        names = [k.strip().lower() for k in
                 BytesHeaderParser(policy=compat32).parsebytes(raw)]
    except Exception:  # unreadable headers: the author check fails the message already
        return ()
    return tuple(sorted(n for n in set(names) if n in SINGLE_HEADERS and names.count(n) > 1))


def _received_count(msg: EmailMessage) -> int:
    """How many Received headers; counted from the raw header list, because
    ``get_all`` parses every one of them (dates, addresses) only to be counted."""
    return sum(1 for name, _ in msg.raw_items() if name.lower() == "received")


def parse(raw: bytes, *, mail_from: str = "") -> Parsed:
    defects: list[str] = []
    try:
        msg: EmailMessage = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception:
        return Parsed(defects=("unparseable message",))
    from_raw = _header(msg, "From", defects)
    try:
        addresses = [(n, a) for n, a in getaddresses([from_raw]) if a]
    except Exception:
        addresses = []
    from_name, from_address = addresses[0] if addresses else ("", "")
    from_address = from_address.strip().lower() if "@" in from_address else ""
    reply_to = tuple(a.lower() for _, a in getaddresses([_header(msg, "Reply-To", defects)])
                     if "@" in a)
    try:
        copied = tuple(dict.fromkeys(
            a.strip().lower() for _, a in getaddresses(
                [_header(msg, "To", defects), _header(msg, "Cc", defects)])
            if "@" in a and a.strip().lower() != from_address))[:20]
    except Exception:  # an unreadable To or Cc copies nobody
        copied = ()
    text, attachments, count, unread = "", [], 0, 0
    html_text, html_raw = "", ""
    for part in _walk(msg):
        if part is _UNREAD:
            unread += 1
            continue
        count += 1
        if count > MAX_PARTS:
            defects.append("too many parts")
            unread += 1
            break
        disposition = (part.get_content_disposition() or "").lower()
        ctype = part.get_content_type()
        filename = part.get_filename() or ""
        if disposition != "attachment" and not filename and ctype == "text/plain" \
                and not text:
            text = _text_of(part)
        elif disposition != "attachment" and not filename and ctype == "text/html" \
                and not html_raw:
            html_raw = _text_of(part)[:MAX_HTML]
            html_text = html_to_text(html_raw)
        elif ctype.startswith("multipart/"):
            continue
        else:
            attachments.append(Part(filename or "attachment", ctype, _decoded(part)))
    for defect in getattr(msg, "defects", ())[:10]:
        defects.append(type(defect).__name__)
    return Parsed(
        from_name=" ".join(from_name.split())[:200], from_address=from_address[:254],
        from_count=len(addresses), reply_to=reply_to[:10], copied=copied,
        return_path=_header(msg, "Return-Path", defects).strip("<> ").lower()[:254],
        subject=" ".join(_header(msg, "Subject", defects).split())[:500],
        message_id=next(iter(_ids(_header(msg, "Message-ID", defects))), ""),
        in_reply_to=_ids(_header(msg, "In-Reply-To", defects)),
        references=_ids(_header(msg, "References", defects)),
        text=(text or html_text).strip(), attachments=tuple(attachments),
        automatic=_automatic(msg, defects), bounce=_is_bounce(msg, mail_from, from_address),
        received_count=_received_count(msg), unread=unread,
        test_tag=_header(msg, "X-TrustDesk-Test", defects).strip()[:200],
        html=html_raw, list_id=_list_id(msg, defects),
        bulk=bool(_header(msg, "List-Unsubscribe", defects).strip()) or _header(
            msg, "Precedence", defects).strip().lower() in ("bulk", "list"),
        defects=tuple(defects),
    )
