"""ARC chains sealed with dkimpy and a real key, verified through a stub resolver: an
intact chain of one and of two hops passes, a message changed after sealing or a forged
seal fails, a message without ARC headers is none."""

from __future__ import annotations

import dkim

from mailgateway.signing import key
from trustdesk.mailgateway.analysis import arc
from trustdesk.mailgateway.analysis.dns import StubResolver

MESSAGE = (b"From: Ada <ada@example.com>\r\nTo: list@lists.example.org\r\n"
           b"Subject: Meeting notes\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\n"
           b"Message-ID: <2@example.com>\r\n\r\nNotes attached.\r\n")


def _seal(message: bytes, sealer: bytes, results: bytes) -> bytes:
    """What a forwarder does: record its checks, then add its ARC set."""
    message = b"Authentication-Results: " + sealer + b"; " + results + b"\r\n" + message
    headers = dkim.arc_sign(message, b"arc", sealer, key()[0], sealer,
                            include_headers=[b"from", b"to", b"subject", b"date"])
    assert headers, "dkimpy added no ARC set"
    return b"".join(headers) + message


def _keys(*domains: str) -> StubResolver:
    return StubResolver({f"arc._domainkey.{d}": [key()[1]] for d in domains})


def _one_hop() -> bytes:
    return _seal(MESSAGE, b"lists.example.org", b"dkim=pass header.d=example.com")


def test_an_intact_chain_passes_with_its_sealer():
    result = arc.verify(_one_hop(), _keys("lists.example.org"))
    assert (result.result, result.properties) == ("pass", {"header.d": "lists.example.org"})


def test_a_chain_of_two_hops_passes():
    two = _seal(_one_hop(), b"fwd.example.net", b"arc=pass")
    resolver = _keys("lists.example.org", "fwd.example.net")
    result = arc.verify(two, resolver)
    assert (result.result, result.properties) == ("pass", {"header.d": "fwd.example.net"})
    assert {"arc._domainkey.lists.example.org", "arc._domainkey.fwd.example.net"} <= set(
        resolver.asked)


def test_a_message_changed_after_sealing_fails():
    tampered = _one_hop().replace(b"Notes attached.", b"Pay invoice 4711 today.")
    assert arc.verify(tampered, _keys("lists.example.org")).result == "fail"
    tampered = _one_hop().replace(b"Subject: Meeting notes", b"Subject: New bank details")
    assert arc.verify(tampered, _keys("lists.example.org")).result == "fail"


def test_a_forged_seal_fails():
    # A chain sealed with a key the sealer's domain does not publish.
    other = StubResolver({"arc._domainkey.lists.example.org": [
        "v=DKIM1; k=rsa; p=" + key()[1].split("p=")[1][::-1]]})
    assert arc.verify(_one_hop(), other).result == "fail"
    # A seal claiming a status it was not given.
    forged = _one_hop().replace(b"cv=none", b"cv=pass", 1)
    assert arc.verify(forged, _keys("lists.example.org")).result == "fail"


def test_no_arc_headers_is_none_without_a_lookup():
    resolver = _keys("lists.example.org")
    assert arc.verify(MESSAGE, resolver).result == "none"
    assert resolver.asked == []


def _without(message: bytes, name: bytes) -> bytes:
    """The message without the header ``name`` (and its folded lines)."""
    kept, dropping = [], False
    for line in message.splitlines(keepends=True):
        if line[:1] not in (b" ", b"\t"):
            dropping = line.lower().startswith(name + b":")
        if not dropping:
            kept.append(line)
    return b"".join(kept)


def test_an_incomplete_set_fails():
    without_seal = _without(_one_hop(), b"arc-seal")
    assert b"ARC-Message-Signature" in without_seal and b"ARC-Seal" not in without_seal
    assert arc.verify(without_seal, _keys("lists.example.org")).result == "fail"


def test_a_message_dkimpy_cannot_parse_fails_without_raising():
    broken = b" folded first line\r\n" + _one_hop()
    assert arc.verify(broken, _keys("lists.example.org")).result == "fail"


def test_a_key_that_cannot_be_looked_up_is_a_fail_that_says_so():
    result = arc.verify(_one_hop(), StubResolver(failing=["arc._domainkey.lists.example.org"]))
    assert result.result == "fail"
    assert "temporary" in result.reason


def test_a_chain_that_needs_too_many_keys_fails_without_asking_for_them_all():
    message, sealers = MESSAGE, []
    for hop in range(arc.MAX_KEYS + 1):
        sealer = f"hop{hop}.example".encode()
        message = _seal(message, sealer, b"arc=pass" if hop else b"dkim=pass")
        sealers.append(sealer.decode())
    resolver = _keys(*sealers)
    result = arc.verify(message, resolver)
    assert (result.result, "more than" in result.reason) == ("fail", True)
    assert len(set(resolver.asked)) == arc.MAX_KEYS
    # The same chain one hop shorter passes.
    message = MESSAGE
    for sealer in sealers[:arc.MAX_KEYS]:
        message = _seal(message, sealer.encode(), b"arc=pass" if message != MESSAGE
                        else b"dkim=pass")
    assert arc.verify(message, resolver).result == "pass"
