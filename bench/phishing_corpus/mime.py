"""Messages as mail clients and ESPs put them on the wire: their headers, Received chains,
DKIM-Signature headers (well-formed; never verified, since the benchmark asks no DNS),
multipart/alternative with text and HTML, attachments, calendar parts, and Chinese mail
in GB18030 the way Foxmail and older Outlook send it.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
import random
import unicodedata
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from . import world

MX = "mx.acme-support.example"
BASE = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)

# Mail clients: (name, header lines, Message-ID form)
CLIENTS = {
    "outlook": (
        [
            ("X-Mailer", "Microsoft Outlook 16.0"),
            ("Content-Language", "en-US"),
            ("X-MS-Has-Attach", ""),
            ("X-MS-TNEF-Correlator", ""),
        ],
        "outlook",
    ),
    "gmail": ([], "gmail"),
    "apple": ([("X-Mailer", "Apple Mail (2.3774.600.62)")], "uuid"),
    "iphone": ([("X-Mailer", "iPhone Mail (21E236)")], "uuid"),
    "thunderbird": ([("User-Agent", "Mozilla Thunderbird")], "uuid"),
    "foxmail": ([("X-Mailer", "Foxmail 7.2.25.254[cn]")], "foxmail"),
    "qqmail": (
        [
            ("X-QQ-mid", "bizesmtp{n}t1730{n}"),
            ("X-QQ-SSF", "0000000000000000"),
            ("X-Mailer", "QQMail 2.x"),
        ],
        "qq",
    ),
    "phpmailer": (
        [("X-Mailer", "PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)")],
        "php",
    ),
    "esp": ([], "esp"),
    "none": ([], "plain"),
}


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes
    inline_cid: str = ""


@dataclass
class Mail:
    from_name: str
    from_addr: str
    subject: str
    text: str
    html: str = ""
    to: str = f"Acme Support <{world.SUPPORT}>"
    client: str = "gmail"
    reply_to: str = ""
    return_path: str = ""
    in_reply_to: str = ""
    references: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    calendar: str = ""
    dkim_domain: str = ""
    relay: str = ""  # the sending MTA's host name ("" = from the sender's domain)
    charset: str = "utf-8"
    cc: str = ""


def _ip(rng: random.Random) -> str:
    return (
        f"{rng.choice((23, 40, 52, 64, 77, 91, 103, 117, 149, 185, 198, 203, 209))}."
        f"{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
    )


def _message_id(rng: random.Random, form: str, domain: str) -> str:
    hexs = f"{rng.getrandbits(128):032x}"
    if form == "gmail" and domain == "gmail.com":
        token = base64.b64encode(rng.randbytes(33)).decode().replace("/", "_")[:44]
        return f"<CA{token}@mail.gmail.com>"
    if form == "outlook":
        return (
            f"<{rng.choice(('DB7PR', 'AM6PR', 'PA4PR', 'SN6PR', 'BY5PR'))}"
            f"{rng.randint(10, 99)}MB{rng.randint(1000, 9999)}"
            f"{hexs[:12].upper()}@{rng.choice(('eurprd', 'namprd'))}0{rng.randint(1, 9)}"
            f".prod.outlook.com>"
        )
    if form in ("uuid", "gmail"):
        return f"<{uuid.UUID(int=rng.getrandbits(128)).hex.upper()}@{domain}>"
    if form == "foxmail":
        return f"<20261102{rng.randint(100000, 999999)}{rng.randint(1000000, 9999999)}@{domain}>"
    if form == "qq":
        return f"<tencent_{hexs[:32].upper()}@qq.com>"
    if form == "php":
        token = base64.b64encode(rng.randbytes(24)).decode().replace("/", "").replace("+", "")
        return f"<{token}@{domain}>"
    if form == "esp":
        return f"<{hexs[:20]}.{rng.randint(1000, 99999)}@{domain}>"
    return f"<{hexs[:16]}.{rng.randint(1, 99999)}@{domain}>"


def _boundary(rng: random.Random, client: str) -> str:
    token = f"{rng.getrandbits(96):024x}"
    if client == "gmail":
        return f"0000000000{token[:16]}"
    if client == "outlook":
        return f"_000_{token.upper()}_"
    if client in ("apple", "iphone"):
        return f"Apple-Mail={uuid.UUID(int=rng.getrandbits(128))}".upper()
    if client in ("foxmail", "qqmail"):
        return f"----=_NextPart_{token[:8].upper()}_{token[8:16].upper()}_{token[16:].upper()}"
    return f"----=_Part_{rng.randint(1, 99999)}_{token[:10]}.{rng.randint(10**12, 10**13)}"


def _dkim(rng: random.Random, domain: str, headers: str) -> str:
    bh = base64.b64encode(rng.randbytes(32)).decode()
    sig = base64.b64encode(rng.randbytes(256)).decode()
    sig = "\r\n\t ".join(sig[i : i + 72] for i in range(0, len(sig), 72))
    selector = rng.choice(
        ("s1", "google", "20230601", "selector1", "k1", "mail", "dkim", "smtpapi", "scph0524")
    )
    return (
        f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain};\r\n\t s={selector}; "
        f"t={int(BASE.timestamp()) + rng.randint(0, 900000)}; h={headers};\r\n\t "
        f"bh={bh};\r\n\t b={sig}"
    )


def _received(rng: random.Random, host: str, when: dt.datetime, *, hops: int) -> list[str]:
    """The Received chain, newest first: the helpdesk's MX, then the sender's relays."""
    chain = []
    t = when
    prev = host
    for hop in range(hops):
        ip = _ip(rng)
        by = MX if hop == 0 else prev
        frm = (
            host
            if hop == 0
            else f"{rng.choice(('smtp', 'out', 'mail', 'relay'))}"
            f"{rng.randint(1, 40)}.{host.split('.', 1)[-1] if '.' in host else host}"
        )
        proto = rng.choice(("ESMTPS", "ESMTPSA", "ESMTP")) if hop else "ESMTPS"
        tls = (
            " (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)"
            if proto.startswith("ESMTPS")
            else ""
        )
        chain.append(
            f"from {frm} ({frm} [{ip}])\r\n\tby {by} (Postfix) with {proto}{tls}"
            f" id {rng.getrandbits(40):010X};\r\n\t{format_datetime(t)}"
            if hop == 0
            else f"from {frm} ([{ip}])\r\n\tby {by} with {proto} id "
            f"{rng.getrandbits(48):012x};\r\n\t{format_datetime(t)}"
        )
        prev = frm
        t -= dt.timedelta(seconds=rng.randint(0, 4))
    return chain


def when(rng: random.Random, index: int) -> dt.datetime:
    zone = dt.timezone(dt.timedelta(hours=rng.choice((0, 1, -5, 8, 9, -8, 2, 5.5))))
    return (BASE + dt.timedelta(minutes=index * 7 + rng.randint(0, 6))).astimezone(zone)


def build(rng: random.Random, mail: Mail, index: int) -> bytes:
    msg = EmailMessage(policy=email.policy.SMTP)
    sent = when(rng, index)
    domain = mail.from_addr.rsplit("@", 1)[1]
    extra, form = CLIENTS[mail.client]
    n = str(rng.randint(100000, 999999))
    local, _, host = mail.from_addr.rpartition("@")
    # An IDN look-alike travels as punycode in the header, as mail clients send it; a
    # name's accents are left out of the mailbox name, as providers require.
    local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    address = f"{local}@{host.encode('idna').decode('ascii') if not host.isascii() else host}"
    msg["From"] = formataddr((mail.from_name, address)) if mail.from_name else address
    msg["To"] = mail.to
    if mail.cc:
        msg["Cc"] = mail.cc
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = _message_id(rng, form, domain)
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
        msg["References"] = mail.references or mail.in_reply_to
    msg["MIME-Version"] = "1.0"
    for name, value in extra:
        if value:
            msg[name] = value.replace("{n}", n)
    if mail.client == "outlook":
        msg["Thread-Index"] = base64.b64encode(rng.randbytes(22)).decode()
    for name, value in mail.headers:
        msg[name] = value

    cte = "base64" if mail.charset != "utf-8" else rng.choice(("quoted-printable", "base64", None))
    if cte is None and not mail.text.isascii():
        cte = "8bit"
    msg.set_content(mail.text, charset=mail.charset, cte=cte)
    if mail.html:
        msg.add_alternative(
            mail.html,
            subtype="html",
            charset=mail.charset,
            cte="base64" if mail.charset != "utf-8" else "quoted-printable",
        )
        inline = [a for a in mail.attachments if a.inline_cid]
        if inline:
            html_part = msg.get_payload()[1]
            for a in inline:
                main, sub = a.content_type.split("/", 1)
                html_part.add_related(
                    a.data, maintype=main, subtype=sub, cid=f"<{a.inline_cid}>", filename=a.filename
                )
    if mail.calendar:
        msg.add_alternative(mail.calendar, subtype="calendar", params={"method": "REQUEST"})
    for a in mail.attachments:
        if a.inline_cid:
            continue
        main, sub = a.content_type.split("/", 1)
        if main == "text":
            msg.add_attachment(
                a.data.decode("utf-8", "replace"), subtype=sub, filename=a.filename, cte="base64"
            )
        else:
            msg.add_attachment(a.data, maintype=main, subtype=sub, filename=a.filename)

    # The boundaries the generator would pick come from the global random: fixed here,
    # in each client's own style, so that the same seed gives the same bytes.
    for part in msg.walk():
        if part.is_multipart():
            part.set_boundary(_boundary(rng, mail.client))
    body = msg.as_bytes()
    relay = mail.relay or f"{rng.choice(('mail', 'smtp', 'mx-out', 'o1'))}.{domain}"
    top = [("Return-Path", f"<{mail.return_path or mail.from_addr}>")]
    top += [("Received", line) for line in _received(rng, relay, sent, hops=rng.randint(1, 3))]
    if mail.dkim_domain:
        top.append(
            (
                "DKIM-Signature",
                _dkim(rng, mail.dkim_domain, "from:to:subject:date:message-id:mime-version"),
            )
        )
    head = b"".join(f"{k}: {v}\r\n".encode() for k, v in top)
    return head + body
