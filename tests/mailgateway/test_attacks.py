"""The gateway attacked as a hostile sender would: each test names a way in and checks
it is shut. Over real SMTP where the listener's path matters, else against the unit that
decides."""

from __future__ import annotations

import email.policy
import re
import socket
import time
from email.message import EmailMessage
from email.utils import make_msgid

import dkim
import pytest

from mailgateway import mailkit
from mailgateway.signing import key as signing_key
from trustdesk.jobs.worker import run_pending
from trustdesk.mailgateway import authentication, banners, gateway, limits, resolver
from trustdesk.mailgateway.analysis.dns import DnsPythonResolver
from trustdesk.mailgateway.listener import Config, Connections, Listener
from trustdesk.mailgateway.models import InboundMail, Route
from trustdesk.tickets.models import Ticket

SUPPORT = f"support@{mailkit.COMPANY}"
ADA = f"ada@{mailkit.SENDER_DOMAIN}"  # customer.test publishes DMARC p=reject
EVE = f"eve@{mailkit.FREEMAIL}"
State = InboundMail.State


@pytest.fixture
def smtp(settings, make_team, transactional_db):
    settings.GREYLIST_DELAY_SECONDS = 0
    settings.SMTPD_HOSTNAME = "mx.acme.test"
    zone = mailkit.zone()
    resolver.use(DnsPythonResolver(nameservers=["127.0.0.1"], port=zone.port, timeout=1,
                                   lifetime=2))
    gateway.forget_routes()
    Route.objects.create(address=SUPPORT, name="Acme Support", team=make_team("Support"))
    listener = Listener("127.0.0.1", 0, Config(
        hostname="mx.acme.test", max_bytes=5_000_000, max_recipients=10,
        max_connections=20, max_connections_per_ip=10)).start()
    yield listener
    listener.stop()
    resolver.use(None)
    zone.stop()
    gateway.forget_routes()


def _signed_with_from(from_header: bytes, *, sign_domain: str) -> bytes:
    """A message whose From line is exactly ``from_header``, DKIM-signed by
    ``sign_domain`` (the attacker's own, which passes)."""
    msg = EmailMessage()
    msg["From"] = "placeholder@example.invalid"
    msg["To"] = SUPPORT
    msg["Subject"] = "Please change my delivery address"
    msg["Message-ID"] = make_msgid(domain=sign_domain)
    msg.set_content("Send everything to 1 Attacker Road from now on.")
    raw = msg.as_bytes(policy=email.policy.SMTP)
    raw = raw.replace(b"From: placeholder@example.invalid", b"From: " + from_header, 1)
    pem, _ = signing_key()
    return dkim.sign(raw, b"sel", sign_domain.encode(), pem,
                     include_headers=[b"from", b"to", b"subject", b"message-id"]) + raw


# --- Forging the author ------------------------------------------------------------------


@pytest.mark.parametrize("from_header", [
    # No single well-formed author for DMARC, but the lenient reader takes Ada's address.
    f"{ADA} <{EVE}>".encode(),
    f"<{ADA}> {EVE}".encode(),
    f"<{ADA}>\r\n\t<{EVE}>".encode(),
    f"x: {ADA};".encode(),
])
def test_a_malformed_from_naming_a_p_reject_customer_never_lands_as_them(
        smtp, make_customer, from_header):
    # Ada's domain publishes p=reject: a plain forgery of her address is refused at the
    # door. A From that DMARC cannot read (permerror) must not be the way around it: intake
    # may not guess Ada out of it and file the message under her customer record.
    ada = make_customer(full_name="Ada Lovelace", email=ADA)
    raw = _signed_with_from(from_header, sign_domain=mailkit.FREEMAIL)
    code, _ = mailkit.send(smtp.port, raw, mail_from=EVE, to=[SUPPORT])
    run_pending()
    assert code == 250
    assert not Ticket.objects.filter(customer_id=ada.id).exists()
    mail = InboundMail.objects.get()
    assert mail.state == State.SUSPENDED and mail.reason == "no_sender"


def test_the_plain_forgery_of_a_p_reject_customer_is_still_refused(smtp, make_customer):
    # The baseline the test above leans on: the well-formed forgery is rejected.
    make_customer(full_name="Ada Lovelace", email=ADA)
    raw = _signed_with_from(f"Ada <{ADA}>".encode(), sign_domain=mailkit.FREEMAIL)
    code, _ = mailkit.send(smtp.port, raw, mail_from=EVE, to=[SUPPORT])
    assert code == 550 and not InboundMail.objects.exists()


