"""The outbound relay's settings (config/mail.py): the SMTP backend once a relay is
named, TLS required off this machine, a bounded timeout, bad values stop startup."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from trustdesk.config.mail import SMTP_BACKEND, relay


def test_no_relay_leaves_django_alone():
    assert relay({}) == {}


def test_a_local_relay_without_tls():
    s = relay({"TRUSTDESK_SMTP_RELAY": "127.0.0.1:2526"})
    assert s["EMAIL_BACKEND"] == SMTP_BACKEND
    assert (s["EMAIL_HOST"], s["EMAIL_PORT"]) == ("127.0.0.1", 2526)
    assert not s["EMAIL_USE_TLS"] and not s["EMAIL_USE_SSL"] and s["EMAIL_TIMEOUT"] == 30


def test_a_remote_relay_uses_starttls_by_default_and_keeps_an_explicit_backend():
    s = relay({"TRUSTDESK_SMTP_RELAY": "smtp.example.net:587",
               "TRUSTDESK_SMTP_RELAY_USER": "desk", "TRUSTDESK_SMTP_RELAY_PASSWORD": "pw",
               "TRUSTDESK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
               "TRUSTDESK_SMTP_RELAY_TIMEOUT": "10"})
    assert s["EMAIL_USE_TLS"] and not s["EMAIL_USE_SSL"]
    assert (s["EMAIL_HOST_USER"], s["EMAIL_HOST_PASSWORD"]) == ("desk", "pw")
    assert s["EMAIL_BACKEND"].endswith("locmem.EmailBackend") and s["EMAIL_TIMEOUT"] == 10
    assert relay({"TRUSTDESK_SMTP_RELAY": "smtp.example.net:465",
                  "TRUSTDESK_SMTP_RELAY_TLS": "tls"})["EMAIL_USE_SSL"]


@pytest.mark.parametrize("env, name", [
    ({"TRUSTDESK_SMTP_RELAY": "smtp.example.net"}, "TRUSTDESK_SMTP_RELAY"),
    ({"TRUSTDESK_SMTP_RELAY": "x:25", "TRUSTDESK_SMTP_RELAY_TLS": "maybe"},
     "TRUSTDESK_SMTP_RELAY_TLS"),
    ({"TRUSTDESK_SMTP_RELAY": "smtp.example.net:25", "TRUSTDESK_SMTP_RELAY_TLS": "none",
      "TRUSTDESK_SMTP_RELAY_USER": "desk"}, "TRUSTDESK_SMTP_RELAY_USER"),
    ({"TRUSTDESK_SMTP_RELAY": "x:25", "TRUSTDESK_SMTP_RELAY_TIMEOUT": "soon"},
     "TRUSTDESK_SMTP_RELAY_TIMEOUT"),
])
def test_bad_values_stop_startup_naming_the_variable(env, name):
    with pytest.raises(ImproperlyConfigured, match=name):
        relay(env)
