"""The mail benchmark's corpus: a few hundred varied messages built here from a seed —
plain text and HTML, multipart with PDF, DOCX, ZIP and PNG attachments, DKIM-signed with
a real RSA key or unsigned, 1 KB to ~200 KB — and the DNS zone of their test domains.
No public ham, spam or phishing corpus is used.

Everything but the RSA key (made fresh for each run) follows from the seed: the same
seed gives the same messages, byte for byte apart from the DKIM signatures.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

CUSTOMER, QUARANTINE, FREEMAIL, COMPANY = "customer.test", "quarantine.test", \
    "freemail.test", "acme.test"
SUPPORT = f"support@{COMPANY}"
PEER_IP = "127.0.0.1"
DOMAINS = ((CUSTOMER, "reject"), (QUARANTINE, "quarantine"), (FREEMAIL, None),
           (COMPANY, "reject"))
_WORDS = ("order", "invoice", "delivery", "account", "password", "refund", "parcel", "tracking",
          "number", "please", "help", "urgent", "payment", "card", "subscription", "renewal",
          "cancel", "upgrade", "plan", "login", "error", "page", "browser", "mobile", "app",
          "update", "version", "report", "attached", "screenshot", "thanks", "regards", "team",
          "support", "question", "issue", "problem", "since", "yesterday", "week", "month",
          "still", "waiting", "reply", "customer", "service", "address", "billing", "shipped",
          "returned", "damaged", "item", "warranty", "replacement", "colour", "size", "discount",
          "code", "voucher", "price", "charged", "twice")
_NAMES = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra",
          "Barbara Liskov", "Donald Knuth", "Frances Allen", "Ken Thompson", "Radia Perlman",
          "Linus Torvalds", "Margaret Hamilton", "Tim Berners-Lee", "Hedy Lamarr")


@dataclass(frozen=True)
class Mail:
    raw: bytes  # CRLF line ends, as on the wire
    mail_from: str
    helo: str
    kind: str  # what the pipe should make of it (see ``_KINDS``)


def key() -> tuple[bytes, str]:
    """A fresh 2048-bit RSA key: (PEM, the ``v=DKIM1`` record of its public half)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    der = private.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem, f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"


def zone(dkim_record: str) -> dict[tuple[str, str], list[str]]:
    """(name, type) → records as text, in ``StubResolver``'s form (TXT joined, MX
    "<pref> <host>", hosts without the final dot): every test domain's mail comes from
    the loopback address."""
    table: dict[tuple[str, str], list[str]] = {}
    for domain, policy in DOMAINS:
        table[(domain, "TXT")] = [f"v=spf1 ip4:{PEER_IP} -all"]
        table[(domain, "MX")] = [f"10 mx.{domain}"]
        table[(f"mx.{domain}", "A")] = [PEER_IP]
        table[(f"sel._domainkey.{domain}", "TXT")] = [dkim_record]
        if policy:
            table[(f"_dmarc.{domain}", "TXT")] = [f"v=DMARC1; p={policy}"]
    table[("1.0.0.127.in-addr.arpa", "PTR")] = [f"mx.{CUSTOMER}"]
    return table


def presentation(table: dict[tuple[str, str], list[str]]) -> dict[tuple[str, str], list[str]]:
    """The same zone in DNS presentation format, for a DNS server."""
    out = {}
    for (name, rdtype), values in table.items():
        if rdtype == "TXT":  # strings of at most 255 bytes each (DKIM keys are longer)
            values = [" ".join('"' + v[i:i + 250] + '"' for i in range(0, len(v), 250))
                      for v in values]
        elif rdtype in ("MX", "PTR"):
            values = [v + "." for v in values]
        out[(name, rdtype)] = values
    return out


# --- Attachments: real files of each kind ----------------------------------------------

def _text(rng: random.Random, words: int) -> str:
    lines, line = [], []
    for _ in range(words):
        line.append(rng.choice(_WORDS))
        if len(line) >= rng.randint(8, 14):
            lines.append(" ".join(line).capitalize() + ".")
            line = []
    return "\n".join([*lines, " ".join(line)])


