"""/.well-known/security.txt against RFC 9116: the required fields once each, their
formats, plain text in UTF-8; not served without a valid contact, and no setting can
add a field of its own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import checks
from django.test import Client

pytestmark = pytest.mark.django_db
URL = "/.well-known/security.txt"
_FIELD = re.compile(r"^([A-Za-z0-9-]+): (\S.*)$")
KNOWN = {"acknowledgments", "canonical", "contact", "encryption", "expires", "hiring",
         "policy", "preferred-languages", "csaf"}


def validate(text: str, *, now: dt.datetime) -> dict[str, list[str]]:
    """RFC 9116 §2-3: lines are comments, blank, or "Field: value"; Contact at least
    once (a URI; mailto:, https: or tel:); Expires exactly once, an RFC 3339 time in the
    future and (recommended) under a year ahead; Preferred-Languages at most once, a
    comma-separated list of tags; URIs in Canonical and Policy are https."""
    fields: dict[str, list[str]] = {}
    assert text.endswith("\n") and "\r" not in text
    for line in text.split("\n")[:-1]:
        if not line or line.startswith("#"):
            continue
        m = _FIELD.match(line)
        assert m, f"not a field: {line!r}"
        name = m.group(1).lower()
        assert name in KNOWN, name
        fields.setdefault(name, []).append(m.group(2))
    assert fields.get("contact"), "Contact is required"
    for uri in fields["contact"]:
        assert re.fullmatch(r"(mailto:|https://|tel:)\S+", uri), uri
    assert len(fields.get("expires", [])) == 1, "Expires exactly once"
    expires = dt.datetime.fromisoformat(fields["expires"][0].replace("Z", "+00:00"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fields["expires"][0])
    assert now < expires < now + dt.timedelta(days=365)
    assert len(fields.get("preferred-languages", [])) <= 1
    for langs in fields.get("preferred-languages", []):
        assert all(re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", t.strip())
                   for t in langs.split(","))
    for name in ("canonical", "policy"):
        for uri in fields.get(name, []):
            assert uri.startswith("https://"), uri
    return fields


def test_a_valid_file_with_canonical_and_policy(settings):
    settings.SECURITY_CONTACT = "mailto:security@example.com"
    settings.PUBLIC_URL = "https://help.example.com"
    response = Client().get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = validate(response.content.decode("utf-8"), now=dt.datetime.now(dt.UTC))
    assert fields["contact"] == ["mailto:security@example.com"]
    assert fields["preferred-languages"] == ["en, zh"]
    assert fields["canonical"] == ["https://help.example.com/.well-known/security.txt"]
    assert fields["policy"] == ["https://help.example.com/trust/#security"]


def test_expires_follows_the_setting_and_never_reaches_a_year(settings):
    settings.SECURITY_CONTACT = "https://example.com/security"
    settings.PUBLIC_URL = ""
    now = dt.datetime.now(dt.UTC)
    for days in (1, 180, 364, 5000):
        settings.SECURITY_TXT_DAYS = days
        fields = validate(Client().get(URL).content.decode(), now=now)
        assert "canonical" not in fields and "policy" not in fields  # never guessed
        expires = dt.datetime.fromisoformat(fields["expires"][0].replace("Z", "+00:00"))
        assert (expires - now).days in (min(days, 364) - 1, min(days, 364))


@pytest.mark.parametrize("contact", [
    "", "security@example.com", "ftp://example.com", "javascript:alert(1)",
    "mailto:security@example.com\r\nExpires: 2999-01-01T00:00:00Z",
    "mailto:security@example.com\nPolicy: https://evil.example/",
    "https://example.com/a b", "mailto:sécurité@example.com", "https://" + "a" * 260,
])
def test_no_valid_contact_no_file(settings, contact):
    settings.SECURITY_CONTACT = contact
    response = Client().get(URL)
    assert response.status_code == 404
    assert b"Expires" not in response.content and b"evil" not in response.content


def test_a_plain_http_public_url_gives_no_canonical_or_policy(settings):
    settings.SECURITY_CONTACT = "mailto:security@example.com"
    settings.PUBLIC_URL = "http://help.example.com"
    fields = validate(Client().get(URL).content.decode(), now=dt.datetime.now(dt.UTC))
    assert "canonical" not in fields and "policy" not in fields


def test_a_public_url_with_a_line_break_adds_no_field(settings):
    settings.SECURITY_CONTACT = "mailto:security@example.com"
    settings.PUBLIC_URL = "https://help.example.com\r\nContact: mailto:evil@evil.example"
    settings.CONSOLE_URL = ""
    text = Client().get(URL).content.decode()
    assert "evil" not in text and "Canonical" not in text
    validate(text, now=dt.datetime.now(dt.UTC))


def test_production_warns_without_a_contact_and_refuses_a_malformed_one(settings):
    from trustdesk.config.checks import security_contact

    settings.PRODUCTION, settings.SECURITY_CONTACT = True, ""
    [found] = security_contact()
    assert found.level == checks.WARNING and found.id == "trustdesk.W010"
    settings.SECURITY_CONTACT = "mailto:a@example.com\r\nX: y"
    [found] = security_contact()
    assert found.level == checks.ERROR
    settings.SECURITY_CONTACT = "mailto:a@example.com"
    assert security_contact() == []
    settings.PRODUCTION, settings.SECURITY_CONTACT = False, ""
    assert security_contact() == []
