"""Mail in, end to end, over real SMTP against the listener and a local DNS server: a
customer's signed mail becomes a ticket with the right customer; spoofed mail is
rejected, suspended or marked; the "ticket trick" gets nowhere; automatic mail and
hostile attachments are kept out of the conversation; the suspended queue releases and
deletes."""

from __future__ import annotations

import json

import pytest

from mailgateway import mailkit
from trustdesk.audit.models import AuditEvent
from trustdesk.customers import selectors as customers
from trustdesk.jobs.worker import run_pending
from trustdesk.mailgateway import addresses, banners, gateway, resolver, suspended
from trustdesk.mailgateway.analysis.dns import DnsPythonResolver
from trustdesk.mailgateway.listener import Config, Listener
from trustdesk.mailgateway.models import InboundMail, Route
from trustdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)
SUPPORT = f"support@{mailkit.COMPANY}"
ADA = f"ada@{mailkit.SENDER_DOMAIN}"
State = InboundMail.State


@pytest.fixture
def smtp(settings, make_team):
    settings.GREYLIST_DELAY_SECONDS = 0
    settings.SMTPD_HOSTNAME = "mx.acme.test"
    zone = mailkit.zone()
    resolver.use(DnsPythonResolver(nameservers=["127.0.0.1"], port=zone.port, timeout=1,
                                   lifetime=2))
    gateway.forget_routes()
    team = make_team("Support")
    Route.objects.create(address=SUPPORT, name="Acme Support", team=team)
    listener = Listener("127.0.0.1", 0, Config(
        hostname="mx.acme.test", max_bytes=5_000_000, max_recipients=10,
        max_connections=20, max_connections_per_ip=10)).start()
    listener.zone = zone  # for tests that publish records
    yield listener
    listener.stop()
    resolver.use(None)
    zone.stop()
    gateway.forget_routes()


def _send(listener, raw, *, mail_from, to=(SUPPORT,)):
    code, text = mailkit.send(listener.port, raw, mail_from=mail_from, to=list(to))
    run_pending()
    return code, text


def _signed(sender=ADA, **kw) -> bytes:
    return mailkit.message(sender=sender, to=SUPPORT,
                           sign_domain=sender.rpartition("@")[2], **kw)


def test_a_customers_signed_mail_becomes_a_ticket_with_the_right_customer(
        smtp, make_customer, system):
    ada = make_customer(full_name="Ada Lovelace", email=ADA)
    code, _ = _send(smtp, _signed(), mail_from=ADA)
    assert code == 250
    mail = InboundMail.objects.get()
    assert mail.state == State.DELIVERED and mail.raw_sealed is None  # shredded
    ticket = Ticket.objects.get(pk=mail.ticket_id)
    assert ticket.customer_id == ada.id and ticket.channel == "email"
    assert ticket.team.name == "Support" and ticket.customer_wrote
    assert ticket.subject == "My order has not arrived"
    assert banners.for_messages([mail.message_id]) == {}  # authenticated: no warning
    assert AuditEvent.objects.filter(action="mail.deliver", object_id=str(mail.uid)).exists()


def test_an_unknown_sender_becomes_a_customer_with_declared_fields_only(smtp, system):
    code, _ = _send(smtp, _signed(name="Grace Hopper"), mail_from=ADA)
    assert code == 250
    found = customers.customer_for_contact(actor=system, field="email", value=ADA)
    profile = customers.customer_get(actor=system, customer_id=found).profile
    assert set(profile) == {"email", "full_name"} and profile["full_name"] == "Grace Hopper"


def test_dmarc_reject_failing_mail_is_rejected(smtp):
    # Claims customer.test (p=reject) but is signed by freemail.test and not from its IP.
    forged = mailkit.message(sender=ADA, to=SUPPORT, sign_domain=mailkit.FREEMAIL)
    code, text = _send(smtp, forged, mail_from=f"x@{mailkit.FREEMAIL}")
    assert code == 550 and "DMARC" in text
    assert not InboundMail.objects.exists()


