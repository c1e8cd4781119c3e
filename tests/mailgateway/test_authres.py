"""The Authentication-Results header the gateway writes (RFC 8601)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from trustdesk.mailgateway.analysis.authres import Result, header_value


def test_the_header_names_each_check_and_what_it_checked():
    value = header_value("mx.helpdesk.example", [
        Result("spf", "pass", properties={"smtp.mailfrom": "bounces@example.com"}),
        Result("dkim", "fail", reason="signature did not verify",
               properties={"header.d": "example.com", "header.s": "s1"}),
        Result("dmarc", "fail", properties={"header.from": "example.com"}),
    ])
    assert value == (
        "mx.helpdesk.example; spf=pass smtp.mailfrom=bounces@example.com; "
        'dkim=fail reason="signature did not verify" header.d=example.com header.s=s1; '
        "dmarc=fail header.from=example.com")


def test_nothing_checked_is_none():
    assert header_value("mx.helpdesk.example", []) == "mx.helpdesk.example; none"


def test_a_hostile_value_cannot_forge_a_header_or_a_result():
    evil = 'example.com\r\nAuthentication-Results: mx.helpdesk.example; dmarc=pass'
    value = header_value("mx.helpdesk.example", [
        Result("dmarc", "fail", properties={"header.from": evil})])
    assert "\r" not in value and "\n" not in value
    assert value.count("dmarc=") == 2  # the real one, and the attacker's text inside quotes
    assert value.endswith('"') and value.split("header.from=", 1)[1].startswith('"')
    msg = EmailMessage(policy=policy.SMTP)
    msg["Authentication-Results"] = value
    msg["From"] = "someone@example.com"
    msg.set_content("hello")
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert len(parsed.get_all("Authentication-Results")) == 1
    assert 'header.from="example.com' in str(parsed["Authentication-Results"])


@pytest.mark.parametrize(("method", "result"), [("spf", "maybe"), ("dmarc", "softfail"),
                                                ("smtp", "pass")])
def test_only_results_the_rfc_defines(method, result):
    with pytest.raises(ValueError):
        Result(method, result)


def test_properties_are_ptype_dot_name():
    with pytest.raises(ValueError):
        Result("spf", "pass", properties={"mailfrom; dmarc=pass": "x"})


def test_special_characters_are_quoted():
    value = header_value("mx", [Result("dkim", "pass", properties={"header.s": "a=b/c"})])
    assert value == 'mx; dkim=pass header.s="a=b/c"'
    value = header_value("mx", [Result("spf", "pass",
                                       properties={"smtp.mailfrom": "ada@example.com"})])
    assert value == "mx; spf=pass smtp.mailfrom=ada@example.com"
