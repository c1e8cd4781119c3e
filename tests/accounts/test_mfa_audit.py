"""MFA in the audit trail and at rest: enrolment and removal are recorded in the same
transaction (no audit, no change), and secrets are sealed by the vault."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.db import DatabaseError, connection
from django.test import Client

from signin import signed_in_confirmed, totp
from trustdesk.accounts.mfa.adapter import MfaAdapter
from trustdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    return signed_in_confirmed(user)


def test_enrolment_and_removal_are_audited(make_user):
    agent = make_user("agent")
    client = _signed_in(agent)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    assert client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)}).status_code == 302
    added = AuditEvent.objects.filter(action="mfa.add", object_id=str(agent.pk))
    assert sorted(e.context["type"] for e in added) == ["recovery_codes", "totp"]
    assert all(e.actor_user_id == agent.pk and e.ip == "127.0.0.1" for e in added)

    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    removed = AuditEvent.objects.filter(action="mfa.remove", object_id=str(agent.pk))
    # The recovery codes go with the last factor.
    assert sorted(e.context["type"] for e in removed) == ["recovery_codes", "totp"]
    assert not Authenticator.objects.filter(user=agent).exists()


def test_no_enrolment_without_its_audit_event(make_user):
    agent = make_user("agent")
    client = _signed_in(agent)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]

    def disk_full(execute, sql, params, many, context):
        if "INSERT INTO audit_auditevent" in sql:
            raise DatabaseError("could not extend file: No space left on device")
        return execute(sql, params, many, context)

    client.raise_request_exception = False
    with connection.execute_wrapper(disk_full):
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 500
    assert not Authenticator.objects.filter(user=agent).exists()


def test_secrets_are_sealed_by_the_vault(make_user):
    user = make_user("admin")
    row = Authenticator.objects.get(user=user, type="totp")
    stored = row.data["secret"]
    assert stored.startswith("vault:") and user.totp_secret not in stored
    assert MfaAdapter().decrypt(stored) == user.totp_secret
    with pytest.raises(ValueError):
        MfaAdapter().decrypt(user.totp_secret)  # never read as plain text