def test_dmarc_quarantine_failing_mail_is_suspended(smtp):
    sender = f"bob@{mailkit.QUARANTINE_DOMAIN}"
    forged = mailkit.message(sender=sender, to=SUPPORT, sign_domain=mailkit.FREEMAIL)
    code, _ = _send(smtp, forged, mail_from=f"x@{mailkit.FREEMAIL}")
    assert code == 250
    mail = InboundMail.objects.get()
    assert mail.state == State.SUSPENDED and mail.reason == "dmarc_quarantine"
    assert not Ticket.objects.exists()


def test_a_display_name_spoof_of_a_colleague_shows_the_banner(smtp, make_user):
    make_user("agent", name="Margaret Hamilton")
    sender = f"x@{mailkit.FREEMAIL}"
    for name in ("IT Support", "Margaret Hamilton"):
        raw = mailkit.message(sender=sender, to=SUPPORT, name=name,
                              sign_domain=mailkit.FREEMAIL, subject=f"From {name}")
        assert _send(smtp, raw, mail_from=sender)[0] == 250
    shown = [banners.texts(m.checks) for m in InboundMail.objects.order_by("id")]
    assert any("IT Support" in w and "freemail.test" in w for w in shown[0])
    assert any("a colleague's name" in w for w in shown[1])


def test_a_reply_threads_into_its_ticket_only_from_its_authenticated_customer(
        smtp, make_customer):
    make_customer(full_name="Ada Lovelace", email=ADA)
    _send(smtp, _signed(), mail_from=ADA)
    first = InboundMail.objects.get()
    ticket = Ticket.objects.get(pk=first.ticket_id)
    tagged = addresses.ticket_address(SUPPORT, ticket.pk)
    # The customer answers to the ticket's signed address: the same conversation.
    answer = mailkit.message(sender=ADA, to=tagged, subject="Re: My order",
                             body="It came today, thanks.",
                             sign_domain=mailkit.SENDER_DOMAIN)
    assert _send(smtp, answer, mail_from=ADA, to=(tagged,))[0] == 250
    assert ticket.messages.count() == 2
    # The ticket trick: a service's verification mail sent to the ticket's address.
    service = f"noreply@{mailkit.FREEMAIL}"
    trick = mailkit.message(sender=service, to=tagged, name="Chat Service",
                            subject="Confirm your account", body="Your code is 991234",
                            sign_domain=mailkit.FREEMAIL)
    assert _send(smtp, trick, mail_from=service, to=(tagged,))[0] == 250
    assert ticket.messages.count() == 2  # not in the customer's conversation
    other = Ticket.objects.exclude(pk=ticket.pk).get()
    assert other.customer_id != ticket.customer_id
    # A forged tag is just the support address.
    forged = SUPPORT.replace("support@", f"support+t{ticket.pk}.0000000000000000@")
    assert addresses.parse_ticket_address(forged, [SUPPORT]) is None


def test_an_unauthenticated_reply_from_the_customers_address_is_suspended(
        smtp, make_customer):
    # A customer whose domain publishes no DMARC policy: their mail counts as theirs
    # when SPF or DKIM passes for it.
    grace = f"grace@{mailkit.FREEMAIL}"
    make_customer(full_name="Grace Hopper", email=grace)
    _send(smtp, _signed(sender=grace), mail_from=grace)
    ticket = Ticket.objects.get()
    tagged = addresses.ticket_address(SUPPORT, ticket.pk)
    # Unsigned, with an envelope on another domain: nothing proves it is Grace's.
    unsigned = mailkit.message(sender=grace, to=tagged, body="Please change my address")
    code, _ = _send(smtp, unsigned, mail_from=f"x@{mailkit.QUARANTINE_DOMAIN}", to=(tagged,))
    assert code == 250
    held = InboundMail.objects.order_by("-id").first()
    assert held.state == State.SUSPENDED and held.reason == "unauthenticated_reply"
    assert ticket.messages.count() == 1


def test_automatic_mail_never_opens_a_ticket(smtp):
    for headers in ({"Auto-Submitted": "auto-replied"}, {"Precedence": "bulk"}):
        raw = _signed(headers=headers, subject="Out of office")
        assert _send(smtp, raw, mail_from=ADA)[0] == 250
    assert not Ticket.objects.exists()
    assert set(InboundMail.objects.values_list("state", flat=True)) == {State.IGNORED}


