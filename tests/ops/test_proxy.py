"""Behind a TLS proxy: the client's address comes from X-Forwarded-For, but only as far
as the listed proxies vouch for it; everyone else's header is ignored."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import Client, RequestFactory

from trustdesk.audit.models import AuditEvent
from trustdesk.core.proxy import ForwardedForMiddleware, client_address

PROXIES = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("fd00::/8"))


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = PROXIES


@pytest.mark.parametrize(("remote", "forwarded", "client"), [
    ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
    # What the client wrote itself, left of what the proxy appended, is ignored.
    ("10.0.0.2", "127.0.0.1, 198.51.100.1, 203.0.113.7", "203.0.113.7"),
    ("10.0.0.2", "203.0.113.7, 10.0.0.3", "203.0.113.7"),  # two proxies
    ("10.0.0.2", "unknown, 203.0.113.7", "203.0.113.7"),
    ("10.0.0.2", "203.0.113.7, not-an-address", "10.0.0.2"),
    ("10.0.0.2", "", "10.0.0.2"),
    ("fd00::1", "2001:db8::9", "2001:db8::9"),
    ("::ffff:10.0.0.2", "203.0.113.7", "203.0.113.7"),
    # Not from a proxy: the header is whatever the client liked to write.
    ("198.51.100.4", "203.0.113.7", "198.51.100.4"),
    ("10.0.1.2", "203.0.113.7", "10.0.1.2"),
])
def test_the_client_is_the_first_address_no_trusted_proxy_vouches_past(
        proxies, remote, forwarded, client):
    assert client_address(remote, forwarded) == client


def _seen(**meta) -> dict:
    seen = {}

    def view(request):
        seen.update(request.META)
        return None
    ForwardedForMiddleware(view)(RequestFactory().get("/", **meta))
    return seen


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = ()
    seen = _seen(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7",
                 HTTP_X_FORWARDED_PROTO="https")
    assert seen["REMOTE_ADDR"] == "10.0.0.2" and seen["HTTP_X_FORWARDED_PROTO"] == "https"


def test_only_a_trusted_proxy_may_say_the_request_was_https(proxies):
    assert _seen(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https")[
        "HTTP_X_FORWARDED_PROTO"] == "https"
    assert "HTTP_X_FORWARDED_PROTO" not in _seen(REMOTE_ADDR="198.51.100.4",
                                                 HTTP_X_FORWARDED_PROTO="https")


@pytest.mark.django_db
def test_a_failed_sign_in_is_audited_with_the_clients_address(proxies, make_user):
    user = make_user("agent")
    Client().post("/accounts/login/", {"login": user.email, "password": "wrong password"},
                  REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    [event] = AuditEvent.objects.filter(action="auth.login_failed")
    assert event.ip == "203.0.113.7"
