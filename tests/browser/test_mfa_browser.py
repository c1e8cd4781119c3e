"""WebAuthn in real Chromium with a virtual authenticator (Chrome DevTools Protocol
``WebAuthn.addVirtualAuthenticator``): a supervisor who must enrol registers a passkey,
then signs in with password + key, and with the passkey alone — all under the console's
Content-Security-Policy, with no console errors."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator

from conftest import PASSWORD
from trustdesk.audit.models import AuditEvent

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page) -> tuple:
    """A CTAP2 authenticator with resident keys and user verification, that answers by
    itself (as a person touching the key would)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True}})
    return cdp, added["authenticatorId"]


def _password_step(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    # Let the page finish loading (its icon too) before the next step navigates away.
    page.wait_for_load_state("networkidle")


def test_register_a_passkey_and_sign_in_with_it(browser_page, make_user, artifacts_dir):
    page, problems = browser_page
    supervisor = make_user("supervisor", mfa=False, name="Sam Supervisor")
    cdp, authenticator_id = _virtual_authenticator(page)

    # The role requires MFA: after the password, only the security page is reachable.
    _password_step(page, supervisor)
    page.wait_for_url("**/accounts/2fa/")
    expect(page.locator(".flash-error")).to_contain_text(
        "Your role requires two-factor authentication")
    page.goto("/tickets/")
    page.wait_for_url("**/accounts/2fa/")

    # Adding a key is a sensitive change: confirm the password first.
    page.get_by_role("link", name="Add a security key").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/**")
    page.fill("input[name=name]", "Virtual key")
    page.check("input[name=passwordless]")
    page.screenshot(path=str(artifacts_dir / "mfa-add-key.png"), full_page=True)
    page.locator("#mfa_webauthn_add").click()
    # A first key comes with recovery codes, shown once it is added.
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    expect(page.locator("textarea#recovery_codes")).to_contain_text(re.compile(r"\d{8}"))

    key = Authenticator.objects.get(user=supervisor, type="webauthn")
    assert key.wrap().name == "Virtual key" and key.wrap().is_passwordless
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    page.goto("/tickets/")
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    page.goto("/accounts/2fa/")
    expect(page.locator(".security-grid")).to_contain_text("Virtual key")
    page.screenshot(path=str(artifacts_dir / "mfa-security-page.png"), full_page=True)
    _sign_out(page)

    # Password, then the security key as the second factor.
    _password_step(page, supervisor)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.screenshot(path=str(artifacts_dir / "mfa-authenticate.png"), full_page=True)
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url("**/tickets/")
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    _sign_out(page)

    # The passkey alone (it verified the user itself).
    page.get_by_role("button", name="Use a passkey instead").click()
    page.wait_for_url("**/tickets/")
    expect(page.locator(".whoami .who")).to_have_text("Sam Supervisor")

    used = AuditEvent.objects.filter(action="auth.mfa", object_id=str(supervisor.pk))
    assert used.count() == 2
    assert [e.context["passwordless"] for e in used.order_by("id")] == [False, True]
    assert [e.context["type"] for e in AuditEvent.objects.filter(action="mfa.add")].count(
        "webauthn") == 1

    page.wait_for_load_state("networkidle")
    assert problems.csp_violations == []
    assert problems.all() == []


def test_enrol_an_authenticator_app_in_the_browser(browser_page, make_user, artifacts_dir):
    """The QR code page works under the CSP; the code typed comes from the shown secret."""
    from signin import away_from_step_edge, totp

    page, problems = browser_page
    officer = make_user("privacy_officer", mfa=False)
    _password_step(page, officer)
    page.wait_for_url("**/accounts/2fa/")
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    expect(page.locator("img.qr")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts_dir / "mfa-activate-totp.png"), full_page=True)
    away_from_step_edge()
    page.fill("input[name=code]", totp(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert Authenticator.objects.filter(user=officer, type="totp").exists()
    page.wait_for_load_state("networkidle")  # let its icon load before moving on
    page.goto("/customers/")
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert problems.all() == []