def test_a_macro_document_is_quarantined_and_eicar_suspends_the_message(smtp):
    from mailgateway.ole_builder import compound_file, vba_project
    from mailgateway.test_attachments import MACRO, ooxml

    doc = ("report.docm", "application/vnd.ms-word.document.macroEnabled.12",
           ooxml({"word/vbaProject.bin": compound_file(vba_project(MACRO))}))
    assert _send(smtp, _signed(attachments=(doc,)), mail_from=ADA)[0] == 250
    mail = InboundMail.objects.get()
    message = Message.objects.get(pk=mail.message_id)
    attachment = message.attachments.get()
    assert attachment.quarantine == "macro"
    assert any("Office macro" in w for w in banners.for_messages([message.pk])[message.pk])
    eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    raw = _signed(attachments=(("readme.txt", "text/plain", eicar),))
    assert _send(smtp, raw, mail_from=ADA)[0] == 250
    held = InboundMail.objects.order_by("-id").first()
    assert held.state == State.SUSPENDED and held.reason == "malware"


def test_the_suspended_queue_releases_and_deletes(smtp, make_user, as_actor):
    officer = as_actor(make_user("security_officer"))
    agent = as_actor(make_user("agent"))
    sender = f"bob@{mailkit.QUARANTINE_DOMAIN}"
    for subject in ("First", "Second"):
        forged = mailkit.message(sender=sender, to=SUPPORT, subject=subject,
                                 sign_domain=mailkit.FREEMAIL)
        _send(smtp, forged, mail_from=f"x@{mailkit.FREEMAIL}")
    first, second = InboundMail.objects.order_by("id")
    held = suspended.mail_get(actor=officer, mail_id=first.uid)
    # The field policy hides customers' addresses from security officers: the domain only.
    assert held.sender == f"[address withheld] @{mailkit.QUARANTINE_DOMAIN}"
    assert held.subject == "First"
    from trustdesk.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        suspended.mail_release(actor=agent, mail_id=first.uid)
    suspended.mail_release(actor=officer, mail_id=first.uid, reason="Checked by phone")
    run_pending()
    first.refresh_from_db()
    assert first.state == State.DELIVERED and Ticket.objects.filter(pk=first.ticket_id)
    assert any("released" in w for w in banners.texts(first.checks))
    suspended.mail_delete(actor=officer, mail_id=second.uid, reason="Phishing")
    second.refresh_from_db()
    assert second.state == State.DELETED and second.raw_sealed is None
    assert AuditEvent.objects.filter(action__in=["mail.release", "mail.delete"]).count() == 2


