"""The whole sender authentication of a message, with a stub resolver: a genuine message
passes DMARC, a spoofed author fails with the domain's disposition, a From header that
names no single author fails closed, no DNS at all gives temporary errors quickly, and
no input — however broken — makes it raise."""

from __future__ import annotations

import socket
import time

import dkim
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailgateway.signing import key
from trustdesk.mailgateway.analysis.authenticate import Authentication, authenticate
from trustdesk.mailgateway.analysis.dns import EVERY_NAME, DnsPythonResolver, StubResolver

PEER = "192.0.2.10"
BODY = (b"To: help@helpdesk.example\r\nSubject: My order\r\n"
        b"Date: Wed, 02 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n"
        b"Where is my parcel?\r\n")
MESSAGE = b"From: Ada <ada@example.com>\r\n" + BODY


def _signed(message: bytes = MESSAGE, domain: bytes = b"example.com") -> bytes:
    return dkim.sign(message, b"s1", domain, key()[0],
                     include_headers=[b"from", b"to", b"subject", b"date"]) + message


def _world(**extra) -> StubResolver:
    """example.com sends from 192.0.2.0/24, signs with s1, and asks to reject failures;
    the peer has forward-confirmed reverse DNS."""
    return StubResolver({
        "example.com": ["v=spf1 ip4:192.0.2.0/24 -all"],
        "s1._domainkey.example.com": [key()[1]],
        "_dmarc.example.com": ["v=DMARC1; p=reject"],
        "attacker.example": ["v=spf1 ip4:203.0.113.0/24 -all"],
        "s1._domainkey.attacker.example": [key()[1]],
        **extra,
    }, answers={
        ("10.2.0.192.in-addr.arpa", "PTR"): ["mail.example.com"],
        ("mail.example.com", "A"): [PEER],
        ("example.com", "MX"): ["10 mail.example.com"],
    })


def _run(raw: bytes, resolver=None, **kwargs) -> Authentication:
    args = {"peer_ip": PEER, "helo": "mail.example.com", "mail_from": "bounces@example.com",
            "resolver": resolver or _world(), "authserv_id": "mx.helpdesk.example", **kwargs}
    return authenticate(raw, **args)


def test_a_signed_message_from_an_authorised_server_passes_dmarc():
    auth = _run(_signed())
    assert auth.spf.result == "pass"
    assert [r.result for r in auth.dkim] == ["pass"]
    assert (auth.dmarc.result.result, auth.dmarc.disposition) == ("pass", "none")
    assert auth.arc.result == "none"
    assert auth.from_domain == "example.com"
    assert (auth.sender_domain.result, auth.reverse_dns.result, auth.rbl.result) == (
        "pass", "pass", "none")
    assert auth.header == (
        "mx.helpdesk.example; spf=pass reason=\"matched ip4:192.0.2.0/24\" "
        "smtp.mailfrom=bounces@example.com; dkim=pass header.d=example.com header.s=s1; "
        "dmarc=pass header.from=example.com; arc=none")


def test_spf_alone_passes_dmarc_when_aligned_and_dkim_alone_too():
    assert _run(MESSAGE).dmarc.result.result == "pass"  # SPF: bounces@example.com
    dkim_only = _run(_signed(), peer_ip="198.51.100.1")
    assert (dkim_only.spf.result, dkim_only.dmarc.result.result) == ("fail", "pass")


def test_a_spoofed_author_fails_with_the_domains_disposition():
    # The attacker's own server and signature are genuine, the author is not theirs.
    spoof = _signed(domain=b"attacker.example")
    auth = _run(spoof, peer_ip="203.0.113.5", mail_from="x@attacker.example",
                helo="mx.attacker.example")
    assert auth.spf.result == "pass"
    assert [(r.result, r.properties["header.d"]) for r in auth.dkim] == [
        ("pass", "attacker.example")]
    assert (auth.dmarc.result.result, auth.dmarc.disposition) == ("fail", "reject")
    assert "dmarc=fail header.from=example.com policy.dmarc=reject" in auth.header
    assert auth.reverse_dns.result == "none"


def test_a_bounce_is_checked_by_its_helo_name():
    resolver = _world(**{"mail.example.com": ["v=spf1 ip4:192.0.2.10 -all"]})
    auth = _run(MESSAGE, resolver, mail_from="")
    assert (auth.spf.result, auth.spf.properties) == ("pass", {"smtp.helo": "mail.example.com"})
    # The HELO name is aligned with the author's domain (relaxed).
    assert auth.dmarc.result.result == "pass"


@pytest.mark.parametrize(("from_lines", "reason"), [
    (b"", "no From header"),
    (b"From: Ada <ada@example.com>\r\nFrom: Eve <eve@attacker.example>\r\n",
     "several From headers"),
    (b"From : eve@attacker.example\r\nFrom: Ada <ada@example.com>\r\n",
     "several From headers"),
    (b"From: ada@example.com, eve@attacker.example\r\n", "several author addresses"),
    (b"From: ada@example.com <eve@attacker.example>\r\n", "malformed"),
    (b"From: <ada@example.com>@attacker.example\r\n", "malformed"),
    (b"From: Ada <ada@example.com\r\n", "malformed"),
    (b"From: ada@example.com\x00@attacker.example\r\n", "malformed"),
    (b"From: undisclosed-recipients:;\r\n", "malformed"),  # a group is no author
    (b"From: (nobody)\r\n", "no author address"),
    (b"From: \xff\xfe <ada@example.com>\r\n", "not UTF-8"),
    (b"From: ada@[192.0.2.10]\r\n", "not a domain name"),
    (b"From: ada\r\n", "malformed"),
])
def test_a_from_header_without_one_clear_author_fails_closed(from_lines, reason):
    auth = _run(_signed(from_lines + BODY))
    assert auth.from_domain is None
    assert auth.dmarc.result.result == "permerror"
    assert reason in auth.dmarc.result.reason
    assert auth.dmarc.disposition == "quarantine"
    assert "dmarc=permerror" in auth.header


