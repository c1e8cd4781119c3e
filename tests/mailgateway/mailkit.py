"""What the gateway's end-to-end tests share: a local DNS zone for test domains, signed
test mail, a running listener, and a support address."""

from __future__ import annotations

import datetime as dt
import email.policy
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import dkim

from mailgateway.dnsserver import LocalDns
from mailgateway.signing import key as signing_key

SENDER_DOMAIN = "customer.test"  # a customer's mail provider: SPF, DKIM, DMARC p=reject
QUARANTINE_DOMAIN = "quarantine.test"  # publishes p=quarantine
FREEMAIL = "freemail.test"  # no DMARC record, SPF for the loopback
COMPANY = "acme.test"  # the helpdesk's own domain


def zone() -> LocalDns:
    """Test domains whose mail servers are the loopback address."""
    dns = LocalDns()
    _, record = signing_key()
    for domain, policy in ((SENDER_DOMAIN, "reject"), (QUARANTINE_DOMAIN, "quarantine"),
                           (FREEMAIL, None), (COMPANY, "reject")):
        dns.txt(domain, "v=spf1 ip4:127.0.0.1 -all")
        dns.add(domain, "MX", f"10 mx.{domain}.")
        dns.add(f"mx.{domain}", "A", "127.0.0.1")
        dns.txt(f"sel._domainkey.{domain}", record)
        if policy:
            dns.txt(f"_dmarc.{domain}", f"v=DMARC1; p={policy}")
    dns.add("1.0.0.127.in-addr.arpa", "PTR", f"mx.{SENDER_DOMAIN}.")
    return dns.start()


def message(*, sender: str, to: str, subject: str = "My order has not arrived",
            body: str = "Hello, my order 1234 has not arrived yet.", name: str = "Ada Lovelace",
            sign_domain: str | None = None, headers: dict | None = None,
            attachments: tuple = (), html: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    raw = msg.as_bytes(policy=email.policy.SMTP)  # CRLF line ends, as on the wire
    if sign_domain:
        pem, _ = signing_key()
        raw = dkim.sign(raw, b"sel", sign_domain.encode(), pem,
                        include_headers=[b"from", b"to", b"subject", b"date",
                                         b"message-id"]) + raw
    return raw


def send(port: int, raw: bytes, *, mail_from: str, to: list[str], helo="mx.customer.test"):
    """Send over SMTP; returns (code, text) of the answer to DATA, or of the refusal."""
    with smtplib.SMTP("127.0.0.1", port, local_hostname=helo, timeout=30) as smtp:
        smtp.ehlo(helo)
        code, text = smtp.mail(mail_from)
        if code >= 400:
            return code, text.decode()
        for rcpt in to:
            code, text = smtp.rcpt(rcpt)
            if code >= 400:
                return code, text.decode()
        code, text = smtp.data(raw)
        return code, text.decode()