def _pdf(rng: random.Random, size: int) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for _ in range(max(1, size // 4000)):
        lines = _text(rng, 60).splitlines()
        stream = DecodedStreamObject()
        stream.set_data(("BT /F1 10 Tf 20 780 Td 12 TL " + " ".join(
            f"({line[:90]}) '" for line in lines) + " ET").encode())
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx(rng: random.Random, size: int) -> bytes:
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>"
                         for line in _text(rng, max(50, size // 7)).splitlines())
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
            'formats.org/package/2006/content-types"><Default Extension="rels" ContentType='
            '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension='
            '"xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/office'
            'Document" Target="word/document.xml"/></Relationships>',
        "word/document.xml":
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body>' + paragraphs +
            "</w:body></w:document>",
    }
    return _zip(parts)


def _zip(files: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 11, 2, 9, 0, 0)), data)
    return out.getvalue()


def _png(rng: random.Random, size: int) -> bytes:
    """A real RGB PNG of noise (which does not compress), about ``size`` bytes."""
    width = 64
    height = max(4, size // (width * 3))
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8,
                                                                2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def _program(rng: random.Random) -> bytes:
    """A Windows program's headers (MZ, then PE at the offset 0x3C names) and filler."""
    head = bytearray(b"MZ" + bytes(62))
    struct.pack_into("<I", head, 0x3C, 64)
    return bytes(head) + b"PE\x00\x00" + rng.randbytes(4000)


def _attachment(rng: random.Random, budget: int) -> tuple[str, str, bytes]:
    kind = rng.choice(("pdf", "pdf", "docx", "zip", "png", "png"))
    size = rng.randint(2_000, max(2_001, budget))
    stem = rng.choice(("invoice", "screenshot", "statement", "report", "photo", "contract"))
    n = rng.randint(1, 999)
    if kind == "pdf":
        return f"{stem}-{n}.pdf", "application/pdf", _pdf(rng, size)
    if kind == "docx":
        return (f"{stem}-{n}.docx", "application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document", _docx(rng, size))
    if kind == "png":
        return f"{stem}-{n}.png", "image/png", _png(rng, size)
    files = {f"notes-{i}.txt": _text(rng, size // 40) for i in range(rng.randint(1, 3))}
    files["data.csv"] = "\n".join(f"{i},{rng.randint(0, 10**6)},{rng.choice(_WORDS)}"
                                  for i in range(size // 30))
    if rng.random() < 0.15:  # a program inside: the scanner flags it, intake quarantines
        files["update.exe"] = _program(rng)
    return f"{stem}-{n}.zip", "application/zip", _zip(files)


# --- Messages --------------------------------------------------------------------------

# (weight, kind, author's domain, envelope domain, signing domain or None)
_KINDS = (
    (40, "signed", CUSTOMER, CUSTOMER, CUSTOMER),
    (10, "signed", FREEMAIL, FREEMAIL, FREEMAIL),
    (20, "unsigned", CUSTOMER, CUSTOMER, None),  # SPF-aligned: DMARC passes
    (8, "unsigned", FREEMAIL, FREEMAIL, None),
    (6, "forged_reject", CUSTOMER, FREEMAIL, FREEMAIL),  # DMARC fail, p=reject
    (6, "forged_quarantine", QUARANTINE, FREEMAIL, FREEMAIL),  # → suspended
    (5, "auto_reply", CUSTOMER, CUSTOMER, CUSTOMER),  # → ignored
    (5, "impersonation", FREEMAIL, FREEMAIL, FREEMAIL),  # "IT Support" from freemail
)


def _body_html(rng: random.Random, words: int) -> str:
    paragraphs = "".join(
        f"<p>{line} <a href=\"https://shop.{CUSTOMER}/orders/{rng.randint(1, 99999)}\">"
        f"order page</a></p>" for line in _text(rng, words).splitlines())
    return (f"<html><head><style>p {{ margin: 0 0 1em }}</style></head><body>"
            f"<div><b>Hello support,</b></div>{paragraphs}<p>Kind regards</p></body></html>")


def message(rng: random.Random, pem: bytes, index: int, base: dt.datetime) -> Mail:
    _, kind, domain, envelope, signer = rng.choices(_KINDS, [k[0] for k in _KINDS])[0]
    name = "IT Support" if kind == "impersonation" else rng.choice(_NAMES)
    local = name.lower().replace(" ", ".").replace("-", "")
    msg = EmailMessage()
    msg["Received"] = (f"from mx.{envelope} (mx.{envelope} [{PEER_IP}]) by mx.{COMPANY} "
                       f"with ESMTP id {rng.getrandbits(48):012x}; "
                       f"{format_datetime(base + dt.timedelta(seconds=index * 37))}")
    msg["From"] = f"{name} <{local}@{domain}>"
    msg["To"] = f"Acme Support <{SUPPORT}>"
    msg["Subject"] = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 9))).capitalize()
    msg["Date"] = format_datetime(base + dt.timedelta(seconds=index * 37))
    msg["Message-ID"] = f"<{rng.getrandbits(64):016x}.{index}@{domain}>"
    if kind == "auto_reply":
        msg["Auto-Submitted"] = "auto-replied"
    shape = rng.random()
    words = rng.randint(40, 900)
    if shape < 0.35:  # plain text, 1-8 KB
        msg.set_content(_text(rng, words))
    elif shape < 0.55:  # text and HTML alternatives
        msg.set_content(_text(rng, words))
        msg.add_alternative(_body_html(rng, rng.randint(200, 2500)), subtype="html")
    else:  # text with one to three attachments, up to ~200 KB in all
        msg.set_content(_text(rng, words))
        budget = rng.choice((8_000, 30_000, 60_000, 100_000))
        for _ in range(rng.randint(1, 3)):
            filename, ctype, data = _attachment(rng, budget // 2)
            maintype, subtype = ctype.split("/", 1)
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    raw = msg.as_bytes(policy=email.policy.SMTP)
    if signer:
        import dkim

        raw = dkim.sign(raw, b"sel", signer.encode(), pem,
                        include_headers=[b"from", b"to", b"subject", b"date",
                                         b"message-id"]) + raw
    return Mail(raw=raw, mail_from=f"{local}@{envelope}", helo=f"mx.{envelope}", kind=kind)


def corpus(count: int, pem: bytes, seed: int = 20261202) -> list[Mail]:
    rng = random.Random(seed)
    base = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    return [message(rng, pem, i, base) for i in range(count)]
