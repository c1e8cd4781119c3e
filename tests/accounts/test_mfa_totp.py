"""TOTP (RFC 6238) interoperates with Debian's ``oathtool``: enrol with one of its codes,
sign in with another, and a code is never accepted twice — not on sign-in, not on
re-authentication, not even an older code once a newer one was used."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client

from conftest import enrol_totp
from signin import PERIOD, away_from_step_edge, reauthenticate, sign_in, totp
from trustdesk.audit.models import AuditEvent

OATHTOOL = shutil.which("oathtool")
needs_oathtool = pytest.mark.skipif(
    OATHTOOL is None, reason="Debian's oathtool is not installed (apt-get install oathtool)")

pytestmark = pytest.mark.django_db


def oathtool(secret: str, *, steps: int = 0) -> str:
    """The code oathtool computes for ``secret``, ``steps`` periods from now."""
    at = int(time.time()) + steps * PERIOD
    out = subprocess.run([OATHTOOL, "--totp", "-b", f"--now=@{at}", secret],
                         capture_output=True, text=True, check=True, timeout=10)
    return out.stdout.strip()


def _secret_on_page(response) -> str:
    page = response.content.decode()
    match = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', page) or \
        re.search(r'value="([A-Z2-7=]{32})"[^>]*id="authenticator_secret"', page)
    assert match, "the activation page shows the secret to type into an app"
    return html.unescape(match.group(1))


def _enrol_with_oathtool(client: Client) -> str:
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = _secret_on_page(page)
    # The QR code carries the same secret as an otpauth:// URI (as an inline SVG image).
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    # Enrol with the code of the previous time step (within the allowed drift).
    response = client.post("/accounts/2fa/totp/activate/",
                           {"code": oathtool(secret, steps=-1)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


@needs_oathtool
def test_enrol_and_sign_in_with_oathtool_codes_each_used_once(make_user):
    admin = make_user("admin", mfa=False)
    away_from_step_edge()
    client = Client()
    assert sign_in(client, admin).status_code == 302
    # The role requires MFA: every page leads to the MFA settings until enrolment.
    assert client.get("/tickets/")["Location"] == "/accounts/2fa/"
    reauthenticate(client)
    secret = _enrol_with_oathtool(client)
    totp_row = Authenticator.objects.get(user=admin, type="totp")
    # The secret is sealed by the vault, not stored as typed.
    assert secret not in str(totp_row.data)
    assert Authenticator.objects.filter(user=admin, type="recovery_codes").exists()
    assert client.get("/tickets/").status_code == 200
    client.post("/accounts/logout/")

    # Sign in again: password, then a fresh oathtool code.
    away_from_step_edge()
    browser = Client()
    response = sign_in(browser, admin)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The code used to enrol (previous step) is not accepted again.
    refused = browser.post("/accounts/2fa/authenticate/", {"code": oathtool(secret, steps=-1)})
    assert refused.status_code == 200 and "Incorrect code" in refused.content.decode()
    code = oathtool(secret)
    assert code == totp(secret)  # allauth and oathtool agree on RFC 6238
    response = browser.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/"
    assert browser.get("/tickets/").status_code == 200

    # Another browser replaying the same code is refused, and signed in nowhere — even
    # through another server process, whose cache has not seen the code.
    cache.clear()
    thief = Client()
    assert sign_in(thief, admin)["Location"] == "/accounts/2fa/authenticate/"
    replay = thief.post("/accounts/2fa/authenticate/", {"code": code})
    assert replay.status_code == 200 and "Incorrect code" in replay.content.decode()
    assert thief.get("/tickets/").status_code == 302

    events = list(AuditEvent.objects.filter(object_id=str(admin.pk)).values_list(
        "action", "outcome"))
    assert ("mfa.add", "allowed") in events and ("auth.mfa", "allowed") in events
    assert events.count(("auth.mfa_failed", "denied")) == 2


@needs_oathtool
def test_a_code_used_to_sign_in_cannot_confirm_a_sensitive_action(make_user):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    user = make_user("security_officer", mfa=False)
    enrol_totp(user, secret)
    away_from_step_edge()
    client = Client()
    sign_in(client, user)
    code = oathtool(secret)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    # Re-authentication by authenticator code: the same code again is refused ...
    again = client.post("/accounts/2fa/reauthenticate/", {"code": code})
    assert again.status_code == 200 and "Incorrect code" in again.content.decode()
    # ... and so is an older one (the previous step), while the next step's code works.
    older = client.post("/accounts/2fa/reauthenticate/", {"code": oathtool(secret, steps=-1)})
    assert older.status_code == 200
    newer = client.post("/accounts/2fa/reauthenticate/", {"code": oathtool(secret, steps=1)})
    assert newer.status_code == 302


def test_a_wrong_code_is_refused_and_counted(make_user):
    user = make_user("admin")
    client = Client()
    sign_in(client, user)
    wrong = f"{(int(totp(user.totp_secret)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert client.get("/tickets/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.mfa_failed", outcome="denied").count() == 1
