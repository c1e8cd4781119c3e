"""Signing in through the real pages, for tests: password, second factor and
re-authentication, as a person's browser would post them."""

from __future__ import annotations

import time

from django.test import Client

PASSWORD = "a long enough passphrase for tests"
PERIOD = 30


def totp(secret: str, *, steps: int = 0) -> str:
    """The code of ``secret`` ``steps`` periods from now (allauth's own HOTP, for tests
    that are not about interoperability; see test_mfa_totp for oathtool)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // PERIOD + steps))


def away_from_step_edge(margin: float = 3.0) -> None:
    """Wait, if need be, so that the next ``margin`` seconds stay within one time step."""
    left = PERIOD - time.time() % PERIOD
    if left < margin:
        time.sleep(left + 0.1)


def sign_in(client: Client, user, password: str = PASSWORD):
    """Post the sign-in form; returns the response (a redirect to the MFA step when the
    account has a second factor)."""
    return client.post("/accounts/login/", {"login": user.email, "password": password})


def reauthenticate(client: Client, password: str = PASSWORD):
    """Confirm the password again, as the confirm page asks before sensitive actions."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content[:500]
    return response


def signed_in_confirmed(user, password: str = PASSWORD) -> Client:
    """A client that signed in through the real pages — password, then the authenticator
    code if ``user`` has one — and confirmed the password again, as before a sensitive
    action."""
    away_from_step_edge()
    client = Client()
    sign_in(client, user, password)
    if getattr(user, "totp_secret", None):
        client.post("/accounts/2fa/authenticate/", {"code": totp(user.totp_secret)})
    reauthenticate(client, password)
    return client


# allauth keeps the sign-in's steps in the session, each with its time.
RECORDS = "account_authentication_methods"


def age_sign_in(client: Client, *, seconds: int) -> None:
    """Move every authentication step of ``client``'s session ``seconds`` into the past:
    a sign-in that long ago no longer counts as a recent confirmation."""
    session = client.session
    session[RECORDS] = [{**r, "at": r["at"] - seconds} for r in session[RECORDS]]
    session.save()


def http_login(base: str, email: str, password: str, *, code: str | None = None,
               opener=None) -> tuple[int, bytes]:
    """Sign in to a running server over HTTP as a browser would (its own cookies and
    CSRF token), the authenticator ``code`` too when given; returns the last answer's
    status and body (a redirect is followed)."""
    import http.cookiejar
    import re
    import urllib.error
    import urllib.parse
    import urllib.request

    opener = opener or urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def post(path: str, fields: dict) -> tuple[int, bytes, str]:
        page = opener.open(f"{base}{path}", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(f"{base}{path}", data=data,  # noqa: S310
                                         headers={"Referer": f"{base}{path}"})
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.read(), response.url
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), exc.url

    status, body, url = post("/accounts/login/", {"login": email, "password": password})
    if code is not None and "/2fa/authenticate" in url:
        status, body, url = post("/accounts/2fa/authenticate/", {"code": code})
    return status, body


def browser_sign_in(page, user, code_for=None, password: str = PASSWORD) -> None:
    """Sign ``user`` in through the console's form in a Playwright page, with the second
    factor of ``code_for`` (a TOTP secret) when their role asks for one."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    if code_for is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        away_from_step_edge()
        page.fill("input[name=code]", totp(code_for))
        page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
