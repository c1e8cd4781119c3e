"""The `trustdesk` command: what an operator types, checked as they would see it."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helpers import opened_messages, stored_profile
from trustdesk.accounts.models import ApiToken, User
from trustdesk.accounts.services import token_authenticate
from trustdesk.config.demo import seed as demo
from trustdesk.customers.models import Customer
from trustdesk.tickets.models import Message, Ticket

TRUSTDESK = [sys.executable, "-m", "trustdesk.config.cli"]


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    env["TRUSTDESK_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


def _call(*args, stdin: str = "") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out, stderr=err)
    finally:
        sys.stdin = old
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_createadmin_reads_password_from_stdin():
    out, _ = _call("createadmin", "--email", "Boss@Example.com", "--password-stdin",
                   stdin="a perfectly long passphrase\n")
    assert "Created admin boss@example.com" in out
    user = User.objects.get(email="boss@example.com")
    assert user.role == "admin" and user.check_password("a perfectly long passphrase")
    with pytest.raises(CommandError, match="already exists"):
        _call("createadmin", "--email", "boss@example.com", "--password-stdin",
              stdin="another long passphrase!\n")
    with pytest.raises(CommandError, match="at least 15"):
        _call("createadmin", "--email", "b2@example.com", "--password-stdin", stdin="short\n")


@pytest.mark.django_db
def test_token_create_prints_the_token_once(make_user):
    user = make_user("agent", email="scripted@example.com")
    out, err = _call("token", "create", "--user", "scripted@example.com", "--scopes",
                     "ticket.*,customer.view", "--expires", "30")
    secret = out.strip()
    assert token_authenticate(secret)[0] == user
    assert "shown only now" in err and secret not in err
    token = ApiToken.objects.get(user=user)
    assert token.scopes == ["customer.view", "ticket.*"]
    assert secret not in json.dumps([token.digest, token.prefix, token.name])
    listing, _ = _call("token", "list", "--user", "scripted@example.com")
    assert secret not in listing and str(token.pk) in listing
    _call("token", "revoke", "--user", "scripted@example.com", str(token.pk))
    with pytest.raises(CommandError, match="No account"):
        _call("token", "create", "--user", "nobody@example.com")
    with pytest.raises(CommandError, match="Unknown scope"):
        _call("token", "create", "--user", "scripted@example.com", "--scopes", "root")


def test_datamap_show_lists_every_field():
    out, _ = _call("datamap", "show")
    lines = out.splitlines()
    assert lines[1].split()[:5] == ["NAME", "CATEGORY", "SENSITIVITY", "REQUIRED", "RETENTION"]
    assert any(line.startswith("date_of_birth") and "restricted" in line for line in lines)
    data = json.loads(_call("datamap", "show", "--format", "json")[0])
    assert {f["name"] for f in data["fields"]} >= {"full_name", "email", "phone"}
    assert {"name": "satisfaction_surveys", "label": "Satisfaction surveys",
            "legal_basis": "legitimate_interests"}.items() <= data["purposes"][0].items()
    assert any(line.strip().startswith("satisfaction_surveys") for line in lines)


def _snapshot():
    profiles = {c.pk: stored_profile(c.pk) for c in Customer.objects.all()}
    return (
        sorted(tuple(sorted(p.items())) for p in profiles.values()),
        sorted((profiles[t.customer_id]["email"], t.subject, t.status, t.priority, t.channel,
                tuple(m.body for m in opened_messages(t.messages.all())))
               for t in Ticket.objects.all()),
        sorted(User.objects.values_list("email", "role")),
    )


@pytest.mark.django_db
def test_demo_is_deterministic_and_realistic(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    logins = demo.seed(seed=7, customers_count=12, tickets_count=30)
    first = _snapshot()
    assert Customer.objects.count() == 12 and Ticket.objects.count() == 30
    assert {login.role for login in logins} >= {"agent", "supervisor", "admin",
                                                "security_officer"}
    assert Message.objects.filter(direction="outbound").exists()
    assert {t.status for t in Ticket.objects.all()} >= {"new", "pending", "solved"}
    assert oct((tmp_path / "demo-logins.txt").stat().st_mode & 0o777) == "0o600"
    for login in logins:
        assert User.objects.get(email=login.email).check_password(login.password)
    from trustdesk.mailgateway.models import OutboundMail, Route

    # A support address for mail, made after the demo's replies: none of them was emailed.
    assert Route.objects.get().address == f"support@{demo.DEMO_DOMAIN}"
    assert not OutboundMail.objects.exists()
    # Nothing dated in the future; people old enough for the access review to judge.
    from django.db.models import Max

    from trustdesk.accounts import review
    from trustdesk.core import clock
    now = clock.now()
    for model, column in ((Message, "created_at"), (Ticket, "last_message_at"),
                          (Ticket, "updated_at"), (Ticket, "created_at"),
                          (Customer, "created_at"), (User, "date_joined")):
        latest = model.objects.aggregate(latest=Max(column))["latest"]
        assert latest <= now, (model.__name__, column, latest, now)
    old = now - dt.timedelta(days=review.DEFAULT_DAYS)
    assert User.objects.filter(date_joined__lt=old).count() >= len(logins) - 1
    assert User.objects.filter(date_joined__gte=old).exists()  # and one new hire

    Route.objects.all().delete()
    Message.objects.all().delete()
    Ticket.objects.all().delete()
    Customer.objects.all().delete()
    User.objects.all().delete()
    from trustdesk.accounts.models import Team
    from trustdesk.tickets.models import SlaPolicy, Tag
    Team.objects.all().delete()
    SlaPolicy.objects.all().delete()
    Tag.objects.all().delete()
    from trustdesk.customers.models import Organisation
    Organisation.objects.all().delete()
    demo.seed(seed=7, customers_count=12, tickets_count=30)
    assert _snapshot() == first


def test_production_refuses_to_start_without_a_secret(tmp_path):
    result = subprocess.run([*TRUSTDESK, "check"], env=_env(tmp_path, TRUSTDESK_ENV="production",
                            TRUSTDESK_ALLOWED_HOSTS="helpdesk.example.com"),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "TRUSTDESK_SECRET_KEY is required in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_deploy_check_is_clean(tmp_path):
    # A production deployment names where vulnerabilities are reported (security.txt),
    # and sends mail and text messages off the machine (verification codes go by them).
    env = _env(tmp_path, TRUSTDESK_ENV="production", TRUSTDESK_ALLOWED_HOSTS="helpdesk.example.com",
               TRUSTDESK_SECRET_KEY=secrets.token_urlsafe(64),
               TRUSTDESK_SECURITY_CONTACT="mailto:security@example.com",
               TRUSTDESK_SMTP_RELAY="relay.example.com:587",
               TRUSTDESK_SMS_BACKEND="sms_provider.Sms")
    result = subprocess.run([*TRUSTDESK, "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_deploy_check_says_codes_would_stay_on_the_machine(tmp_path):
    env = _env(tmp_path, TRUSTDESK_ENV="production", TRUSTDESK_ALLOWED_HOSTS="helpdesk.example.com",
               TRUSTDESK_SECRET_KEY=secrets.token_urlsafe(64),
               TRUSTDESK_SECURITY_CONTACT="mailto:security@example.com",
               TRUSTDESK_SMTP_RELAY="relay.example.com:587", TRUSTDESK_SMS_BACKEND="console")
    result = subprocess.run([*TRUSTDESK, "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "trustdesk.W011" in result.stderr and "TRUSTDESK_SMS_BACKEND" in result.stderr
    assert "TRUSTDESK_EMAIL_BACKEND" not in result.stderr


def test_development_secret_is_generated_once_and_private(tmp_path):
    env = _env(tmp_path)
    for _ in range(2):
        subprocess.run([*TRUSTDESK, "check"], env=env, check=True, capture_output=True,
                       timeout=120)
    key = tmp_path / "data" / "secret_key"
    assert len(key.read_text().strip()) >= 50
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "data").stat().st_mode & 0o777) == "0o700"