def test_no_dns_at_all_gives_temporary_errors_quickly():
    resolver = StubResolver(failing=[EVERY_NAME])
    started = time.monotonic()
    auth = _run(_signed(), resolver, rbl_zones=("dnsbl.example",))
    assert time.monotonic() - started < 2
    assert auth.spf.result == "temperror"
    assert [r.result for r in auth.dkim] == ["temperror"]
    assert (auth.dmarc.result.result, auth.dmarc.disposition) == ("temperror", "none")
    assert (auth.sender_domain.result, auth.reverse_dns.result, auth.rbl.result) == (
        "temperror", "temperror", "temperror")
    assert auth.arc.result == "none"  # no ARC headers: nothing to look up


def test_a_slow_resolver_costs_at_most_the_messages_budget():
    class Slow(StubResolver):
        def query(self, name, rdtype):
            time.sleep(0.1)
            return super().query(name, rdtype)

    slow = Slow(_world().records)
    started = time.monotonic()
    auth = _run(_signed(), slow, rbl_zones=("a.example", "b.example", "c.example"),
                budget=0.25)
    assert time.monotonic() - started < 0.25 + 0.1 + 0.5
    assert len(slow.asked) <= 4
    assert auth.rbl.result == "temperror"  # asked last, after the budget was spent


def test_a_dns_server_that_never_answers_costs_a_bounded_time():
    sock = None
    for port in range(20500, 20600):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind(("127.0.0.1", port))
            break
        except OSError:
            sock.close()
            sock = None
    assert sock is not None, "no free UDP port in 20500-20599"
    try:
        resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=sock.getsockname()[1],
                                     timeout=0.1, lifetime=0.2)
        started = time.monotonic()
        auth = _run(_signed(), resolver, rbl_zones=("dnsbl.example",))
        elapsed = time.monotonic() - started
    finally:
        sock.close()
    # One lookup each for SPF, the key, the policy, MX, PTR and the blocklist.
    assert elapsed < 6 * 0.2 + 2
    assert (auth.spf.result, auth.dmarc.result.result, auth.rbl.result) == (
        "temperror", "temperror", "temperror")


NASTY = [
    b"",
    b"\x00\xff" * 500,
    b"not a message at all",
    b"\r\n\r\n\r\n",
    b" folded first line\r\nFrom: ada@example.com\r\n\r\nbody",
    b"From: \xc3\x28@\xe2\x82\x28.com\r\nSubject: \xff\r\n\r\n\x80\x81",
    b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; b=; bh=;\r\n"
    b"From: ada@example.com\r\n\r\n",
    b"DKIM-Signature: \xff\xfe\r\nARC-Seal: i=1; cv=none; b=x\r\n"
    b"ARC-Message-Signature: i=99999999999999999999; h=from; b=x\r\n\r\n",
    b"ARC-Seal: i=1; a=rsa-sha256; cv=pass; d=\xff; s=x; b=\r\nFrom: a@b.c\r\n\r\n",
    b"From: =?utf-8?b?" + b"A" * 5000 + b"?= <a@example.com>\r\n\r\n",
    b"From: " + b"(" * 2000 + b"a@example.com\r\n\r\n",
    b"Content-Type: multipart/mixed; boundary=\"\"\r\nFrom: a@example.com\r\n\r\n--\r\n",
    b"From: a@example.com\r\n" + b"X: " + b"y" * 100_000 + b"\r\n\r\n",
    b"".join(b"DKIM-Signature: v=1; d=example.com; s=s%d; b=x; bh=x;\r\n" % n
             for n in range(40)) + MESSAGE,
]


def _assert_sane(auth: Authentication) -> None:
    assert "\r" not in auth.header and "\n" not in auth.header
    assert auth.header.startswith("mx.helpdesk.example; spf=")
    assert auth.dmarc.result.result in ("none", "pass", "fail", "temperror", "permerror")
    if auth.from_domain is None:
        assert auth.dmarc.result.result == "permerror"


@pytest.mark.parametrize("raw", NASTY)
def test_hostile_bytes_never_raise(raw):
    auth = _run(raw)
    _assert_sane(auth)
    assert auth.dmarc.result.result != "pass" or auth.from_domain == "example.com"


def test_many_signatures_cost_a_bounded_number_of_lookups():
    resolver = _world()
    auth = _run(NASTY[-1], resolver)
    assert len([n for n in resolver.asked if "_domainkey" in n]) <= 10
    assert auth.dkim[-1].result == "permerror"


_LINE = st.one_of(
    st.binary(max_size=80),
    st.tuples(st.sampled_from([b"From", b"from ", b"DKIM-Signature", b"ARC-Seal",
                               b"ARC-Message-Signature", b"Subject", b" ", b"\t"]),
              st.binary(max_size=60)).map(lambda t: t[0] + b": " + t[1]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(raw):
    _assert_sane(_run(raw))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=12), st.sampled_from([b"\r\n", b"\n", b"\r"]))
def test_random_headers_never_raise(lines, eol):
    _assert_sane(_run(eol.join(lines) + eol + eol + b"body" + eol))