def test_mail_in_reply_out_signed_and_threaded_and_the_answer_back_in(
        smtp, settings, make_customer, make_user, as_actor):
    """The round trip the channel exists for, over sockets all the way: a customer's
    mail becomes a ticket; the agent's reply leaves through the relay DKIM-signed with
    the support address's key and threaded; the customer's answer to it (their client
    replies to the Reply-To, naming the reply's Message-ID) joins the same ticket."""
    import email
    import email.policy

    import dkim

    from mail_outbound import SmtpSink, use_relay
    from trustdesk.mailgateway import routes
    from trustdesk.tickets import services as tickets

    team = Route.objects.get().team
    Route.objects.all().delete()
    route = routes.route_create(actor=as_actor(make_user("admin")), address=SUPPORT,
                                name="Acme Support", team_id=team.pk)
    record = f"v=DKIM1; k=rsa; p={route.dkim_public}"
    agent = as_actor(make_user("agent", teams=[team]))
    make_customer(full_name="Ada Lovelace", email=ADA)
    assert _send(smtp, _signed(), mail_from=ADA)[0] == 250
    ticket = Ticket.objects.get()
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        tickets.ticket_reply(actor=agent, ticket_id=ticket.pk,
                             body="We have sent a new parcel today.")
        run_pending()
    [sent] = sink.received
    assert sent.rcpt_tos == [ADA]
    name = f"{route.dkim_selector}._domainkey.{mailkit.COMPANY}."

    def dnsfunc(qname, timeout=5):
        return record.encode() if qname.decode() == name else b""

    assert dkim.verify(sent.data, dnsfunc=dnsfunc)
    reply = email.message_from_bytes(sent.data, policy=email.policy.default)
    verdicts = InboundMail.objects.get().checks  # results and domains, never an address
    assert ADA not in str(verdicts) and "message_id" not in verdicts
    assert reply["In-Reply-To"] and reply["References"]
    assert reply["Reply-To"].addresses[0].addr_spec != SUPPORT  # the signed ticket address
    # The customer's answer: to the Reply-To, In-Reply-To the reply's Message-ID.
    answer = mailkit.message(sender=ADA, to=str(reply["Reply-To"]), subject="Re: parcel",
                             body="Thank you, it arrived.", sign_domain=mailkit.SENDER_DOMAIN,
                             headers={"In-Reply-To": reply["Message-ID"],
                                      "References": f"{reply['References']} "
                                                    f"{reply['Message-ID']}"})
    rcpt = reply["Reply-To"].addresses[0].addr_spec
    assert _send(smtp, answer, mail_from=ADA, to=(rcpt,))[0] == 250
    assert Ticket.objects.count() == 1
    assert [m.direction for m in ticket.messages.order_by("id")] == [
        "inbound", "outbound", "inbound"]
    # Threading by Message-ID alone works too (a client that answers the From address).
    again = mailkit.message(sender=ADA, to=SUPPORT, subject="Re: parcel", body="One more thing",
                            sign_domain=mailkit.SENDER_DOMAIN,
                            headers={"In-Reply-To": reply["Message-ID"]})
    assert _send(smtp, again, mail_from=ADA)[0] == 250
    assert Ticket.objects.count() == 1 and ticket.messages.count() == 4


def test_the_test_button_sends_through_the_whole_pipe(smtp, settings, make_user, as_actor):
    from trustdesk.mailgateway import routes, selftest

    admin = as_actor(make_user("admin"))
    Route.objects.all().delete()
    route = routes.route_create(actor=admin, address=SUPPORT, name="Acme Support")
    settings.SMTPD_LISTEN = ("127.0.0.1", smtp.port)
    # acme.test's SPF does not name this server, and its DKIM record is not published
    # yet: its own p=reject refuses the mail, and the result says why.
    smtp.zone.records.pop((mailkit.COMPANY, "TXT"))
    refused = selftest.route_test(actor=admin, route_id=route.pk)
    assert refused.code == 550 and refused.checks["dmarc"]["result"] == "fail"
    assert any(d["result"] == "fail" or d["result"] == "permerror"
               for d in refused.checks["dkim"])
    # Published, the same test passes: DKIM aligned, DMARC pass, and no ticket is made.
    smtp.zone.txt(f"{route.dkim_selector}._domainkey.{mailkit.COMPANY}",
                  f"v=DKIM1; k=rsa; p={route.dkim_public}")
    passed = selftest.route_test(actor=admin, route_id=route.pk)
    assert passed.accepted and passed.checks["dmarc"]["result"] == "pass", passed
    run_pending()
    passed.mail.refresh_from_db()
    assert passed.mail.state == State.IGNORED and passed.mail.reason == "test"
    assert not Ticket.objects.exists()
    assert AuditEvent.objects.filter(action="mail.route.test").count() == 2


def test_a_message_delivered_again_after_a_lost_250_makes_one_ticket(smtp):
    # A sending server that never heard our 250 (a crash after the commit) retries the
    # same message: the second copy is set aside, not a second ticket.
    raw = _signed()
    assert _send(smtp, raw, mail_from=ADA)[0] == 250
    assert _send(smtp, raw, mail_from=ADA)[0] == 250
    first, second = InboundMail.objects.order_by("id")
    assert first.state == State.DELIVERED and Ticket.objects.count() == 1
    assert second.state == State.IGNORED and second.reason == "duplicate"
    assert second.raw_sealed is None  # shredded like any mail kept out
    assert Message.objects.count() == 1


