"""Replies by email, end to end over a real socket: an agent's stored reply is built,
DKIM-signed, sealed, queued and sent by the job to an SMTP server on 127.0.0.1, where the
signature still verifies against the route's published record. Refusals (5xx) fail the
mail for good; a relay that is down is retried; nothing goes out that cannot be done
right."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email import policy as email_policy

import dkim
import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mail_outbound import SmtpSink, email_ticket, free_port, use_relay
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers.models import CustomerField
from trustdesk.jobs.worker import run_pending
from trustdesk.mailgateway import addresses, outbound, references, routes
from trustdesk.mailgateway.jobs import send_outbound
from trustdesk.mailgateway.models import MessageRef, OutboundMail
from trustdesk.tickets import services as tickets
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Direction, Message, Ticket
from trustdesk.vault import keys, providers
from trustdesk.vault.errors import VaultError

pytestmark = pytest.mark.django_db
FIRST, SECOND = "<first.123@mail.example.org>", "<second.456@mail.example.org>"


@pytest.fixture
def team(make_team):
    return make_team()


@pytest.fixture
def agent(make_user, as_actor, team):
    return as_actor(make_user("agent", teams=[team]))


@pytest.fixture
def route(system, team):
    return routes.route_create(actor=system, address="support@example.com",
                               name="Example Support", team_id=team.pk, dkim_selector="s1")


@pytest.fixture
def customer(make_customer):
    return make_customer(full_name="Ada Lovelace", email="ada@example.org")


@pytest.fixture
def ticket(route, customer, team):
    return email_ticket(route, customer, team=team, message_ids=(FIRST, SECOND))


def reply(agent, ticket, body="Your parcel left our warehouse today.", **kwargs):
    message = tickets.ticket_reply(actor=agent, ticket_id=ticket.pk, body=body, **kwargs)
    return outbound.mail_reply_queue(actor=agent, message_id=message.pk)


def dns_of(route):
    record = routes.dns_record(route).split(" TXT ", 1)[1].strip('"').encode()
    name = f"{route.dkim_selector}._domainkey.example.com.".encode()
    return lambda qname, timeout=5: record if qname == name else None


def parsed(data: bytes):
    return message_from_bytes(data, policy=email_policy.default)


def test_a_reply_goes_out_signed_threaded_and_only_to_the_customer(settings, agent, route,
                                                                   ticket, customer):
    mail = reply(agent, ticket)
    assert mail.state == OutboundMail.State.QUEUED and mail.dkim_selector == "s1"
    assert b"parcel" not in bytes(mail.mime_sealed)  # sealed, not in clear
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    [received] = sink.received
    assert received.rcpt_tos == ["ada@example.org"]
    assert received.mail_from == addresses.bounce_address(route.address, mail.uid)
    # The receiving end verifies the signature over the bytes as they arrived.
    assert dkim.verify(received.data, dnsfunc=dns_of(route))
    assert b"warehouse" in received.data  # and a changed byte breaks it:
    assert not dkim.verify(received.data.replace(b"warehouse", b"warehousE"),
                           dnsfunc=dns_of(route))
    message = parsed(received.data)
    assert message["From"] == "Example Support <support@example.com>"
    assert message.get_all("To") == ["ada@example.org"]
    assert message["Cc"] is None and message["Bcc"] is None
    assert message["Subject"] == f"Re: Where is my parcel? [#{ticket.pk}]"
    reply_to = message["Reply-To"].addresses[0].addr_spec
    assert addresses.parse_ticket_address(reply_to, [route.address]) == ticket.pk
    assert message["Message-ID"] == mail.message_id_header
    assert mail.message_id_header.endswith("@example.com>")
    assert message["In-Reply-To"] == SECOND
    assert message["References"].split() == [FIRST, SECOND]
    signature = message["DKIM-Signature"]
    for header in ("from", "to", "subject", "message-id", "in-reply-to", "references",
                   "reply-to"):
        assert header in signature.split("h=", 1)[1].split(";")[0]
    assert "warehouse today" in message.get_body().get_content()
    mail.refresh_from_db()
    assert mail.state == OutboundMail.State.SENT and mail.attempts == 1 and mail.sent_at
    # Its own Message-ID joins the conversation, for the customer's answer to find it.
    ref = MessageRef.objects.get(digest=references.digest(mail.message_id_header))
    assert ref.outbound and ref.ticket_id == ticket.pk
    queued = AuditEvent.objects.get(action="mail.outbound.queue")
    assert queued.context["dkim"] == "s1" and queued.context["ticket"] == ticket.pk
    assert queued.actor_label == agent.label
    assert AuditEvent.objects.filter(action="mail.outbound.sent",
                                     object_id=str(mail.pk)).exists()


def test_the_next_reply_threads_on_the_customers_latest_message(settings, agent, route,
                                                                ticket, customer):
    first = reply(agent, ticket)
    third = "<third.789@mail.example.org>"
    references.remember(ticket_id=ticket.pk, customer_id=customer.id, message_id=third,
                        outbound=False)
    second = reply(agent, ticket, body="One more thing about your parcel.")
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    by_id = {parsed(r.data)["Message-ID"]: parsed(r.data) for r in sink.received}
    later = by_id[second.message_id_header]
    assert later["In-Reply-To"] == third
    assert later["References"].split() == [FIRST, SECOND, first.message_id_header, third]


def test_attachments_go_along_except_quarantined_ones(settings, agent, route, ticket):
    mail = reply(agent, ticket, attachments=[
        NewAttachment("label.txt", "text/plain", b"Tracking: ZX123\n"),
        NewAttachment("blob.txt", "text/plain", b"\xff\xfe\x00\x01 not text")])
    message = Message.objects.get(pk=mail.message_id)
    assert sorted(a.quarantined for a in message.attachments.all()) == [False, True]
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    [received] = sink.received
    assert dkim.verify(received.data, dnsfunc=dns_of(route))
    files = {p.get_filename(): p.get_content() for p in parsed(received.data).iter_attachments()}
    assert files == {"label.txt": "Tracking: ZX123\n"}


def test_a_subject_with_cr_lf_stays_one_header(settings, agent, route, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(
        subject="Hello\r\nBcc: victim@evil.example\r\n\r\nInjected body")
    reply(agent, ticket)
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    [received] = sink.received
    assert received.rcpt_tos == ["ada@example.org"]
    message = parsed(received.data)
    assert message.get_all("Subject") == [
        f"Re: Hello Bcc: victim@evil.example Injected body [#{ticket.pk}]"]
    assert message["Bcc"] is None and b"\r\nBcc:" not in received.data
    assert "Injected body" not in message.get_body().get_content()
    assert dkim.verify(received.data, dnsfunc=dns_of(route))


def test_the_reply_guard_and_the_redaction_apply_before_anything_is_emailed(
        settings, agent, route, ticket):
    from trustdesk.tickets.errors import ReplyBlocked

    with pytest.raises(ReplyBlocked):
        tickets.ticket_reply(actor=agent, ticket_id=ticket.pk,
                             body="Please send us your password so we can check.")
    assert not OutboundMail.objects.exists()
    reply(agent, ticket, body="We refunded the card 4111 1111 1111 1111 today.")
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    [received] = sink.received  # the blocked reply never went out
    text = parsed(received.data).get_body().get_content()
    assert "We refunded the card" in text and "today." in text
    for sent in (text, received.data.decode("utf-8", "replace")):
        assert "4111111111111111" not in sent.replace(" ", "").replace("=\r\n", "")
    assert dkim.verify(received.data, dnsfunc=dns_of(route))


def test_the_subject_gets_one_prefix_and_one_tag():
    assert outbound.reply_subject("Re: RE:aw: Parcel [#7]", 7) == "Re: Parcel [#7]"
    assert outbound.reply_subject("Parcel [#8]", 7) == "Re: Parcel [#8] [#7]"
    assert outbound.reply_subject("Re:", 7) == "Re: [#7]"
    assert outbound.reply_subject("Are you there?", 7) == "Re: Are you there? [#7]"


def test_one_line_removes_every_control_character():
    assert outbound.one_line("a\rb\nc\x00d\x1be\x7f f") == "a b c d e f"
    assert "\n" not in outbound.one_line("x\r\n\r\ny")


def test_the_relay_refusing_fails_the_mail_for_good(settings, agent, route, ticket):
    mail = reply(agent, ticket)
    with SmtpSink(rcpt_reply="550 5.1.1 <ada@example.org>: no such user") as sink:
        use_relay(settings, sink.port)
        run_pending()
        run_pending()  # nothing left to run: it is not retried
    assert sink.received == []
    mail.refresh_from_db()
    assert mail.state == OutboundMail.State.FAILED and mail.attempts == 1
    assert mail.last_error == "refused: 550 5.1.1"  # the codes, never the address
    job = DBTaskResult.objects.get(task_path=send_outbound.module_path)
    assert job.status == "FAILED" and len(job.worker_ids) == 1
    event = AuditEvent.objects.get(action="mail.outbound.failed")
    assert event.context["error"] == "refused: 550 5.1.1"


def test_a_relay_that_is_down_is_retried_then_delivers(settings, agent, route, ticket):
    mail = reply(agent, ticket)
    port = free_port()  # nothing listens there yet
    use_relay(settings, port)
    run_pending()
    mail.refresh_from_db()
    assert mail.state == OutboundMail.State.QUEUED and mail.attempts == 1
    assert mail.last_error.startswith("deferred: ConnectionRefusedError")
    job = DBTaskResult.objects.get(task_path=send_outbound.module_path)
    assert job.status == "READY" and job.run_after > timezone.now()
    job.run_after = timezone.now() - dt.timedelta(seconds=1)
    job.save(update_fields=["run_after"])
    with SmtpSink(port=port) as sink:
        run_pending()
    assert len(sink.received) == 1
    mail.refresh_from_db()
    assert mail.state == OutboundMail.State.SENT and mail.attempts == 2


def test_a_4xx_deferral_on_the_last_attempt_fails_the_mail(settings, agent, route, ticket):
    mail = reply(agent, ticket)
    job = DBTaskResult.objects.get(task_path=send_outbound.module_path)
    job.worker_ids = ["earlier"] * 9  # nine attempts already made of ten
    job.save(update_fields=["worker_ids"])
    with SmtpSink(rcpt_reply="451 4.7.1 try again later") as sink:
        use_relay(settings, sink.port)
        run_pending()
    mail.refresh_from_db()
    assert mail.state == OutboundMail.State.FAILED
    assert mail.last_error == "retries ran out: 451 4.7.1"
    assert DBTaskResult.objects.get(pk=job.pk).status == "FAILED"


def test_a_route_without_a_key_sends_unsigned_and_says_so(settings, agent, system, route,
                                                         ticket, caplog):
    routes.route_update(actor=system, route_id=route.pk, dkim_selector="")
    mail = reply(agent, ticket)
    assert mail.dkim_selector == ""
    assert "unsigned" in caplog.text
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    [received] = sink.received
    assert parsed(received.data)["DKIM-Signature"] is None
    assert AuditEvent.objects.get(action="mail.outbound.queue").context["dkim"] == "unsigned"


def test_no_email_on_file_refuses_the_reply_whole(agent, ticket, customer):
    CustomerField.objects.filter(customer_id=customer.id, name="email").delete()
    before = Message.objects.filter(ticket=ticket).count()
    # The reply and its mail in one transaction, as the reply flow runs them.
    with pytest.raises(outbound.MailNotQueued, match="no usable email address"), \
            transaction.atomic():
        reply(agent, ticket)
    assert Message.objects.filter(ticket=ticket).count() == before
    assert not OutboundMail.objects.exists()


def test_a_vault_failure_queues_nothing(settings, agent, ticket):
    before = ticket.messages.count()
    kek = settings.DATA_DIR / "kek.json"
    kek.chmod(0o644)  # a key file whose permissions were widened: the provider refuses
    providers.reset()
    keys.forget()
    try:
        with pytest.raises(VaultError):
            tickets.ticket_reply(actor=agent, ticket_id=ticket.pk, body="On its way.")
    finally:
        kek.chmod(0o600)
        providers.reset()
        keys.forget()
    assert ticket.messages.count() == before  # neither the reply nor its mail
    assert not OutboundMail.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=send_outbound.module_path).exists()


def test_only_email_replies_are_emailed_and_only_once(agent, ticket, make_ticket, team):
    note = tickets.ticket_reply(actor=agent, ticket_id=ticket.pk, body="Internal.",
                                internal=True)
    assert outbound.mail_reply_queue(actor=agent, message_id=note.pk) is None
    web = make_ticket(team=team)
    answer = tickets.ticket_reply(actor=agent, ticket_id=web.pk, body="Hello.")
    assert outbound.mail_reply_queue(actor=agent, message_id=answer.pk) is None
    mail = reply(agent, ticket)
    assert outbound.mail_reply_queue(actor=agent, message_id=mail.message_id) == mail
    assert OutboundMail.objects.count() == 1


def test_who_may_queue(agent, ticket, make_user, as_actor, make_team):
    message = tickets.ticket_reply(actor=agent, ticket_id=ticket.pk, body="Hi.")
    stranger = as_actor(make_user("agent", teams=[make_team()]))
    with pytest.raises(NotFound):
        outbound.mail_reply_queue(actor=stranger, message_id=message.pk)
    with pytest.raises(PermissionDenied):
        outbound.mail_reply_queue(actor=as_actor(make_user("security_officer")),
                                  message_id=message.pk)


def test_a_bounce_marks_the_mail_and_tells_the_agent(settings, agent, route, ticket):
    from trustdesk.mailgateway.bounces import bounce_received, mail_for_bounce_address

    mail = reply(agent, ticket)
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    bounce_to = sink.received[0].mail_from
    assert mail_for_bounce_address(bounce_to.upper()) == mail
    moved = bounce_to.replace("support+", "sales+")
    assert addresses.parse_bounce_address(moved) == mail.uid
    assert mail_for_bounce_address(moved) is None  # not the address it went out from
    assert mail_for_bounce_address("support@example.com") is None
    uid = mail.uid
    notes = Message.objects.filter(ticket=ticket, direction=Direction.NOTE).count()
    assert bounce_received(uid, "4.4.7", "delayed").state == OutboundMail.State.SENT
    bounced = bounce_received(uid, "5.1.1", "550 5.1.1 <ada@example.org> user unknown")
    assert bounced.state == OutboundMail.State.BOUNCED
    assert bounced.last_error == "bounced: 5.1.1"
    assert Message.objects.filter(ticket=ticket, direction=Direction.NOTE).count() == notes + 2
    event = AuditEvent.objects.get(action="mail.outbound.bounce")
    assert event.context == {"ticket": ticket.pk, "status": "5.1.1", "route": route.pk}
    assert "ada@example.org" not in str(event.detail)
    assert AuditEvent.objects.filter(action="mail.outbound.delay").count() == 1
    assert bounce_received(uid, "5.1.1", "again").state == OutboundMail.State.BOUNCED
    assert AuditEvent.objects.filter(action="mail.outbound.bounce").count() == 1
    assert bounce_received("not-a-uid", "5.1.1") is None


def test_a_data_key_rotation_re_seals_the_queued_mail_and_the_message_ids(
        settings, agent, route, ticket, customer):
    from trustdesk.vault import rotation, version_of
    from trustdesk.vault.providers import keystore

    mail = reply(agent, ticket)
    rotation.rotate_data(grace_seconds=0)
    [only] = keystore().versions(f"customer:{customer.id}")
    mail.refresh_from_db()
    assert version_of(bytes(mail.mime_sealed)) == only.version == 2
    assert {version_of(bytes(r.header_sealed)) for r in MessageRef.objects.all()} == {2}
    keys.forget()
    assert references.thread(ticket_id=ticket.pk, customer_id=customer.id)[0] == SECOND
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    assert len(sink.received) == 1 and dkim.verify(sink.received[0].data,
                                                   dnsfunc=dns_of(route))


def test_a_mail_whose_customer_was_shredded_fails_at_once(settings, agent, ticket, customer):
    from trustdesk import vault

    mail = reply(agent, ticket)
    vault.shred(f"customer:{customer.id}")
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    assert sink.received == []
    mail.refresh_from_db()
    assert mail.state == OutboundMail.State.FAILED
    assert mail.last_error == "could not send: SubjectErased"
    assert DBTaskResult.objects.get(task_path=send_outbound.module_path).status == "FAILED"
