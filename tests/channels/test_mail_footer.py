"""Mail to customers ends with a short footer: what we never ask for and where the
official channels are listed. It is signed with the rest: DKIM still verifies."""

from __future__ import annotations

import dkim
import pytest

from mail_outbound import SmtpSink, email_ticket, use_relay
from trustdesk.channels import services as channels
from trustdesk.jobs.worker import run_pending
from trustdesk.mailgateway import footer, outbound, routes
from trustdesk.tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def route(system, make_team):
    return routes.route_create(actor=system, address="support@example.com",
                               name="Example Support", team_id=make_team().pk,
                               dkim_selector="s1")


def _dns(route):
    record = routes.dns_record(route).split(" TXT ", 1)[1].strip('"').encode()
    name = f"{route.dkim_selector}._domainkey.example.com.".encode()
    return lambda qname, timeout=5: record if qname == name else None


def _send(settings, route, make_customer, make_user, as_actor):
    customer = make_customer(full_name="Ada Lovelace", email="ada@example.org")
    ticket = email_ticket(route, customer, team=route.team, message_ids=("<a.1@x.example>",))
    agent = as_actor(make_user("agent", teams=[route.team]))
    message = tickets.ticket_reply(actor=agent, ticket_id=ticket.pk,
                                   body="Your parcel left our warehouse today.")
    outbound.mail_reply_queue(actor=agent, message_id=message.pk)
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    [received] = sink.received
    return received, message


def test_a_reply_carries_the_footer_and_its_signature_verifies(
        settings, route, make_customer, make_user, as_actor, system):
    settings.PUBLIC_URL = "https://help.example.com"
    channels.channel_create(actor=system, kind="email", value="support@example.com",
                            never_asks=["remote_access"])
    received, message = _send(settings, route, make_customer, make_user, as_actor)
    assert dkim.verify(received.data, dnsfunc=_dns(route))
    from email import message_from_bytes
    from email import policy as email_policy

    body = message_from_bytes(received.data, policy=email_policy.default).get_body() \
        .get_content().replace("\r\n", "\n")
    assert body.startswith("Your parcel left our warehouse today.\n\n-- \n")
    assert ("We will never ask you for passwords, full card numbers, card security codes, "
            "one-time or sign-in codes, PINs or remote access to your device."
            in body)
    assert "https://help.example.com/trust/#channels" in body
    message.refresh_from_db()
    assert "trust/#channels" not in message.body  # the conversation keeps the reply only


@pytest.mark.parametrize("public", [
    "", "javascript:alert(1)", "https://help.example.com\r\nBcc: x@evil.example",
    "https://help.example.com/<b>", "https://help.example.com/ \"x\"",
])
def test_without_a_clean_public_url_the_footer_gives_no_link(settings, public):
    settings.PUBLIC_URL, settings.CONSOLE_URL = public, ""
    text = footer.text()
    assert "We will never ask you for passwords" in text
    assert "http" not in text and "\r" not in text and "Bcc" not in text
    settings.CONSOLE_URL = "https://desk.example.com/"
    assert "https://desk.example.com/trust/#channels" in footer.text()


def test_the_survey_mail_carries_the_footer(settings, route, make_customer, system):
    from trustdesk.mailgateway import surveys
    from trustdesk.tickets.models import Survey

    settings.CONSOLE_URL = "https://desk.example.com"
    customer = make_customer(email="ada@example.org")
    ticket = email_ticket(route, customer, team=route.team, message_ids=("<b.1@x.example>",))
    sent = surveys.queue_survey(Survey.objects.create(ticket=ticket))
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        run_pending()
    [received] = sink.received
    assert sent is not None and dkim.verify(received.data, dnsfunc=_dns(route))
    assert b"https://desk.example.com/trust/#channels" in received.data.replace(b"=\r\n", b"")
