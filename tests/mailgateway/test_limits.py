"""The listener's rate limits per sender domain and per recipient, counted in the shared
counters: the database on the embedded default, Redis across replicas — where a second
client of the same Redis (another replica) sees the counts the first one made."""

from __future__ import annotations

import pytest

import counters_backend
from trustdesk.accounts import counters
from trustdesk.mailgateway import limits

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", "redis"])
def shared(request, settings):
    counters_backend.use(request.param, settings)
    counters.counters.cache_clear()
    yield request.param
    counters.counters.cache_clear()


def _another_replica() -> None:
    # A fresh client of the configured backend, as another listener process has.
    counters.counters.cache_clear()


def test_messages_per_minute_per_sender_domain_are_limited_across_clients(shared, settings):
    settings.SMTPD_RATE_PER_IP = 1000
    settings.SMTPD_RATE_PER_SENDER_DOMAIN = 2
    # Three client addresses, one organisational domain (a subdomain shares it).
    assert limits.admit_sender("192.0.2.1", "ada@customer.test") is None
    _another_replica()
    assert limits.admit_sender("198.51.100.2", "bob@mail.customer.test") is None
    _another_replica()
    assert limits.admit_sender("203.0.113.3", "cleo@Customer.Test") == limits.SLOW_DOWN
    # Another domain has its own allowance.
    assert limits.admit_sender("203.0.113.3", "dan@other.test") is None


def test_messages_per_minute_per_recipient_are_limited_across_replicas(shared, settings):
    settings.SMTPD_RATE_PER_RECIPIENT = 2
    assert limits.admit_recipient("support@acme.test") is None
    _another_replica()
    assert limits.admit_recipient("support@acme.test") is None
    _another_replica()
    assert limits.admit_recipient("support@acme.test") == limits.SLOW_DOWN
    assert limits.admit_recipient("sales@acme.test") is None


def test_the_counts_live_in_the_configured_backend(shared, settings):
    settings.SMTPD_RATE_PER_IP = 1000
    settings.SMTPD_RATE_PER_SENDER_DOMAIN = 1000
    limits.admit_sender("192.0.2.1", "ada@customer.test")
    backend = counters.counters()
    if shared == "redis":
        assert isinstance(backend, counters.RedisCounters)
        names = [n.decode() for n in backend.redis.scan_iter(f"{backend.prefix}n:mail:*")]
        assert len(names) == 2  # the client and the sender domain
        assert not any("customer.test" in n or "192.0.2.1" in n for n in names)  # hashed
    else:
        from trustdesk.accounts.models import SignInThrottle

        assert isinstance(backend, counters.DatabaseCounters)
        keys = list(SignInThrottle.objects.filter(key__startswith="mail:")
                    .values_list("key", flat=True))
        assert len(keys) == 2
        assert not any("customer.test" in k or "192.0.2.1" in k for k in keys)