# --- Forging the gateway's own verdict ---------------------------------------------------

FORGED = [
    b"Authentication-Results: mx.acme.test; dmarc=pass header.from=customer.test",
    # RFC 8601 §2.2: an authserv-id may be followed by a version.
    b"Authentication-Results: mx.acme.test 1; dmarc=pass header.from=customer.test",
    # ... and, like every header value, begin with a comment (CFWS).
    b"Authentication-Results: (checked) mx.acme.test; dmarc=pass",
    # A quoted-string is a value too.
    b'Authentication-Results: "mx.acme.test"; dmarc=pass',
    # Folded, in another case, with white space before the colon.
    b"authentication-results :\r\n\tMX.ACME.TEST\r\n  ;\r\n dmarc=pass",
    # Comments nested deeper than a reader bothers to unwrap.
    b"Authentication-Results: ((((((((deep)))))))) mx.acme.test; dmarc=pass",
    # Nothing but the id (RFC 8601: "none" may be left out).
    b"Authentication-Results: mx.acme.test",
]


@pytest.mark.parametrize("forged", FORGED)
def test_a_forged_authentication_results_for_our_id_is_removed_in_every_spelling(
        settings, forged):
    settings.SMTPD_HOSTNAME = "mx.acme.test"
    raw = (b"From: ada@customer.test\r\n" + forged + b"\r\nSubject: hi\r\n\r\nbody\r\n")
    stamped = authentication._stamped(raw, "mx.acme.test; dmarc=fail")
    head = stamped.split(b"\r\n\r\n", 1)[0]
    fields = re.split(rb"\r\n(?![ \t])", head)
    results = [f for f in fields if f.lower().replace(b" ", b"").startswith(
        b"authentication-results:")]
    assert results == [b"Authentication-Results: mx.acme.test; dmarc=fail"]


def test_another_servers_authentication_results_is_kept(settings):
    # Only our own authserv-id is ours to remove: a relay's record stays, and an id that
    # merely begins like ours is another server's.
    settings.SMTPD_HOSTNAME = "mx.acme.test"
    theirs = [b"Authentication-Results: mx.acme.test.example; spf=pass",
              b"Authentication-Results: relay.example; dkim=pass"]
    raw = b"From: a@b.test\r\n" + b"\r\n".join(theirs) + b"\r\n\r\nbody\r\n"
    stamped = authentication._stamped(raw, "mx.acme.test; dmarc=none")
    assert all(line in stamped for line in theirs)


# --- Limits a sender spreads over many addresses -----------------------------------------


def test_the_per_client_rate_counts_an_ipv6_64_as_one_client(settings, db):
    # An IPv6 client has a /64 to itself (greylisting already keys on it): a fresh source
    # address per message must not give a fresh allowance per message.
    settings.SMTPD_RATE_PER_IP = 2
    settings.SMTPD_RATE_PER_SENDER_DOMAIN = 1000
    answers = [limits.admit_sender(f"2001:db8:1:2::{n}", f"x{n}@sender.test")
               for n in range(1, 4)]
    assert answers[:2] == [None, None] and answers[2] == limits.SLOW_DOWN


def test_the_per_client_rate_counts_an_ipv4_mapped_address_as_the_ipv4_client(settings, db):
    settings.SMTPD_RATE_PER_IP = 1
    settings.SMTPD_RATE_PER_SENDER_DOMAIN = 1000
    assert limits.admit_sender("198.51.100.7", "a@sender.test") is None
    assert limits.admit_sender("::ffff:198.51.100.7", "b@sender.test") == limits.SLOW_DOWN


def test_the_per_recipient_rate_counts_a_support_address_with_any_tag_as_one(settings, db):
    # Every "+tag" of a support address is accepted (ticket addresses among them); a
    # flood that puts a fresh tag on each message still floods that one queue.
    settings.SMTPD_RATE_PER_RECIPIENT = 2
    answers = [limits.admit_recipient(f"Support+x{n}@acme.test") for n in range(3)]
    assert answers[:2] == [None, None] and answers[2] == limits.SLOW_DOWN


def test_greylisting_keys_and_allows_an_ipv4_mapped_client_as_the_ipv4_client(settings, db):
    import ipaddress

    from trustdesk.mailgateway import greylist

    settings.GREYLIST_DELAY_SECONDS = 300
    settings.GREYLIST_ALLOW = [ipaddress.ip_network("192.0.2.0/24")]
    assert greylist.check("::ffff:192.0.2.10", "a@sender.test", SUPPORT) is None
    # Keyed by the /24 however the address arrives: one triplet, not two.
    assert greylist.key("::ffff:198.51.100.7", "a@s.test", SUPPORT) == \
        greylist.key("198.51.100.200", "A@s.test", SUPPORT)
    assert greylist.key("2001:db8:1:2::1", "a@s.test", SUPPORT) == \
        greylist.key("2001:db8:1:2:ffff::9", "a@s.test", SUPPORT)


