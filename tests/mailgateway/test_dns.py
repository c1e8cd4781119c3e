"""The resolver the analysis asks: record types as text, a missing name as no record, a
failed or silent server as ``DnsUnavailable`` within the lifetime, never a hang.

The dnspython resolver is tested against a small DNS server on 127.0.0.1 in this test
(``dnsserver.LocalDns``), not against the internet."""

from __future__ import annotations

import contextlib
import time

import pytest

from mailgateway.dnsserver import LocalDns
from trustdesk.mailgateway.analysis.dns import (
    EVERY_NAME,
    DnsPythonResolver,
    DnsUnavailable,
    StubResolver,
    parse_mx,
)

ZONE = {
    ("example.com.", "A"): ["192.0.2.10", "192.0.2.11"],
    ("example.com.", "AAAA"): ["2001:db8::10"],
    ("example.com.", "MX"): ["10 mx1.example.com.", "20 MX2.Example.COM."],
    ("example.com.", "TXT"): ['"v=spf1 " "ip4:192.0.2.0/24 -all"'],
    ("nullmx.example.", "MX"): ["0 ."],
    ("10.2.0.192.in-addr.arpa.", "PTR"): ["mail.example.com."],
}


@contextlib.contextmanager
def _server(*, answer: bool = True):
    """A DNS server for ZONE; ``servfail.example`` fails; with ``answer=False`` it
    reads every query and never replies."""
    with LocalDns(ZONE, servfail=("servfail.example",), answer=answer) as server:
        yield server.port, server.received


def test_each_record_type_as_text():
    with _server() as (port, _):
        resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=port, timeout=0.5,
                                     lifetime=1.0)
        assert sorted(resolver.query("example.com", "A")) == ["192.0.2.10", "192.0.2.11"]
        assert resolver.query("example.com", "AAAA") == ["2001:db8::10"]
        assert sorted(resolver.query("example.com", "mx")) == [
            "10 mx1.example.com", "20 mx2.example.com"]
        assert resolver.query("nullmx.example", "MX") == ["0 ."]
        assert resolver.query("10.2.0.192.in-addr.arpa", "PTR") == ["mail.example.com"]
        # The strings of one TXT record are joined; txt() is the same lookup.
        assert resolver.query("example.com", "TXT") == ["v=spf1 ip4:192.0.2.0/24 -all"]
        assert resolver.txt("example.com.") == ["v=spf1 ip4:192.0.2.0/24 -all"]


def test_no_such_name_or_type_is_no_record_and_a_server_failure_is_unavailable():
    with _server() as (port, received):
        resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=port, timeout=0.5,
                                     lifetime=1.0)
        assert resolver.query("missing.example", "A") == []  # NXDOMAIN
        assert resolver.query("nullmx.example", "A") == []  # the name exists, no A
        asked = len(received)
        assert resolver.query("a" * 64 + ".example", "A") == []  # not a DNS name
        assert len(received) == asked  # ... so nothing was sent
        with pytest.raises(DnsUnavailable):
            resolver.query("servfail.example", "TXT")
        with pytest.raises(ValueError):
            resolver.query("example.com", "ANY")


def test_a_server_that_never_answers_gives_up_within_the_lifetime():
    with _server(answer=False) as (port, received):
        resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=port, timeout=0.2,
                                     lifetime=0.6)
        for kind in ("A", "MX", "TXT"):
            started = time.monotonic()
            with pytest.raises(DnsUnavailable):
                resolver.query("example.com", kind)
            assert time.monotonic() - started < 0.6 + 0.5
        started = time.monotonic()
        with pytest.raises(DnsUnavailable):
            resolver.txt("_dmarc.example.com")
        assert time.monotonic() - started < 0.6 + 0.5
        time.sleep(0.1)
        assert received  # it did ask this server, and waited for it


def test_the_stub_answers_each_type_records_what_was_asked_and_fails_as_told():
    stub = StubResolver({"example.com": ["v=spf1 -all"]},
                        answers={("Example.com.", "mx"): ["10 mx.example.com"],
                                 ("example.com", "A"): ["192.0.2.1"]},
                        failing=["down.example", ("example.com", "AAAA")])
    assert stub.txt("EXAMPLE.com") == ["v=spf1 -all"]
    assert stub.query("example.com", "TXT") == ["v=spf1 -all"]
    assert stub.query("example.com", "MX") == ["10 mx.example.com"]
    assert stub.query("example.com", "A") == ["192.0.2.1"]
    assert stub.query("other.example", "A") == []
    with pytest.raises(DnsUnavailable):
        stub.query("example.com", "AAAA")
    with pytest.raises(DnsUnavailable):
        stub.query("down.example", "PTR")
    assert stub.asked[:2] == ["example.com", "example.com"]
    assert stub.queries[-1] == ("down.example", "PTR")
    assert stub.records == {"example.com": ["v=spf1 -all"]}
    everything = StubResolver({"example.com": ["v=spf1 -all"]}, failing=[EVERY_NAME])
    with pytest.raises(DnsUnavailable):
        everything.txt("example.com")


@pytest.mark.parametrize(("record", "parsed"), [
    ("10 mx.example.com", (10, "mx.example.com")),
    ("5 MX.Example.com.", (5, "mx.example.com")),
    ("0 .", (0, ".")),
    ("mx.example.com", None),
    ("ten mx.example.com", None),
    ("", None),
])
def test_parse_mx(record, parsed):
    assert parse_mx(record) == parsed
