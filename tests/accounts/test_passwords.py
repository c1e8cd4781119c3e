"""Passwords after NIST SP 800-63B: Argon2id at or above OWASP's parameters; 8 characters
with MFA and 15 without; 64 and more accepted; no composition rules; common and
guessable passwords refused with a reason; pasting allowed."""

from __future__ import annotations

import io
import re

import pytest
from argon2 import extract_parameters
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from signin import reauthenticate, signed_in_confirmed
from trustdesk.accounts import services
from trustdesk.accounts.errors import WeakPassword
from trustdesk.accounts.models import User

pytestmark = pytest.mark.django_db

# Random-looking, so only the length rules decide.
EIGHT = "vQ7#kd9Z"
FOURTEEN = "vQ7#kd9Zr2!wXm"
FIFTEEN = "vQ7#kd9Zr2!wXmp"
LONG = "correct horse battery staple " * 4  # 116 characters, spaces included


def _errors(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


def test_the_configured_hasher_is_argon2id_at_or_above_owasp():
    from trustdesk.config import settings as configured

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = Argon2PasswordHasher().encode("a long enough passphrase for tests",
                                            Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$argon2id$")
    params = extract_parameters(encoded.removeprefix("argon2"))
    # OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1 at the least.
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1


def test_length_depends_on_a_second_factor(make_user):
    without = make_user("agent")
    assert any("at least 15 characters" in m for m in _errors(FOURTEEN, without))
    assert _errors(FIFTEEN, without) == []
    assert any("at least 15" in m for m in _errors(EIGHT, without))

    with_mfa = make_user("agent", mfa=True)
    assert _errors(EIGHT, with_mfa) == []
    assert any("at least 8 characters" in m for m in _errors(EIGHT[:7], with_mfa))
    # A new account (no factor yet) needs the longer password.
    assert any("at least 15" in m for m in _errors(EIGHT))


def test_long_passwords_and_any_characters_are_accepted(make_user):
    user = make_user("agent")
    assert len(LONG) >= 64
    for password in (LONG, "ünïcödé paßwörd with spaces ✓ 🙂 and more", ("p" + LONG * 3)[:256]):
        assert _errors(password, user) == [], password
    assert any("too long" in m for m in _errors("a9!" * 100, user))


def test_no_composition_rules(make_user):
    user = make_user("agent")
    # Lower case letters and spaces only: long and unguessable, so accepted.
    assert _errors("plum tractor oboe galaxy", user) == []
    assert _errors("1938475610293847561", user) == []  # digits only are fine too


@pytest.mark.parametrize("password", ["1qaz2wsx3edc4rfv", "friend of emily"])
def test_passwords_on_the_common_list_are_refused(password, make_user):
    # Long enough, but on the bundled list of the 20,000 most common passwords.
    messages = _errors(password, make_user("agent"))
    assert "This password is too common." in messages, messages


@pytest.mark.parametrize("password", [
    "aaaaaaaaaaaaaaaaaaaa",  # repeats
    "qwertyuiopasdfghjkl",  # a keyboard walk
    "abcdefghijklmnopqrs",  # a sequence
    "password1234567",  # a common password with digits added
])
def test_guessable_passwords_are_refused_by_the_estimator(password, make_user):
    messages = _errors(password, make_user("agent"))
    assert any(m.startswith("This password is too easy to guess.") for m in messages), messages


def test_the_persons_own_name_and_email_are_guessable(make_user):
    user = make_user("agent", email="margaret.hamilton@example.com", name="Margaret Hamilton")
    messages = _errors("margarethamilton2024", user)
    assert messages, "a password made of the person's name is refused"


def test_rules_apply_when_an_admin_creates_an_agent(system):
    with pytest.raises(WeakPassword) as caught:
        services.user_create(actor=system, email="new@example.com", full_name="New Agent",
                             role="agent", password=FOURTEEN)
    assert "at least 15 characters" in caught.value.message
    assert caught.value.field == "password"
    services.user_create(actor=system, email="new@example.com", full_name="New Agent",
                         role="agent", password=FIFTEEN)


def test_createadmin_respects_the_rules(monkeypatch):
    def create(password: str):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n"))
        call_command("createadmin", "--email", "boss@example.com", "--password-stdin",
                     stdout=io.StringIO())

    with pytest.raises(CommandError, match="too common"):
        create("1qaz2wsx3edc4rfv")
    with pytest.raises(CommandError, match="too easy to guess"):
        create("qwertyuiopasdfghjkl")
    with pytest.raises(CommandError, match="at least 15 characters"):
        create(FOURTEEN)
    create(LONG)
    assert User.objects.get(email="boss@example.com").check_password(LONG)


def test_a_person_with_mfa_may_change_to_an_eight_character_password(make_user):
    user = make_user("admin")
    client = signed_in_confirmed(user)
    page = client.get("/accounts/password/change/")
    html = page.content.decode()
    # Paste is allowed: nothing blocks it or turns autofill off on password fields.
    for field in re.findall(r"<input[^>]*type=\"password\"[^>]*>", html):
        assert "onpaste" not in field and 'autocomplete="off"' not in field, field
    weak = client.post("/accounts/password/change/", {
        "oldpassword": "a long enough passphrase for tests", "password1": "password",
        "password2": "password"})
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    ok = client.post("/accounts/password/change/", {
        "oldpassword": "a long enough passphrase for tests", "password1": EIGHT,
        "password2": EIGHT})
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password(EIGHT)


def test_sign_in_and_agent_forms_do_not_block_paste(make_user, console_client):
    admin = make_user("admin")
    pages = [Client().get("/accounts/login/"), console_client(admin).get("/agents/new/")]
    for page in pages:
        html = page.content.decode()
        assert "onpaste" not in html and "oncopy" not in html
        for field in re.findall(r"<input[^>]*type=\"password\"[^>]*>", html):
            assert 'autocomplete="off"' not in field, field


def test_a_short_password_keeps_the_last_second_factor(make_user):
    agent = make_user("agent", mfa=True)
    client = signed_in_confirmed(agent)
    assert client.post("/accounts/password/change/", {
        "oldpassword": "a long enough passphrase for tests", "password1": EIGHT,
        "password2": EIGHT}).status_code == 302
    # Eight characters are enough only with MFA: the app cannot be removed now ...
    refused = client.post("/accounts/2fa/totp/deactivate/")
    assert refused.status_code == 200
    assert "too short to be used alone" in refused.content.decode()
    # ... until the password is long enough to stand alone.
    reauthenticate(client, EIGHT)
    client.post("/accounts/password/change/", {
        "oldpassword": EIGHT, "password1": FIFTEEN, "password2": FIFTEEN})
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