def test_the_per_client_connection_limit_counts_an_ipv6_64_as_one_client():
    # Otherwise one IPv6 client opens the listener's whole allowance of sessions and
    # locks every other sender out.
    open_ = Connections(total=100, per_ip=2)
    assert open_.admit("2001:db8:1:2::1") and open_.admit("2001:db8:1:2::2")
    assert not open_.admit("2001:db8:1:2::3")
    # An IPv4 client seen through an IPv6 socket is the same client.
    assert open_.admit("::ffff:192.0.2.1") and open_.admit("192.0.2.1")
    assert not open_.admit("192.0.2.1")
    assert open_.admit("2001:db8:1:3::1")  # another network is another client
    open_.leave("2001:db8:1:2::1")
    assert open_.admit("2001:db8:1:2::9")


# --- Threading -----------------------------------------------------------------------------


def test_a_message_id_reused_by_another_sender_does_not_pull_the_customers_reply_away(
        smtp, make_customer):
    # Eve sends her own mail under the Message-ID of Ada's first message (she was copied
    # on it, or guessed it). When Ada then answers in her thread, her reply must still
    # find her own ticket, not become a new one because Eve's copy is the newest record.
    make_customer(full_name="Ada Lovelace", email=ADA)
    first = mailkit.message(sender=ADA, to=SUPPORT, sign_domain=mailkit.SENDER_DOMAIN)
    msgid = re.search(rb"Message-ID: (<[^>]+>)", first).group(1).decode()
    assert mailkit.send(smtp.port, first, mail_from=ADA, to=[SUPPORT])[0] == 250
    run_pending()
    ticket = Ticket.objects.get()
    poison = _signed_with_from(f"Eve <{EVE}>".encode(), sign_domain=mailkit.FREEMAIL)
    poison = poison.replace(re.search(rb"Message-ID: <[^>]+>", poison).group(),
                            f"Message-ID: {msgid}".encode())
    poison = _resign(poison, mailkit.FREEMAIL)
    assert mailkit.send(smtp.port, poison, mail_from=EVE, to=[SUPPORT])[0] == 250
    run_pending()
    assert Ticket.objects.count() == 2
    answer = mailkit.message(sender=ADA, to=SUPPORT, subject="Re: My order",
                             body="Any news?", sign_domain=mailkit.SENDER_DOMAIN,
                             headers={"In-Reply-To": msgid, "References": msgid})
    assert mailkit.send(smtp.port, answer, mail_from=ADA, to=[SUPPORT])[0] == 250
    run_pending()
    assert Ticket.objects.count() == 2
    assert ticket.messages.count() == 2


