"""Signing in to the portal by a link to the address on file: no enumeration, links
single-use and short-lived and kept only as a keyed hash, confirmed only by a POST, rate
limits, and a portal session that is neither a staff session nor granted by one."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.test import Client

from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.customers import portal as signin
from trustdesk.customers import verified
from trustdesk.customers.models import CallerFactor, PortalLink

from .conftest import link_in

pytestmark = pytest.mark.django_db


def _ask(client, email, **extra):
    return client.post("/help/", {"email": email}, **extra)


def _visible(response) -> str:
    # The page without its CSRF token (which differs per client).
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_answer_is_the_same_for_a_customer_and_a_stranger(make_customer):
    customer = make_customer(email="known@example.org")
    known = _ask(Client(), "known@example.org")
    unknown = _ask(Client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert _visible(known) == _visible(unknown)
    assert "known@example.org" not in known.content.decode()
    # Only the customer's address on file got anything.
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
    assert customer.id
    assert PortalLink.objects.count() == 1


def test_the_answer_takes_as_long_either_way(make_customer, settings):
    settings.PORTAL_ANSWER_SECONDS = 0.3
    make_customer(email="timed@example.org")
    took = {}
    for email in ("timed@example.org", "stranger@example.org"):
        started = time.monotonic()
        _ask(Client(), email)
        took[email] = time.monotonic() - started
    assert all(t >= 0.3 for t in took.values()), took
    assert abs(took["timed@example.org"] - took["stranger@example.org"]) < 0.2, took


def test_the_link_goes_to_the_address_on_file_in_fixed_words(make_customer):
    customer = make_customer(email="Mixed.Case@Example.org")
    _ask(Client(), "  MIXED.case@example.ORG ")
    (message,) = mail.outbox
    assert message.to == [customer.profile["email"]]  # as stored, not as typed
    assert message.subject == "Your sign-in link"
    assert message.body.startswith("Someone asked to sign in to our customer portal")
    assert "expires in 15 minutes" in message.body


def test_the_link_is_kept_only_as_a_keyed_hash(make_customer):
    make_customer(email="hash@example.org")
    _ask(Client(), "hash@example.org")
    path = link_in(mail.outbox[0])
    nonce = path.rstrip("/").rsplit(".", 1)[1]
    link = PortalLink.objects.get()
    assert nonce not in link.secret and len(link.secret) == 64
    assert link.expires_at - link.created_at == dt.timedelta(minutes=15)


def test_a_get_signs_nobody_in_and_the_post_does_once(make_customer):
    customer = make_customer(email="once@example.org")
    _ask(Client(), "once@example.org")
    path = link_in(mail.outbox[0])
    scanner = Client()
    page = scanner.get(path)
    assert page.status_code == 200 and b"data-confirm" in page.content
    assert PortalLink.objects.get().used_at is None
    assert scanner.get("/help/").content.count(b"data-signin") == 1  # still signed out
    person = Client()
    response = person.post(path)
    assert response.status_code == 302
    assert response.cookies["trustdesk_portal"]["httponly"]
    assert response.cookies["trustdesk_portal"]["samesite"] == "Lax"
    home = person.get("/help/")
    assert b"data-tickets" in home.content or b"You have no requests" in home.content
    # Replayed: refused, by anyone.
    replay = Client().post(path)
    assert replay.status_code == 404
    assert "trustdesk_portal" not in replay.cookies
    assert AuditEvent.objects.filter(action="portal.signin",
                                     customer=str(customer.id)).count() == 1


def test_an_expired_or_mistyped_link_is_refused(make_customer):
    make_customer(email="late@example.org")
    _ask(Client(), "late@example.org")
    path = link_in(mail.outbox[0])
    PortalLink.objects.update(expires_at=clock.now() - dt.timedelta(seconds=1))
    assert Client().post(path).status_code == 404
    PortalLink.objects.update(expires_at=clock.now() + dt.timedelta(minutes=5))
    assert Client().post(path[:-3] + "x/").status_code == 404
    assert Client().post("/help/link/not-a-token/").status_code == 404
    assert Client().post(path).status_code == 302  # the real one still works


def test_signing_in_records_the_customers_own_email_factor(make_customer):
    customer = make_customer(email="factor@example.org")
    _ask(Client(), "factor@example.org")
    Client().post(link_in(mail.outbox[0]))
    factor = CallerFactor.objects.get(customer_id=customer.id)
    assert factor.user_id is None and factor.kind == "email"
    # The customer's own factor is theirs (level 1 in the portal); it gives no member
    # of staff anything, nor any other actor without a user.
    assert verified.state(Actor.customer(customer.id), customer.id).level == 1
    other = make_customer(email="other.factor@example.org")
    assert verified.state(Actor.customer(other.id), customer.id).level == 0
    assert verified.state(Actor.system("jobs"), customer.id).level == 0
    assert verified.state(Actor.anonymous("x"), customer.id).level == 0
    assert verified.verified_customers(Actor.customer(customer.id), [customer.id]) == set()


def test_requests_per_address_are_limited_silently(make_customer, settings):
    settings.PORTAL_LINKS_PER_ADDRESS = 2
    make_customer(email="flood@example.org")
    for n in range(5):
        response = _ask(Client(), "flood@example.org", REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert response.status_code == 200
    assert len(mail.outbox) == 2


def test_requests_per_client_address_and_in_total_are_limited(make_customer, settings):
    settings.PORTAL_LINKS_PER_IP = 3
    settings.PORTAL_LINKS_TOTAL = 5
    statuses = [_ask(Client(), f"a{n}@example.org", REMOTE_ADDR="198.51.100.7").status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    statuses = [_ask(Client(), f"b{n}@example.org", REMOTE_ADDR=f"203.0.113.{n}").status_code
                for n in range(3)]
    # The total: 3 counted above (the refused one was not), 5 answered, then no more.
    assert statuses == [200, 200, 429]


def test_sign_out_ends_the_session(make_customer, portal_client):
    customer = make_customer()
    client = portal_client(customer)
    assert client.get("/help/data/").status_code == 200
    assert client.post("/help/signout/").status_code == 302
    assert client.get("/help/data/").status_code == 302
    assert signin.session_actor("") is None


def test_a_staff_session_gives_no_portal_access(make_customer, make_user, console_client):
    customer = make_customer()
    staff = console_client(make_user("admin"))
    for url in ("/help/data/", "/help/new/", "/help/requests/new/"):
        response = staff.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/help/?")
    assert b"data-signin" in staff.get("/help/").content
    assert str(customer.id) not in staff.get("/help/").content.decode()


def test_a_portal_session_gives_no_staff_access(make_customer, portal_client):
    client = portal_client(make_customer())
    for url in ("/", "/tickets/", "/customers/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/tickets").status_code == 401


def test_the_session_cookie_is_secure_in_production(make_customer, settings):
    settings.SESSION_COOKIE_SECURE = True
    make_customer(email="secure@example.org")
    _ask(Client(), "secure@example.org")
    response = Client().post(link_in(mail.outbox[0]), secure=True)
    cookie = response.cookies["__Host-trustdesk_portal"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/"


def test_every_form_needs_its_csrf_token(make_customer):
    make_customer(email="csrf@example.org")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/help/", {"email": "csrf@example.org"}).status_code == 403
    assert strict.post("/help/contact/", {"email": "x@example.org"}).status_code == 403
    assert mail.outbox == []


def test_the_portal_has_a_strict_csp_and_no_script(make_customer):
    response = Client().get("/help/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
    assert b"<script" not in response.content
    assert b'<html lang="en">' in response.content
    assert b'<label for="id_email">' in response.content


def test_the_portal_in_chinese(make_customer, portal_client):
    page = Client().get("/help/?lang=zh-hans").content.decode()
    assert '<html lang="zh-hans">' in page and "登录客户门户" in page
    assert '<label for="id_email">您的电子邮件地址</label>' in page
    client = portal_client(make_customer())
    data = client.get("/help/data/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "我们持有的您的数据" in data