def test_the_same_message_id_from_another_customer_is_no_duplicate(smtp):
    def message_id(raw: bytes) -> bytes:
        return next(line for line in raw.split(b"\r\n") if line.startswith(b"Message-ID:"))

    raw = _signed()
    assert _send(smtp, raw, mail_from=ADA)[0] == 250
    # Unsigned (SPF alone authenticates freemail.test), so the copied header breaks nothing.
    other = f"bob@{mailkit.FREEMAIL}"
    theirs = mailkit.message(sender=other, to=SUPPORT, name="Bob")
    assert _send(smtp, theirs.replace(message_id(theirs), message_id(raw)),
                 mail_from=other)[0] == 250
    assert set(InboundMail.objects.values_list("state", flat=True)) == {State.DELIVERED}
    assert Ticket.objects.count() == 2


def test_a_file_clamd_knows_suspends_the_message_and_a_silent_clamd_quarantines(
        smtp, settings):
    """The real clamd, with the test's own signature, in the pipe: its match is
    malware (the message is held); a clamd that cannot be reached leaves the file
    unscanned, so it is quarantined, never served as clean."""
    import shutil
    import tempfile
    from pathlib import Path

    from mailgateway.test_clamd import BLOB, Clamd, _require_clamd

    _require_clamd()
    root = Path(tempfile.mkdtemp(prefix="td-clamd-"))
    server = Clamd(root).start()
    try:
        settings.CLAMD_ADDRESS = server.address
        raw = _signed(attachments=(("notes.txt", "text/plain", BLOB),))
        assert _send(smtp, raw, mail_from=ADA)[0] == 250
        held = InboundMail.objects.get()
        assert held.state == State.SUSPENDED and held.reason == "malware"
        server.stop()
        clean = _signed(attachments=(("notes.txt", "text/plain", b"just notes\n"),))
        assert _send(smtp, clean, mail_from=ADA)[0] == 250
        delivered = InboundMail.objects.order_by("-id").first()
        assert delivered.state == State.DELIVERED
        attachment = Message.objects.get(pk=delivered.message_id).attachments.get()
        assert attachment.quarantine == "scan_failed"
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_phishing_is_suspended_and_suspicious_mail_carries_its_reasons(smtp, make_user):
    """The analyser in the pipe: a look-alike of a brand with a credential form and a
    free-mail reply address is held; a message with one strong sign becomes a ticket
    whose banner says why."""
    sender = f"security@{mailkit.FREEMAIL}"
    form = ("<p>Your PayPal account is limited. Verify your account within 24 hours.</p>"
            "<form action='http://198.51.100.7/login'><input name=email>"
            "<input type=password name=pw></form>"
            "<a href='http://paypa1-secure-login.test/verify'>www.paypal.com</a>")
    raw = mailkit.message(sender=sender, to=SUPPORT, name="PayPal Security",
                          subject="Your account is limited", body="Verify now.",
                          sign_domain=mailkit.FREEMAIL, html=form,
                          headers={"Reply-To": "paypal.help@gmail.com"})
    assert _send(smtp, raw, mail_from=sender)[0] == 250
    held = InboundMail.objects.get()
    assert held.checks["phishing"]["verdict"] == "phishing", held.checks["phishing"]
    assert held.state == State.SUSPENDED and held.reason == "phishing"
    assert not Ticket.objects.exists()
    # One strong sign only: an HTML page attached, from an ordinary sender.
    page = ("statement.html", "text/html", b"<html><body>Your statement</body></html>")
    raw = _signed(attachments=(page,), subject="My statement")
    assert _send(smtp, raw, mail_from=ADA)[0] == 250
    mail = InboundMail.objects.order_by("-id").first()
    assert mail.checks["phishing"]["verdict"] == "suspicious", mail.checks["phishing"]
    assert mail.state == State.DELIVERED
    shown = banners.for_messages([mail.message_id])[mail.message_id]
    assert any("rates this message suspicious" in w for w in shown)
    assert "@" not in str(mail.checks["phishing"]["reasons"])


