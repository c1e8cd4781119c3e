"""DKIM verified by dkimpy against keys served by a stub resolver, and DMARC's verdict
from the published policy and the aligned results. No network: every name resolves
from the table, or fails as told."""

from __future__ import annotations

import base64
import time
from functools import cache

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from trustdesk.mailgateway.analysis import dkim_check, dmarc
from trustdesk.mailgateway.analysis.authres import Result
from trustdesk.mailgateway.analysis.dns import DnsPythonResolver, DnsUnavailable, StubResolver

MESSAGE = (b"From: Ada <ada@example.com>\r\nTo: help@helpdesk.example\r\n"
           b"Subject: My order\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\n"
           b"Message-ID: <1@example.com>\r\n\r\nWhere is my parcel?\r\n")


@cache
def _key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}"


def _signed(message: bytes = MESSAGE, domain: bytes = b"example.com") -> bytes:
    private, _ = _key()
    return dkim.sign(message, b"s1", domain, private,
                     include_headers=[b"from", b"to", b"subject", b"date"]) + message


def _keys(**extra) -> StubResolver:
    return StubResolver({"s1._domainkey.example.com": [_key()[1]], **extra})


def test_a_good_signature_passes_with_its_domain_and_selector():
    [result] = dkim_check.verify(_signed(), _keys())
    assert (result.result, result.properties) == (
        "pass", {"header.d": "example.com", "header.s": "s1"})


def test_a_changed_body_or_header_fails():
    tampered = _signed().replace(b"Where is my parcel?", b"Send the refund to IBAN X")
    assert [r.result for r in dkim_check.verify(tampered, _keys())] == ["fail"]
    tampered = _signed().replace(b"Subject: My order", b"Subject: Urgent: new bank")
    assert [r.result for r in dkim_check.verify(tampered, _keys())] == ["fail"]


def test_no_signature_is_none_and_a_failed_lookup_is_temperror():
    assert [r.result for r in dkim_check.verify(MESSAGE, _keys())] == ["none"]
    failing = StubResolver(failing=["s1._domainkey.example.com"])
    assert [r.result for r in dkim_check.verify(_signed(), failing)] == ["temperror"]
    # No key published: the signature cannot verify.
    assert [r.result for r in dkim_check.verify(_signed(), StubResolver())] in (
        ["fail"], ["permerror"])


def test_a_mangled_signature_never_passes_and_never_crashes():
    # dkimpy reports an unknown algorithm as a validation failure: fail, not a pass.
    mangled = _signed().replace(b"a=rsa-sha256", b"a=rot13", 1)
    assert [r.result for r in dkim_check.verify(mangled, _keys())] == ["fail"]
    # A key record that is not a key: no pass either.
    broken = StubResolver({"s1._domainkey.example.com": ["v=DKIM1; k=rsa; p=!!!"]})
    [result] = dkim_check.verify(_signed(), broken)
    assert result.result in ("fail", "permerror")


def _policy(record: str, name: str = "_dmarc.example.com", **extra) -> StubResolver:
    return _keys(**{name: [record]}, **extra)


def _evaluate(resolver, *, spf=("none", ""), dkim_results=None, from_domain="example.com"):
    return dmarc.evaluate(from_domain, spf=spf, dkim=dkim_results or [], resolver=resolver)


def test_an_aligned_dkim_pass_passes_dmarc():
    resolver = _policy("v=DMARC1; p=reject")
    verdict = _evaluate(resolver, dkim_results=dkim_check.verify(_signed(), resolver))
    assert (verdict.result.result, verdict.disposition) == ("pass", "none")


def test_a_spoofed_from_fails_and_takes_the_policys_disposition():
    # Signed by the attacker's own domain, From the customer's: not aligned.
    resolver = _policy("v=DMARC1; p=reject", **{"s1._domainkey.attacker.example": [
        _key()[1]]})
    signed = _signed(domain=b"attacker.example")
    verdict = _evaluate(resolver, spf=("pass", "attacker.example"),
                        dkim_results=dkim_check.verify(signed, resolver))
    assert (verdict.result.result, verdict.disposition) == ("fail", "reject")
    assert verdict.result.properties["policy.dmarc"] == "reject"


def test_relaxed_and_strict_alignment():
    relaxed = _policy("v=DMARC1; p=quarantine")
    assert _evaluate(relaxed, spf=("pass", "bounces.example.com")).result.result == "pass"
    strict = _policy("v=DMARC1; p=quarantine; aspf=s")
    verdict = _evaluate(strict, spf=("pass", "bounces.example.com"))
    assert (verdict.result.result, verdict.disposition) == ("fail", "quarantine")


def test_the_organisational_policy_and_its_subdomain_policy():
    resolver = _policy("v=DMARC1; p=none; sp=reject")
    verdict = _evaluate(resolver, from_domain="billing.example.com")
    assert (verdict.result.result, verdict.disposition) == ("fail", "reject")
    assert verdict.policy.domain == "example.com"
    assert "_dmarc.billing.example.com" in resolver.asked


@pytest.mark.parametrize("record", ["v=spf1 -all", "p=reject; v=DMARC1", "v=DMARC1; p=bogus",
                                    "v=DMARC1"])
def test_an_invalid_record_is_no_policy(record):
    assert _evaluate(_policy(record)).result.result == "none"


def test_two_records_are_no_policy():
    resolver = StubResolver({"_dmarc.example.com": ["v=DMARC1; p=reject",
                                                    "v=DMARC1; p=none"]})
    assert _evaluate(resolver).result.result == "none"


def test_a_failed_policy_lookup_is_temperror_and_neutral():
    verdict = _evaluate(StubResolver(failing=["_dmarc.example.com"]))
    assert (verdict.result.result, verdict.disposition) == ("temperror", "none")


def test_no_network_answers_quickly_with_a_temporary_failure():
    # Nothing listens on this port: the bounded lookup gives up, it does not hang.
    resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=9, timeout=0.2,
                                 lifetime=0.5)
    started = time.monotonic()
    with pytest.raises(DnsUnavailable):
        resolver.txt("_dmarc.example.com")
    assert time.monotonic() - started < 5
    assert isinstance(Result("dmarc", "temperror"), Result)


def test_a_message_dkimpy_cannot_parse_is_permerror_not_a_crash():
    # dkimpy's own parser raises IndexError on a folded first line.
    [result] = dkim_check.verify(b" folded\r\n" + _signed(), _keys())
    assert result.result == "permerror"


def test_only_the_first_signatures_are_checked():
    many = b"".join(_signed().split(b"From:")[0] for _ in range(dkim_check.MAX_SIGNATURES + 5))
    resolver = _keys()
    results = dkim_check.verify(many + MESSAGE, resolver)
    assert len(results) == dkim_check.MAX_SIGNATURES + 1
    assert [r.result for r in results[:-1]] == ["pass"] * dkim_check.MAX_SIGNATURES
    assert results[-1].result == "permerror"
    assert len(resolver.asked) == dkim_check.MAX_SIGNATURES
