"""SPF evaluated by pyspf with every lookup answered by a stub resolver: the mechanisms,
the results of RFC 7208, its limits, and a failed lookup as a temporary error."""

from __future__ import annotations

import time

import pytest
import spf as pyspf

from trustdesk.mailgateway.analysis import spf
from trustdesk.mailgateway.analysis.dns import EVERY_NAME, StubResolver

IP = "192.0.2.10"


def _resolver(record: str | None, domain: str = "example.com", **answers) -> StubResolver:
    records = {domain: [record, "google-site-verification=abc"]} if record else {}
    return StubResolver(records, answers={tuple(k.split("|")): v for k, v in answers.items()})


def _check(resolver, ip=IP, mail_from="bounces@example.com", helo="mail.example.com"):
    return spf.check(ip, mail_from, helo, resolver)


@pytest.fixture(autouse=True)
def _pyspf_never_looks_up_itself(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pyspf made its own DNS lookup")

    monkeypatch.setattr(pyspf, "DNSLookup", refuse)


def test_pass_by_ip4_with_the_envelope_sender():
    result = _check(_resolver("v=spf1 ip4:192.0.2.0/24 -all"))
    assert (result.result, result.properties) == (
        "pass", {"smtp.mailfrom": "bounces@example.com"})
    assert "ip4:192.0.2.0/24" in result.reason


def test_pass_by_a_and_by_mx():
    resolver = _resolver("v=spf1 a:out.example.com -all",
                         **{"out.example.com|A": ["192.0.2.10"]})
    assert _check(resolver).result == "pass"
    resolver = _resolver("v=spf1 mx -all", **{
        "example.com|MX": ["10 mx1.example.com", "20 mx2.example.com"],
        "mx1.example.com|A": ["198.51.100.1"], "mx2.example.com|A": ["192.0.2.10"]})
    assert _check(resolver).result == "pass"
    assert ("mx2.example.com", "A") in resolver.queries
    # The same mechanisms, and an address that is not among them.
    assert _check(resolver, ip="203.0.113.5").result == "fail"


def test_pass_through_an_include():
    resolver = _resolver("v=spf1 include:_spf.mailer.example -all")
    resolver.answers[("_spf.mailer.example", "TXT")] = ["v=spf1 ip4:192.0.2.0/28 -all"]
    assert _check(resolver).result == "pass"
    assert _check(resolver, ip="192.0.2.200").result == "fail"


@pytest.mark.parametrize(("record", "result"), [
    ("v=spf1 ip4:198.51.100.0/24 -all", "fail"),
    ("v=spf1 ip4:198.51.100.0/24 ~all", "softfail"),
    ("v=spf1 ip4:198.51.100.0/24 ?all", "neutral"),
    ("v=spf1 ip4:198.51.100.0/24", "neutral"),  # no match and no all: neutral
])
def test_fail_softfail_neutral(record, result):
    assert _check(_resolver(record)).result == result


def test_no_record_is_none():
    resolver = StubResolver({"example.com": ["google-site-verification=abc"]})
    assert _check(resolver).result == "none"
    assert _check(StubResolver()).result == "none"


@pytest.mark.parametrize("record", [
    "v=spf1 ip4:192.0.2.300 -all",  # not an address
    "v=spf1 moo -all",  # an unknown mechanism
    "v=spf1 include:%{z}.example -all",  # an unknown macro
    "v=spf1 redirect=nowhere.example",  # a redirect to a domain without a record
])
def test_a_broken_record_is_permerror(record):
    result = _check(_resolver(record))
    assert result.result == "permerror"
    assert result.reason


def test_two_records_are_permerror():
    resolver = StubResolver({"example.com": ["v=spf1 -all", "v=spf1 +all"]})
    assert _check(resolver).result == "permerror"


def test_too_many_lookups_is_permerror():
    includes = " ".join(f"include:i{n}.example.com" for n in range(11))
    resolver = _resolver(f"v=spf1 {includes} -all")
    for n in range(11):
        resolver.answers[(f"i{n}.example.com", "TXT")] = ["v=spf1 ip4:198.51.100.1 -all"]
    result = _check(resolver)
    assert result.result == "permerror"
    assert "lookups" in result.reason.lower()


def test_an_include_loop_ends_in_permerror():
    resolver = _resolver("v=spf1 include:example.com -all")
    assert _check(resolver).result == "permerror"


def test_too_many_void_lookups_is_permerror():
    resolver = _resolver("v=spf1 a:v1.example.com a:v2.example.com a:v3.example.com -all")
    result = _check(resolver)
    assert (result.result, "void" in result.reason.lower()) == ("permerror", True)


def test_a_failed_lookup_is_temperror():
    resolver = StubResolver(failing=["example.com"])
    result = _check(resolver)
    assert result.result == "temperror"
    resolver = _resolver("v=spf1 include:down.example -all")
    resolver.failing.add("down.example")
    assert _check(resolver).result == "temperror"


def test_the_time_budget_ends_a_slow_evaluation():
    class Slow(StubResolver):
        def query(self, name, rdtype):
            time.sleep(0.15)
            return super().query(name, rdtype)

    resolver = Slow({"example.com": ["v=spf1 " + " ".join(
        f"a:h{n}.example.com" for n in range(9)) + " -all"]},
        answers={(f"h{n}.example.com", "A"): ["198.51.100.1"] for n in range(9)})
    started = time.monotonic()
    result = spf.check(IP, "bounces@example.com", "mail.example.com", resolver, budget=0.3)
    assert result.result == "temperror"
    assert time.monotonic() - started < 1.2


def test_an_empty_envelope_sender_checks_the_helo_name():
    resolver = _resolver("v=spf1 ip4:192.0.2.10 -all", domain="mail.example.com")
    for mail_from in ("", "<>"):
        result = _check(resolver, mail_from=mail_from)
        assert (result.result, result.properties) == (
            "pass", {"smtp.helo": "mail.example.com"})
    assert _check(resolver, mail_from="").properties.get("smtp.mailfrom") is None
    # An address literal as HELO has no record.
    assert _check(resolver, mail_from="", helo="[192.0.2.10]").result == "none"


def test_ipv6():
    resolver = _resolver("v=spf1 ip6:2001:db8:1::/48 a:v6.example.com -all",
                         **{"v6.example.com|AAAA": ["2001:db8:2::25"]})
    assert _check(resolver, ip="2001:db8:1::99").result == "pass"
    assert _check(resolver, ip="2001:DB8:2:0::25").result == "pass"
    assert _check(resolver, ip="2001:db8:3::1").result == "fail"
    assert ("v6.example.com", "AAAA") in resolver.queries
    # An IPv4 client in IPv6 notation is matched as IPv4.
    assert _check(_resolver("v=spf1 ip4:192.0.2.10 -all"), ip="::ffff:192.0.2.10"
                  ).result == "pass"


def test_internationalised_domain_is_looked_up_in_ascii():
    resolver = _resolver("v=spf1 ip4:192.0.2.10 -all", domain="xn--bcher-kva.example")
    assert _check(resolver, mail_from="info@bücher.example").result == "pass"


@pytest.mark.parametrize(("mail_from", "helo", "ip"), [
    ("nobody@", "mail.example.com", IP),
    ("", "", IP),
    ("a@localhost", "x", IP),
    ("bounces@example.com", "mail.example.com", "not-an-ip"),
    ("a@" + "x" * 70 + ".com", "h", IP),
])
def test_what_cannot_be_checked_is_none_or_permerror_never_pass(mail_from, helo, ip):
    resolver = StubResolver({"example.com": ["v=spf1 +all"]}, failing=[EVERY_NAME])
    assert spf.check(ip, mail_from, helo, resolver).result in ("none", "permerror")


def test_identity():
    assert spf.identity("Bounces@Example.COM", "h.example") == ("mailfrom", "example.com")
    assert spf.identity("<>", "H.Example.") == ("helo", "h.example")
    assert spf.identity("", "[192.0.2.1]") == ("helo", "")