def test_a_new_address_with_a_customers_name_is_recognised_without_reading_names(
        smtp, make_customer):
    """The gateway asks the name-claim hash, never a readable name; the reason kept in
    clear names neither the customer nor the address."""
    make_customer(full_name="Grace Hopper", email=ADA)
    impostor = f"grace.hopper.2026@{mailkit.FREEMAIL}"
    raw = mailkit.message(sender=impostor, to=SUPPORT, name="GRACE  hopper",
                          sign_domain=mailkit.FREEMAIL, subject="Invoice copies",
                          body="Hi, can you send me copies of our last invoices and the card "
                               "on file? Our accountant needs them today.")
    assert _send(smtp, raw, mail_from=impostor)[0] == 250
    mail = InboundMail.objects.get()
    signals = {r[0] for r in mail.checks["phishing"]["reasons"]}
    assert {"customer_name_new_address", "account_change_request"} <= signals
    assert mail.checks["phishing"]["verdict"] in ("suspicious", "phishing")
    assert "grace" not in json.dumps(mail.checks).lower()
    # Someone else's name from a new address is not a claim.
    InboundMail.objects.all().delete()
    raw = mailkit.message(sender=impostor, to=SUPPORT, name="Alan Turing",
                          sign_domain=mailkit.FREEMAIL, subject="Hello", body="Hello there.")
    assert _send(smtp, raw, mail_from=impostor)[0] == 250
    signals = {r[0] for r in InboundMail.objects.get().checks["phishing"]["reasons"]}
    assert "customer_name_new_address" not in signals


def test_spam_is_held_with_its_reason_and_no_ticket(smtp):
    raw = _signed(subject="Rank your website",
                  body="We offer SEO services to get you on the first page of Google and "
                       "increase your website traffic.")
    assert _send(smtp, raw, mail_from=ADA)[0] == 250
    held = InboundMail.objects.get()
    assert held.checks["phishing"]["verdict"] == "spam", held.checks["phishing"]
    assert held.state == State.SUSPENDED and held.reason == "spam"
    assert not Ticket.objects.exists()


def test_a_reply_to_a_merged_ticket_lands_where_its_conversation_went(smtp, make_customer,
                                                                     system):
    from trustdesk.tickets import merge

    make_customer(full_name="Ada Lovelace", email=ADA)
    _send(smtp, _signed(subject="First"), mail_from=ADA)
    _send(smtp, _signed(subject="Second"), mail_from=ADA)
    older, newer = Ticket.objects.order_by("pk")
    merge.tickets_merge(actor=system, target_id=newer.pk, source_ids=[older.pk])
    tagged = addresses.ticket_address(SUPPORT, older.pk)
    answer = mailkit.message(sender=ADA, to=tagged, subject="Re: First",
                             body="Any news?", sign_domain=mailkit.SENDER_DOMAIN)
    assert _send(smtp, answer, mail_from=ADA, to=(tagged,))[0] == 250
    assert Ticket.objects.count() == 2  # no new ticket, and the closed one stays closed
    assert newer.messages.count() == 3 and older.messages.count() == 0
    from trustdesk.tickets import selectors

    bodies = [m.body for m in selectors.ticket_get(actor=system, ticket_id=newer.pk).messages]
    assert bodies[-1] == "Any news?"


def test_whom_the_customer_copied_gets_the_reply_too(smtp, settings, make_customer,
                                                    make_user, as_actor):
    """A customer copies a colleague: the copy is kept sealed on the ticket, and the
    agent's reply goes to both, Cc signed by DKIM, envelope to both."""
    import email
    import email.policy

    from mail_outbound import SmtpSink, use_relay
    from trustdesk.mailgateway import routes
    from trustdesk.tickets import cc
    from trustdesk.tickets import services as tickets

    team = Route.objects.get().team
    Route.objects.all().delete()
    routes.route_create(actor=as_actor(make_user("admin")), address=SUPPORT,
                        name="Acme Support", team_id=team.pk)
    make_customer(full_name="Ada Lovelace", email=ADA)
    boss = f"boss@{mailkit.SENDER_DOMAIN}"
    raw = _signed(headers={"Cc": f"Boss <{boss}>, {SUPPORT}"})
    assert _send(smtp, raw, mail_from=ADA)[0] == 250
    ticket = Ticket.objects.get()
    assert cc.addresses(ticket) == [boss]
    agent = as_actor(make_user("agent", teams=[team]))
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        tickets.ticket_reply(actor=agent, ticket_id=ticket.pk, body="On its way.")
        run_pending()
    [sent] = sink.received
    assert sorted(sent.rcpt_tos) == sorted([ADA, boss])
    reply = email.message_from_bytes(sent.data, policy=email.policy.default)
    assert [a.addr_spec for a in reply["Cc"].addresses] == [boss]
    signature = reply["DKIM-Signature"]
    assert "cc" in signature.split("h=")[1].split(";")[0].lower()


