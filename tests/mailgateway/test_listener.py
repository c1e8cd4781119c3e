"""The SMTP listener over a real socket: what it offers (SIZE, STARTTLS, never AUTH), the
limits (size, recipients, connections, rate), greylisting, and bad input answered with a
clear code and nothing half-stored — the listener keeps serving after every one."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mailgateway import mailkit
from trustdesk.accounts import counters
from trustdesk.mailgateway import gateway, resolver
from trustdesk.mailgateway.analysis.dns import DnsPythonResolver
from trustdesk.mailgateway.listener import Config, Listener
from trustdesk.mailgateway.models import Greylist, InboundMail, Route

pytestmark = pytest.mark.django_db(transaction=True)
SUPPORT = f"support@{mailkit.COMPANY}"
CUSTOMER = f"ada@{mailkit.SENDER_DOMAIN}"


@pytest.fixture
def dns_zone():
    zone = mailkit.zone()
    resolver.use(DnsPythonResolver(nameservers=["127.0.0.1"], port=zone.port, timeout=1,
                                   lifetime=2))
    yield zone
    resolver.use(None)
    zone.stop()


@pytest.fixture
def route(db):
    gateway.forget_routes()
    yield Route.objects.create(address=SUPPORT, name="Acme Support")
    gateway.forget_routes()


def _config(**overrides) -> Config:
    base = dict(hostname="mx.acme.test", max_bytes=200_000, max_recipients=5,
                max_connections=20, max_connections_per_ip=4)
    return Config(**{**base, **overrides})


@pytest.fixture
def listen(settings, dns_zone, route):
    settings.GREYLIST_DELAY_SECONDS = 0
    settings.SMTPD_HOSTNAME = "mx.acme.test"
    started = []

    def start(**overrides) -> Listener:
        listener = Listener("127.0.0.1", 0, _config(**overrides)).start()
        started.append(listener)
        return listener

    counters.counters.cache_clear()
    yield start
    for listener in started:
        listener.stop()


def _signed(**kw) -> bytes:
    return mailkit.message(sender=CUSTOMER, to=SUPPORT, sign_domain=mailkit.SENDER_DOMAIN,
                           **kw)


def test_a_signed_message_is_stored_sealed_and_queued_before_250(listen):
    listener = listen()
    code, text = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 250, text
    mail = InboundMail.objects.get()
    assert text.endswith(str(mail.uid))
    assert mail.state == InboundMail.State.QUEUED
    assert b"has not arrived" not in bytes(mail.raw_sealed)  # sealed, not in clear
    assert mail.checks["dmarc"]["result"] == "pass" and mail.checks["authenticated"]
    assert DBTaskResult.objects.filter(task_path__endswith="mail_intake",
                                       args_kwargs__args=[mail.pk]).exists()


def test_ehlo_offers_size_and_starttls_and_never_auth(listen, tmp_path):
    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    listener = listen(tls=context)
    with smtplib.SMTP("127.0.0.1", listener.port, timeout=10) as smtp:
        smtp.ehlo("client.test")
        assert smtp.has_extn("size") and smtp.has_extn("starttls")
        assert not smtp.has_extn("auth")
        client = ssl.create_default_context()
        client.check_hostname, client.verify_mode = False, ssl.CERT_NONE
        smtp.starttls(context=client)
        smtp.ehlo("client.test")
        assert not smtp.has_extn("auth")  # not after STARTTLS either
        code, _ = smtp.docmd("AUTH", "PLAIN AGFkYQBwYXNz")
        assert code == 502
        code, _ = smtp.mail(CUSTOMER)
        assert code == 250


def test_only_the_support_addresses_are_recipients(listen):
    listener = listen()
    code, text = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER,
                              to=["someone@elsewhere.test"])
    assert code == 550 and "No such mailbox" in text
    code, _ = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER,
                           to=[f"support+anything@{mailkit.COMPANY}"])
    assert code == 250
    assert InboundMail.objects.count() == 1


def test_too_many_recipients_are_refused_and_a_flood_is_cut_off(listen):
    listener = listen(max_recipients=3)
    with smtplib.SMTP("127.0.0.1", listener.port, timeout=10) as smtp:
        smtp.ehlo("client.test")
        smtp.mail(CUSTOMER)
        codes = [smtp.rcpt(SUPPORT)[0] for _ in range(5)]
    assert codes == [250, 250, 250, 452, 452]
    # A million recipients: the session is cut off long before, the listener lives on.
    sock = socket.create_connection(("127.0.0.1", listener.port), timeout=10)
    sock.recv(1024)
    sock.sendall(b"EHLO flood.test\r\nMAIL FROM:<x@flood.test>\r\n")
    try:
        for _ in range(200):
            sock.sendall(b"RCPT TO:<support@acme.test>\r\n" * 50)
    except OSError:
        pass  # the listener closed the connection: what we want
    sock.close()
    code, _ = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 250


def test_an_oversize_message_is_refused_and_not_stored(listen):
    listener = listen(max_bytes=20_000)
    code, text = mailkit.send(listener.port, _signed(body=("x" * 70 + "\n") * 800),
                              mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 552, text
    with smtplib.SMTP("127.0.0.1", listener.port, timeout=10) as smtp:
        smtp.ehlo("client.test")
        code, _ = smtp.mail(CUSTOMER, options=["SIZE=999999999"])
        assert code == 552
    assert not InboundMail.objects.exists()


def test_connections_per_address_are_limited(listen):
    listener = listen(max_connections_per_ip=2)
    held = [socket.create_connection(("127.0.0.1", listener.port), timeout=5)
            for _ in range(2)]
    for s in held:
        assert s.recv(1024).startswith(b"220")
    extra = socket.create_connection(("127.0.0.1", listener.port), timeout=5)
    assert extra.recv(1024).startswith(b"421")
    extra.close()
    for s in held:
        s.close()


def test_connections_in_total_are_limited_and_a_closed_one_frees_its_place(listen):
    listener = listen(max_connections=2, max_connections_per_ip=10)
    held = [socket.create_connection(("127.0.0.1", listener.port), timeout=5)
            for _ in range(2)]
    for s in held:
        assert s.recv(1024).startswith(b"220")
    extra = socket.create_connection(("127.0.0.1", listener.port), timeout=5)
    assert extra.recv(1024).startswith(b"421")
    extra.close()
    held.pop().close()
    deadline = time.monotonic() + 5  # the listener counts the session out when it sees EOF
    while sum(listener.connections.open.values()) >= 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    code, _ = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 250
    for s in held:
        s.close()


def test_messages_per_minute_per_address_are_limited(listen, settings):
    settings.SMTPD_RATE_PER_IP = 2
    listener = listen()
    codes = [mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])[0]
             for _ in range(3)]
    assert codes == [250, 250, 450]
    assert InboundMail.objects.count() == 2


def test_greylisting_defers_a_new_triplet_until_the_delay_passed(listen, settings):
    settings.GREYLIST_DELAY_SECONDS = 300
    settings.GREYLIST_ALLOW = ()  # the loopback is allowed by default
    listener = listen()
    code, text = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 451 and "Greylisted" in text
    code, _ = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 451  # retried too soon
    Greylist.objects.update(first_seen=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6))
    code, _ = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 250
    code, _ = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 250  # known from now on
    # Another sender from the same network starts its own wait.
    other = f"bob@{mailkit.SENDER_DOMAIN}"
    code, _ = mailkit.send(listener.port, mailkit.message(sender=other, to=SUPPORT),
                           mail_from=other, to=[SUPPORT])
    assert code == 451
    assert Greylist.objects.count() == 2


def test_greylisting_spares_allowed_networks(listen, settings):
    settings.GREYLIST_DELAY_SECONDS = 300  # the loopback is in the default allow-list
    listener = listen()
    code, _ = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 250


@pytest.mark.parametrize("raw", [
    b"this is not a mail at all",
    b"From: \xff\xfe broken <a@\xc3(>\r\nSubject: \xe9t\xe9\r\n\r\n8-bit headers",
    b"Content-Type: multipart/mixed; boundary=\"x\"\r\nFrom: a@customer.test\r\n\r\n--x\r\n"
    b"Content-Type: text/plain\r\n\r\nunterminated multipart",
    b"From: a@customer.test\r\nFrom: b@customer.test\r\nSubject: two authors\r\n\r\nx",
    b"\r\n\r\n\r\n",
])
def test_malformed_mail_gets_a_clear_code_and_the_listener_lives_on(listen, raw):
    listener = listen()
    code, text = mailkit.send(listener.port, raw, mail_from=CUSTOMER, to=[SUPPORT])
    assert code in (250, 451, 550, 554), (code, text)
    stored = InboundMail.objects.count()
    assert stored == (1 if code == 250 else 0)  # stored whole, or not at all
    code, _ = mailkit.send(listener.port, _signed(), mail_from=CUSTOMER, to=[SUPPORT])
    assert code == 250


@hsettings(max_examples=25, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8")))
def test_random_mime_never_breaks_the_listener(listen, raw):
    listener = listen()  # the fixture stops every listener it started
    code, _ = mailkit.send(listener.port, raw.replace(b"\r", b"").replace(b"\n", b"\r\n"),
                           mail_from=CUSTOMER, to=[SUPPORT])
    assert code in (250, 451, 550, 552, 554)


def _self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mx.acme.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)
