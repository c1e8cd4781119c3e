"""Account security: the sign-in address cannot be moved by a session, an admin's change
takes effect only once confirmed from the new mailbox (the old one is told), and a new
password ends the other sessions and revokes the API tokens. All of it is audited."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from signin import PASSWORD, age_sign_in, reauthenticate, sign_in
from trustdesk.accounts import credentials, services
from trustdesk.accounts.models import ApiToken, User
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quartz meadow lantern bicycle orbit 47"
EVIL = "attacker@example.net"


def _signed_in(user) -> Client:
    client = Client()
    assert sign_in(client, user).status_code == 302
    return client


def _signed_in_to_console(client: Client) -> bool:
    page = client.get("/accounts/email/")  # any page that needs a session
    return page.status_code == 200


def _link(message, path: str) -> str:
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", message.body)
    assert found, message.body
    return found.group(1)


def _mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_a_session_cannot_add_an_address_make_it_primary_and_reset_to_it(make_user):
    agent = make_user("agent")  # no second factor
    client = _signed_in(agent)
    assert client.get("/accounts/email/").status_code == 200  # shows the address
    added = client.post("/accounts/email/", {"action_add": "", "email": EVIL})
    primary = client.post("/accounts/email/", {"action_primary": "", "email": EVIL})
    removed = client.post("/accounts/email/", {"action_remove": "", "email": agent.email})
    assert {added.status_code, primary.status_code, removed.status_code} == {405}
    assert not EmailAddress.objects.filter(email=EVIL).exists()
    agent.refresh_from_db()
    assert agent.email != EVIL

    Client().post("/accounts/password/reset/", {"email": EVIL})
    assert not any("password" in m.body.lower() and "/accounts/password/reset/key/" in m.body
                   for m in _mail_to(EVIL))


def _change_by_admin(admin, agent, new_email: str) -> Client:
    client = _signed_in_admin(admin)
    age_sign_in(client, seconds=301)  # signed in a while ago: no longer a fresh confirmation
    form = {"email": new_email, "full_name": agent.full_name, "role": agent.role,
            "is_active": "on"}
    asked = client.post(f"/agents/{agent.pk}/", form)
    # Without a recent confirmation nothing is pending yet: the admin is asked first.
    assert asked.status_code == 302 and "/accounts/reauthenticate/" in asked["Location"]
    assert not EmailAddress.objects.filter(email=new_email).exists()
    reauthenticate(client)
    done = client.post(f"/agents/{agent.pk}/", form)
    assert done.status_code == 302, done.content[:500]
    return client


def _signed_in_admin(admin) -> Client:
    from signin import totp

    client = Client()
    sign_in(client, admin)
    client.post("/accounts/2fa/authenticate/", {"code": totp(admin.totp_secret)})
    assert _signed_in_to_console(client)
    return client


def test_an_admin_changes_an_address_and_it_counts_only_once_confirmed(make_user):
    admin, agent = make_user("admin"), make_user("agent")
    old, new = agent.email, "renamed.agent@example.com"
    mail.outbox.clear()
    _change_by_admin(admin, agent, new)

    agent.refresh_from_db()
    assert agent.email == old  # still the sign-in address
    pending = EmailAddress.objects.get(email=new)
    assert not pending.verified and not pending.primary
    confirmation = _mail_to(new)
    assert len(confirmation) == 1
    # Unconfirmed, the new address neither signs in nor receives a reset link.
    assert sign_in(Client(), User(email=new)).status_code == 200
    mail.outbox.clear()
    Client().post("/accounts/password/reset/", {"email": new})
    assert not any("/accounts/password/reset/key/" in m.body for m in mail.outbox)

    confirm = _link(confirmation[0], "/accounts/confirm-email/")
    assert Client().post(confirm).status_code == 302
    agent.refresh_from_db()
    assert agent.email == new
    assert list(EmailAddress.objects.filter(user=agent).values_list("email", flat=True)) \
        == [new]
    told = _mail_to(old)
    assert told and new in told[0].body  # the old address hears of the change
    assert sign_in(Client(), agent).status_code == 302  # with the new address
    assert sign_in(Client(), User(email=old)).status_code == 200

    requested = AuditEvent.objects.get(action="agent.email_change_requested")
    assert requested.actor_label == admin.email and requested.context == {"from": old,
                                                                          "to": new}
    changed = AuditEvent.objects.get(action="auth.email_changed")
    assert changed.object_id == str(agent.pk) and changed.context == {"from": old, "to": new}
    assert AuditEvent.objects.filter(action="auth.email_confirmed",
                                     object_id=str(agent.pk)).exists()


def test_nobody_changes_their_own_address(make_user, as_actor):
    admin = make_user("admin")
    with pytest.raises(PermissionDenied):
        credentials.email_change_request(actor=as_actor(admin), user_id=admin.pk,
                                         email="elsewhere@example.com")
    agent = make_user("agent")
    with pytest.raises(PermissionDenied):
        credentials.email_change_request(actor=as_actor(agent), user_id=make_user().pk,
                                         email="elsewhere@example.com")
    assert not EmailAddress.objects.filter(email="elsewhere@example.com").exists()


def test_a_password_change_ends_the_other_sessions_and_revokes_tokens(make_user, system):
    agent = make_user("agent")
    here, elsewhere = _signed_in(agent), _signed_in(agent)
    token = services.token_create(actor=system, user=agent, name="script").token
    changed = here.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302, changed.content[:500]

    assert _signed_in_to_console(here)  # the session that changed it stays
    assert not _signed_in_to_console(elsewhere)
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="auth.password_change")
    assert event.object_id == str(agent.pk) and event.actor_label == agent.email
    assert event.context == {"sessions_ended": 1, "tokens_revoked": 1}
    assert _mail_to(agent.email)  # the person is told


def test_a_password_reset_ends_every_session_and_revokes_tokens(make_user, system):
    agent = make_user("agent")
    signed_in = _signed_in(agent)
    services.token_create(actor=system, user=agent, name="script")
    mail.outbox.clear()
    anonymous = Client()
    anonymous.post("/accounts/password/reset/", {"email": agent.email})
    link = _link(_mail_to(agent.email)[0], "/accounts/password/reset/key/")
    form_page = anonymous.get(link, follow=True)
    assert form_page.status_code == 200
    reset = anonymous.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain
                           else link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert reset.status_code == 302, reset.content[:500]

    assert not _signed_in_to_console(signed_in)
    assert not ApiToken.objects.filter(user=agent, revoked_at=None).exists()
    event = AuditEvent.objects.get(action="auth.password_reset")
    assert event.object_id == str(agent.pk)
    assert event.context == {"sessions_ended": 1, "tokens_revoked": 1}
    assert sign_in(Client(), agent, NEW_PASSWORD).status_code == 302


def test_allauths_own_address_flows_would_ask_for_a_recent_confirmation(make_user):
    # A backstop behind the read-only page: allauth's flows themselves refuse to change
    # an address without a recent password or second factor.
    from allauth.account.internal.flows import manage_email
    from allauth.core.exceptions import ReauthenticationRequired
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    agent = make_user("agent")
    request = RequestFactory().post("/accounts/email/")
    request.user, request.session = agent, SessionStore()
    address = EmailAddress.objects.create(user=agent, email=EVIL, verified=True)
    with pytest.raises(ReauthenticationRequired):
        manage_email.mark_as_primary(request, address)
    with pytest.raises(ReauthenticationRequired):
        manage_email.delete_email(request, address)
    agent.refresh_from_db()
    assert agent.email != EVIL