def _html_only(*, subject: str, markup: str, headers: dict, attachments=()) -> bytes:
    """A customer's signed mail whose only text is an HTML part."""
    import email.policy
    from email.message import EmailMessage
    from email.utils import make_msgid

    import dkim

    from mailgateway.signing import key

    msg = EmailMessage()
    msg["From"] = f"Ada Lovelace <{ADA}>"
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=mailkit.SENDER_DOMAIN)
    for name, value in headers.items():
        msg[name] = value
    msg.set_content(markup, subtype="html")
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    raw = msg.as_bytes(policy=email.policy.SMTP)
    pem, _ = key()
    return dkim.sign(raw, b"sel", mailkit.SENDER_DOMAIN.encode(), pem,
                     include_headers=[b"from", b"to", b"subject", b"message-id"]) + raw


def test_intake_redacts_the_subject_the_html_made_text_and_the_files_and_shows_a_reply_to(
        smtp, make_customer, system):
    """The intake redaction applies to mail as to every channel: the subject, the body
    (here an HTML part, sanitised to text: no markup, scripts or styles) and a text
    attachment keep no card number; a Reply-To elsewhere than the sender is on the
    agent's banner."""
    from trustdesk.tickets import selectors

    make_customer(full_name="Ada Lovelace", email=ADA)
    markup = ("<html><head><style>p { color: red }</style>"
              "<script>document.location='http://x.test/'</script></head>"
              "<body><p>Please refund my card <b>4111 1111 1111 1111</b>.</p></body></html>")
    raw = _html_only(subject="Refund to 4111 1111 1111 1111", markup=markup,
                     headers={"Reply-To": f"someone@{mailkit.FREEMAIL}"},
                     attachments=(("statement.txt", "text/plain",
                                   b"Card: 4111111111111111\nAmount: 12.00\n"),))
    assert _send(smtp, raw, mail_from=ADA)[0] == 250
    mail = InboundMail.objects.get()
    assert mail.state == State.DELIVERED, (mail.reason, mail.reason_text)
    ticket = Ticket.objects.get(pk=mail.ticket_id)
    card = "4111111111111111"
    assert card not in ticket.subject.replace(" ", "") and ticket.subject.startswith("Refund")
    [message] = selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages
    assert "Please refund my card" in message.body
    assert card not in message.body.replace(" ", "") and "[card " in message.body
    for left_out in ("<", "color", "document.location"):
        assert left_out not in message.body
    [attachment] = Message.objects.get(pk=mail.message_id).attachments.all()
    content = selectors.attachment_get(actor=system, attachment_id=attachment.pk).content
    assert b"Amount: 12.00" in content and card.encode() not in content
    shown = banners.for_messages([mail.message_id])[mail.message_id]
    assert "The reply-to differs from the sender: a reply would go elsewhere." in shown
    assert f"someone@{mailkit.FREEMAIL}" not in json.dumps(mail.checks)  # no address kept


def test_a_mail_loop_is_set_aside(smtp):
    hops = b"".join(b"Received: from mx%d.customer.test by mx%d.customer.test; "
                    b"Thu, 3 Dec 2026 10:00:00 +0000\r\n" % (n, n + 1) for n in range(31))
    assert _send(smtp, hops + _signed(), mail_from=ADA)[0] == 250
    mail = InboundMail.objects.get()
    assert mail.state == State.IGNORED and mail.reason == "loop"
    assert mail.raw_sealed is None and not Ticket.objects.exists()


