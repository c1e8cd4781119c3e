"""Organisational domains and DMARC alignment, from the bundled Public Suffix List."""

from __future__ import annotations

import pytest

from trustdesk.mailgateway.analysis import domains


@pytest.mark.parametrize(("name", "org"), [
    ("example.com", "example.com"),
    ("mail.example.com", "example.com"),
    ("a.b.mail.example.co.uk", "example.co.uk"),
    ("EXAMPLE.COM.", "example.com"),
    ("user.github.io", "user.github.io"),  # a private suffix: each user is its own org
    ("x.y.user.github.io", "user.github.io"),
    ("例子.测试", "xn--fsqu00a.xn--0zwm56d"),  # internationalised, in punycode
    ("bücher.de", "xn--bcher-kva.de"),
])
def test_the_organisational_domain(name, org):
    assert domains.organisational(name) == org


@pytest.mark.parametrize("name", ["com", "co.uk", "github.io", "", ".", "a..b.com",
                                  "[192.0.2.1]", "bad domain.com", "-x.com", "x" * 300])
def test_no_organisational_domain_for_a_suffix_or_a_non_name(name):
    assert domains.organisational(name) is None


def test_relaxed_alignment_is_by_organisational_domain():
    assert domains.aligned("bounces.example.com", "example.com")
    assert domains.aligned("example.com", "news.example.com")
    assert not domains.aligned("example.net", "example.com")
    # Two users of one hosting suffix are different organisations.
    assert not domains.aligned("alice.github.io", "bob.github.io")
    # A lookalike is not aligned: xn--exmple-cua.com is "exämple.com".
    assert not domains.aligned("exämple.com", "example.com")


def test_strict_alignment_needs_the_same_name():
    assert domains.aligned("Example.COM", "example.com.", strict=True)
    assert not domains.aligned("mail.example.com", "example.com", strict=True)


def test_a_non_name_is_never_aligned():
    assert not domains.aligned("", "example.com")
    assert not domains.aligned("com", "com")
