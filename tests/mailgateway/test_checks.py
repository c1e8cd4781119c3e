"""The gateway's DNS checks on a sender: whether its domain receives mail, forward-
confirmed reverse DNS of the peer, and DNS blocklists; a failed lookup is temperror."""

from __future__ import annotations

import pytest

from trustdesk.mailgateway.analysis import checks
from trustdesk.mailgateway.analysis.dns import EVERY_NAME, StubResolver

V6 = "2001:db8::1"
V6_NIBBLES = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"


def _stub(**answers) -> StubResolver:
    return StubResolver(answers={tuple(k.split("|")): v for k, v in answers.items()})


def test_a_domain_with_mx_receives_mail():
    found = checks.sender_domain("Example.COM.", _stub(**{
        "example.com|MX": ["20 mx2.example.com", "10 mx1.example.com"]}))
    assert (found.result, found.domain, found.mx) == (
        "pass", "example.com", ("mx1.example.com", "mx2.example.com"))
    assert "mx1.example.com" in found.explanation


def test_an_address_is_the_implicit_mx():
    assert checks.sender_domain("example.com", _stub(**{
        "example.com|A": ["192.0.2.1"]})).result == "pass"
    found = checks.sender_domain("example.com", _stub(**{"example.com|AAAA": [V6]}))
    assert (found.result, "AAAA" in found.explanation) == ("pass", True)


def test_a_null_mx_accepts_no_mail():
    # The domain has an address, but its null MX says it receives no mail (RFC 7505).
    found = checks.sender_domain("noreply.example", _stub(**{
        "noreply.example|MX": ["0 ."], "noreply.example|A": ["192.0.2.1"]}))
    assert (found.result, found.mx) == ("nullmx", (".",))
    assert "accepts no mail" in found.explanation


def test_no_mx_and_no_address_is_none():
    resolver = _stub()
    found = checks.sender_domain("gone.example", resolver)
    assert found.result == "none"
    assert [q[1] for q in resolver.queries] == ["MX", "A", "AAAA"]
    for bad in ("", "localhost", "[192.0.2.1]", "a..b"):
        assert checks.sender_domain(bad, resolver).result == "none"


def test_a_failed_domain_lookup_is_temperror():
    assert checks.sender_domain("example.com", StubResolver(failing=[EVERY_NAME])
                                ).result == "temperror"
    # MX answered "none", the address lookup failed: still not known.
    assert checks.sender_domain("example.com", StubResolver(
        failing=[("example.com", "A")])).result == "temperror"


def test_forward_confirmed_reverse_dns():
    resolver = _stub(**{"10.2.0.192.in-addr.arpa|PTR": ["Mail.Example.com."],
                        "mail.example.com|A": ["192.0.2.9", "192.0.2.10"]})
    found = checks.reverse_dns("192.0.2.10", resolver)
    assert (found.result, found.names) == ("pass", ("mail.example.com",))
    assert "resolves back" in found.explanation


def test_a_ptr_name_that_does_not_resolve_back_is_a_mismatch():
    # Anyone can publish any PTR name for their own addresses.
    resolver = _stub(**{"10.2.0.192.in-addr.arpa|PTR": ["mail.bank.example"],
                        "mail.bank.example|A": ["198.51.100.7"]})
    found = checks.reverse_dns("192.0.2.10", resolver)
    assert (found.result, found.names) == ("mismatch", ("mail.bank.example",))


def test_no_ptr_is_none_and_a_failed_lookup_is_temperror():
    assert checks.reverse_dns("192.0.2.10", _stub()).result == "none"
    assert checks.reverse_dns("not an ip", _stub()).result == "none"
    assert checks.reverse_dns("192.0.2.10", StubResolver(failing=[EVERY_NAME])
                              ).result == "temperror"
    resolver = StubResolver(answers={("10.2.0.192.in-addr.arpa", "PTR"): ["h.example"]},
                            failing=["h.example"])
    assert checks.reverse_dns("192.0.2.10", resolver).result == "temperror"


def test_reverse_dns_of_ipv6_uses_nibbles_and_aaaa():
    resolver = _stub(**{f"{V6_NIBBLES}.ip6.arpa|PTR": ["v6.example.com"],
                        "v6.example.com|AAAA": ["2001:DB8:0:0::1"]})
    assert checks.reverse_dns(V6, resolver).result == "pass"
    # An IPv4 peer written in IPv6 notation is looked up as IPv4.
    resolver = _stub(**{"10.2.0.192.in-addr.arpa|PTR": ["mail.example.com"],
                        "mail.example.com|A": ["192.0.2.10"]})
    assert checks.reverse_dns("::ffff:192.0.2.10", resolver).result == "pass"


def test_blocklists_by_reversed_octets():
    resolver = _stub(**{"2.0.0.127.dnsbl.example|A": ["127.0.0.2"],
                        "10.2.0.192.dnsbl.example|A": ["127.0.0.4"]})
    found = checks.rbl("192.0.2.10", ["dnsbl.example", "other.example"], resolver)
    assert (found.result, found.listed) == ("listed", ("dnsbl.example",))
    assert ("10.2.0.192.other.example", "A") in resolver.queries
    found = checks.rbl("192.0.2.11", ["dnsbl.example"], resolver)
    assert (found.result, found.listed) == ("clean", ())


def test_blocklists_by_ipv6_nibbles():
    resolver = _stub(**{f"{V6_NIBBLES}.dnsbl.example|A": ["127.0.0.2"]})
    found = checks.rbl(V6, ["dnsbl.example"], resolver)
    assert (found.result, found.listed) == ("listed", ("dnsbl.example",))


def test_no_zones_asks_nothing():
    resolver = _stub()
    assert checks.rbl("192.0.2.10", [], resolver).result == "none"
    assert resolver.queries == []


def test_a_failed_or_refused_blocklist_is_temperror_not_clean():
    found = checks.rbl("192.0.2.10", ["dnsbl.example"], StubResolver(failing=[EVERY_NAME]))
    assert (found.result, found.failed) == ("temperror", ("dnsbl.example",))
    # 127.255.255.254: "you asked through a public resolver" — not a listing, not clean.
    refused = _stub(**{"10.2.0.192.dnsbl.example|A": ["127.255.255.254"]})
    assert checks.rbl("192.0.2.10", ["dnsbl.example"], refused).result == "temperror"
    # One list failing does not hide another's listing.
    resolver = StubResolver(answers={("10.2.0.192.b.example", "A"): ["127.0.0.2"]},
                            failing=["10.2.0.192.a.example"])
    found = checks.rbl("192.0.2.10", ["a.example", "b.example"], resolver)
    assert (found.result, found.listed, found.failed) == (
        "listed", ("b.example",), ("a.example",))


@pytest.mark.parametrize("check", [
    lambda r: checks.sender_domain("example.com", r),
    lambda r: checks.reverse_dns("192.0.2.10", r),
    lambda r: checks.rbl("192.0.2.10", ["dnsbl.example"], r),
])
def test_results_are_frozen(check):
    found = check(_stub())
    with pytest.raises(AttributeError):
        found.result = "pass"