def test_a_bounce_of_a_reply_marks_it_and_opens_no_ticket(smtp, settings, make_customer,
                                                           make_user, as_actor):
    """A delivery report (RFC 3464) to a reply's bounce address, over SMTP: set aside,
    the reply marked bounced, the agent told in a note — no ticket, no message to the
    customer's conversation."""
    import dkim

    from mail_outbound import SmtpSink, use_relay
    from mailgateway.signing import key
    from trustdesk.mailgateway import routes
    from trustdesk.mailgateway.models import OutboundMail
    from trustdesk.tickets import services as tickets
    from trustdesk.tickets.models import Direction

    team = Route.objects.get().team
    Route.objects.all().delete()
    routes.route_create(actor=as_actor(make_user("admin")), address=SUPPORT,
                        name="Acme Support", team_id=team.pk)
    make_customer(full_name="Ada Lovelace", email=ADA)
    assert _send(smtp, _signed(), mail_from=ADA)[0] == 250
    ticket = Ticket.objects.get()
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        tickets.ticket_reply(actor=as_actor(make_user("agent", teams=[team])),
                             ticket_id=ticket.pk, body="On its way.")
        run_pending()
    bounce_to = sink.received[0].mail_from
    report = (
        f"From: Mail Delivery System <MAILER-DAEMON@{mailkit.SENDER_DOMAIN}>\r\n"
        f"To: {bounce_to}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn.1@{mailkit.SENDER_DOMAIN}>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n"
        "\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.{mailkit.SENDER_DOMAIN}\r\n\r\n"
        f"Final-Recipient: rfc822; {ADA}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "\r\n--b--\r\n").encode()
    pem, _ = key()
    report = dkim.sign(report, b"sel", mailkit.SENDER_DOMAIN.encode(), pem,
                       include_headers=[b"from", b"to", b"subject", b"message-id"]) + report
    notes = ticket.messages.filter(direction=Direction.NOTE).count()
    assert _send(smtp, report, mail_from="", to=(bounce_to,))[0] == 250
    dsn = InboundMail.objects.order_by("-id").first()
    assert dsn.state == State.IGNORED and dsn.reason == "bounce"
    sent = OutboundMail.objects.get()
    assert sent.state == OutboundMail.State.BOUNCED and sent.last_error == "bounced: 5.1.1"
    assert Ticket.objects.count() == 1
    assert ticket.messages.filter(direction=Direction.INBOUND).count() == 1
    assert ticket.messages.filter(direction=Direction.NOTE).count() == notes + 1


def test_the_console_test_button_shows_each_verdict(smtp, settings, system, make_user,
                                                    console_client):
    from trustdesk.mailgateway import routes

    admin = make_user("admin", mfa=True)
    Route.objects.all().delete()
    route = routes.route_create(actor=system, address=SUPPORT, name="Acme Support")
    settings.SMTPD_LISTEN = ("127.0.0.1", smtp.port)
    smtp.zone.txt(f"{route.dkim_selector}._domainkey.{mailkit.COMPANY}",
                  f"v=DKIM1; k=rsa; p={route.dkim_public}")
    client = console_client(admin)
    response = client.post(f"/mail/routes/{route.pk}/test/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-route-test" in page and ">accepted<" in page and "250 2.0.0 Queued as" in page
    for verdict in ("spf", "dkim", "dmarc", "authenticated"):
        assert f'<th scope="row">{verdict}</th>' in page
    # Refused (the company's SPF no longer names this server and its key is gone from
    # DNS: its own p=reject), the page says so and why.
    smtp.zone.records.pop((mailkit.COMPANY, "TXT"))
    smtp.zone.records.pop((f"{route.dkim_selector}._domainkey.{mailkit.COMPANY}", "TXT"))
    page = client.post(f"/mail/routes/{route.pk}/test/").content.decode()
    assert ">refused<" in page and "550" in page
    assert f"failed DMARC for {mailkit.COMPANY}" in page
    assert client.get(f"/mail/routes/{route.pk}/test/").status_code == 405
    assert console_client(make_user("agent")).post(
        f"/mail/routes/{route.pk}/test/").status_code == 403
    assert not Ticket.objects.exists()