def _resign(raw: bytes, domain: str) -> bytes:
    """``raw`` without its DKIM-Signature, signed again (after an edit)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    fields = [f for f in re.split(rb"\r\n(?![ \t])", head)
              if not f.lower().startswith(b"dkim-signature:")]
    unsigned = b"\r\n".join(fields) + b"\r\n\r\n" + body
    pem, _ = signing_key()
    return dkim.sign(unsigned, b"sel", domain.encode(), pem,
                     include_headers=[b"from", b"to", b"subject", b"message-id"]) + unsigned


# --- Holding the listener's sessions -------------------------------------------------------


@pytest.fixture
def bare_listener(settings, transactional_db):
    settings.SMTPD_HOSTNAME = "mx.acme.test"
    started = []

    def start(**overrides) -> Listener:
        base = dict(hostname="mx.acme.test", max_bytes=200_000, max_recipients=5,
                    max_connections=20, max_connections_per_ip=4)
        listener = Listener("127.0.0.1", 0, Config(**{**base, **overrides})).start()
        started.append(listener)
        return listener

    yield start
    for listener in started:
        listener.stop()


def test_a_client_that_keeps_its_session_alive_with_noops_is_cut_off(bare_listener):
    # The idle timeout restarts with each command: a NOOP just before it runs out would
    # hold the session (and one of the listener's slots) for as long as the client likes.
    listener = bare_listener(timeout=1.0, max_session=2.0)
    conn = socket.create_connection(("127.0.0.1", listener.port), timeout=5)
    assert conn.recv(1024).startswith(b"220")
    started, heard = time.monotonic(), b""
    while time.monotonic() - started < 6:
        try:
            conn.sendall(b"NOOP\r\n")
            time.sleep(0.4)
            chunk = conn.recv(4096)
        except OSError:
            break
        if not chunk:
            break
        heard += chunk
    conn.close()
    assert b"421 4.4.2" in heard
    assert time.monotonic() - started < 4  # cut at the session's limit, not later
    # The slot is free again: a new session is served.
    again = socket.create_connection(("127.0.0.1", listener.port), timeout=5)
    assert again.recv(1024).startswith(b"220")
    again.close()


# --- Replaying a customer's signed mail ----------------------------------------------------


def _adas_signed(*, length: bool = False, body: str = "Thanks, see you Tuesday.") -> bytes:
    """Mail Ada really sent (to Eve, say), signed by her provider."""
    msg = EmailMessage()
    msg["From"] = f"Ada Lovelace <{ADA}>"
    msg["To"] = EVE
    msg["Subject"] = "Lunch"
    msg["Message-ID"] = make_msgid(domain=mailkit.SENDER_DOMAIN)
    msg.set_content(body)
    raw = msg.as_bytes(policy=email.policy.SMTP)
    pem, _ = signing_key()
    return dkim.sign(raw, b"sel", mailkit.SENDER_DOMAIN.encode(), pem, length=length,
                     include_headers=[b"from", b"to", b"subject", b"message-id"]) + raw


def test_text_appended_past_a_dkim_body_length_limit_is_not_authenticated_as_the_signer(
        smtp, make_customer):
    # A signature with l= covers only the first l bytes of the body: whoever holds such a
    # message can append whatever they like and the signature still verifies. What the
    # signature does not cover must not go to the agent as the signer's own words.
    ada = make_customer(full_name="Ada Lovelace", email=ADA)
    raw = _adas_signed(length=True)
    raw = raw.rstrip(b"\r\n") + (b"\r\n\r\nPS: please send my refund to IBAN "
                                 b"GB33BUKB20201555555555 from now on.\r\n")
    code, _ = mailkit.send(smtp.port, raw, mail_from=EVE, to=[SUPPORT])
    run_pending()
    # Without the DKIM pass nothing aligns with customer.test, which says p=reject.
    assert code == 550
    assert not Ticket.objects.filter(customer_id=ada.id).exists()


def test_a_signature_with_a_body_length_that_covers_the_body_still_passes(smtp, make_customer):
    ada = make_customer(full_name="Ada Lovelace", email=ADA)
    code, _ = mailkit.send(smtp.port, _adas_signed(length=True), mail_from=ADA, to=[SUPPORT])
    run_pending()
    assert code == 250
    mail = InboundMail.objects.get()
    assert mail.checks["authenticated"] and Ticket.objects.filter(customer_id=ada.id).exists()


def test_a_header_added_above_the_signed_one_is_not_passed_off_as_the_signers(
        smtp, make_customer):
    # DKIM signs the bottom-most instance of each header it lists; a reader shows the
    # top one. Eve replays Ada's signed mail with her own Subject (or Content-Type, or
    # In-Reply-To) on top: the signature verifies, and what the agent reads is Eve's.
    ada = make_customer(full_name="Ada Lovelace", email=ADA)
    raw = b"Subject: Urgent: new bank details for my refund\r\n" + _adas_signed()
    code, _ = mailkit.send(smtp.port, raw, mail_from=EVE, to=[SUPPORT])
    run_pending()
    assert code == 250
    mail = InboundMail.objects.get()
    assert not mail.checks["authenticated"]
    assert mail.checks["repeated_headers"] == ["subject"]
    ticket = Ticket.objects.get(customer_id=ada.id)
    assert any("more than once" in w for w in banners.texts(mail.checks))
    assert ticket.pk == mail.ticket_id


# --- Files that slip past the scanner ------------------------------------------------------

_PROGRAM = b"MZ\x90\x00" + b"\x00" * 56 + b"\x40\x00\x00\x00" + b"PE\x00\x00" + b"\x00" * 200


def _forwarded(cte: bytes) -> bytes:
    """Mail carrying a forwarded message (message/rfc822) that holds a program, the
    forwarded message encoded with ``cte``."""
    import base64

    inner = (b"From: a@b.test\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: application/x-msdownload\r\nContent-Transfer-Encoding: base64"
             b"\r\nContent-Disposition: attachment; filename=setup.exe\r\n\r\n"
             + base64.encodebytes(_PROGRAM).replace(b"\n", b"\r\n"))
    body = base64.encodebytes(inner).replace(b"\n", b"\r\n") if cte == b"base64" else inner
    return (b"From: ada@customer.test\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
            b"Content-Type: text/plain\r\n\r\nSee the forwarded mail.\r\n--X\r\n"
            b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: " + cte
            + b"\r\n\r\n" + body + b"\r\n--X--\r\n")


@pytest.mark.parametrize("cte", [b"7bit", b"base64"])
def test_a_program_in_a_forwarded_message_is_quarantined_however_it_is_encoded(settings, cte):
    # RFC 2046 forbids encoding a message/rfc822 part, so the parser reads base64 text as
    # the forwarded message; mail clients decode it anyway and show the program inside.
    from trustdesk.mailgateway import scanner
    from trustdesk.mailgateway.analysis import message as mime

    settings.CLAMD_ADDRESS = ""
    files, _ = scanner.scan_parts(mime.parse(_forwarded(cte)).attachments)
    assert [(f.filename, f.quarantine) for f in files] == [("setup.exe", "executable")]


def _nested(depth: int, leaf: bytes) -> bytes:
    """``leaf`` inside ``depth`` multiparts (a part, without the message's headers)."""
    for i in range(depth):
        leaf = (b"Content-Type: multipart/mixed; boundary=N%d\r\n\r\n--N%d\r\n" % (i, i)
                + leaf + b"\r\n--N%d--\r\n" % i)
    return leaf


def test_parts_nested_past_the_limit_are_said_to_be_missing_not_silently_dropped(settings):
    # A file or text hidden twelve levels down is neither scanned nor kept; the ticket
    # must say that something was left out, not look like the whole message.
    from trustdesk.mailgateway import intake
    from trustdesk.mailgateway.analysis import message as mime

    shallow = b"Content-Type: text/plain\r\n\r\nHello, my order has not arrived.\r\n"
    deep = (b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
            b"filename=contract.pdf\r\n\r\n%PDF-1.4\r\n")
    head = b"From: ada@customer.test\r\nMIME-Version: 1.0\r\n"
    raw = (head + b"Content-Type: multipart/mixed; boundary=T\r\n\r\n--T\r\n" + shallow
           + b"\r\n--T\r\n" + _nested(12, deep) + b"\r\n--T--\r\n")
    parsed = mime.parse(raw)
    assert parsed.text.startswith("Hello") and parsed.attachments == ()
    assert "were not read" in intake._body(parsed, 0)
    assert "were not read" not in intake._body(mime.parse(head + _nested(2, shallow)), 0)


def test_an_officer_may_release_mail_held_for_a_from_the_checks_could_not_read(
        smtp, make_customer, make_user, as_actor):
    from trustdesk.mailgateway import suspended

    ada = make_customer(full_name="Ada Lovelace", email=ADA)
    raw = _signed_with_from(f"{ADA} <{EVE}>".encode(), sign_domain=mailkit.FREEMAIL)
    assert mailkit.send(smtp.port, raw, mail_from=EVE, to=[SUPPORT])[0] == 250
    run_pending()
    mail = InboundMail.objects.get()
    officer = as_actor(make_user(role="security_officer"))
    suspended.mail_release(actor=officer, mail_id=mail.uid, reason="Checked by phone")
    run_pending()
    mail.refresh_from_db()
    assert mail.state == State.DELIVERED
    assert Ticket.objects.get(pk=mail.ticket_id).customer_id == ada.id
    assert any("released" in w for w in banners.texts(mail.checks))


def test_a_replay_with_a_subject_the_signature_does_not_cover_is_not_authenticated(
        smtp, make_customer):
    make_customer(full_name="Ada Lovelace", email=ADA)
    msg = EmailMessage()
    msg["From"] = f"Ada Lovelace <{ADA}>"
    msg["To"] = EVE
    msg["Subject"] = "Lunch"
    msg.set_content("Thanks, see you Tuesday.")
    raw = msg.as_bytes(policy=email.policy.SMTP)
    pem, _ = signing_key()
    signed = dkim.sign(raw, b"sel", mailkit.SENDER_DOMAIN.encode(), pem,
                       include_headers=[b"from"]) + raw
    replayed = signed.replace(b"Subject: Lunch", b"Subject: New bank details for my refund")
    assert mailkit.send(smtp.port, replayed, mail_from=EVE, to=[SUPPORT])[0] == 250
    run_pending()
    assert not InboundMail.objects.get().checks["authenticated"]
