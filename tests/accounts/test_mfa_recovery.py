"""Recovery codes: generated behind re-authentication, each accepted once, every use
audited with how many are left."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from signin import away_from_step_edge, reauthenticate, sign_in, totp
from trustdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _signed_in_with_totp(user) -> Client:
    away_from_step_edge()
    client = Client()
    assert sign_in(client, user)["Location"] == "/accounts/2fa/authenticate/"
    assert client.post("/accounts/2fa/authenticate/",
                       {"code": totp(user.totp_secret)}).status_code == 302
    return client


def _codes(client: Client) -> list[str]:
    page = client.get("/accounts/2fa/recovery-codes/")
    assert page.status_code == 200
    return re.findall(r"\b\d{8}\b", page.content.decode())


def test_recovery_codes_work_once_each(make_user):
    user = make_user("supervisor")
    client = _signed_in_with_totp(user)
    # Generating codes is a sensitive change: it asks for the password first.
    first = client.post("/accounts/2fa/recovery-codes/generate/")
    assert first.status_code == 302 and "/accounts/reauthenticate/" in first["Location"]
    reauthenticate(client)
    assert client.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    codes = _codes(client)
    assert len(codes) == 10 and len(set(codes)) == 10

    for n, code in enumerate(codes[:2], start=1):
        browser = Client()
        assert sign_in(browser, user)["Location"] == "/accounts/2fa/authenticate/"
        assert browser.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
        assert browser.get("/tickets/").status_code == 200
        event = AuditEvent.objects.filter(action="mfa.recovery_code_used").order_by("-id")[0]
        assert event.context["left"] == 10 - n and event.object_id == str(user.pk)

        again = Client()
        sign_in(again, user)
        refused = again.post("/accounts/2fa/authenticate/", {"code": code})
        assert refused.status_code == 200 and "Incorrect code" in refused.content.decode()
        assert again.get("/tickets/").status_code == 302

    assert AuditEvent.objects.filter(action="mfa.recovery_code_used").count() == 2
    # The page now lists only the eight codes left.
    assert sorted(_codes(client)) == sorted(codes[2:])


def test_regenerating_replaces_every_old_code(make_user):
    user = make_user("admin")
    client = _signed_in_with_totp(user)
    reauthenticate(client)
    client.post("/accounts/2fa/recovery-codes/generate/")
    old = _codes(client)
    client.post("/accounts/2fa/recovery-codes/generate/")
    new = _codes(client)
    assert not set(old) & set(new)
    browser = Client()
    sign_in(browser, user)
    assert browser.post("/accounts/2fa/authenticate/", {"code": old[0]}).status_code == 200
    actions = [e.action for e in AuditEvent.objects.filter(object_id=str(user.pk))
               if e.context.get("type") == "recovery_codes"]
    assert actions.count("mfa.add") == 2 and actions.count("mfa.remove") == 1
