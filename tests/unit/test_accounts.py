from datetime import timedelta

import pytest

from trustdesk.accounts import services, token_cache
from trustdesk.accounts.errors import EmailTaken, InvalidToken, WeakPassword
from trustdesk.accounts.models import ApiToken, User
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import PermissionDenied, ValidationError


@pytest.mark.django_db
def test_passwords_are_argon2id(make_user):
    from django.conf import settings

    from trustdesk.config import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = make_user()
    assert user.password.startswith("argon2$argon2id$")
    assert settings.PASSWORD_HASHERS  # tests use a cheaper Argon2id, still Argon2id


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short", "qwerty123456789", "manchesterunited"])
def test_weak_passwords_refused(system, password):
    with pytest.raises(WeakPassword):
        services.user_create(actor=system, email="x@example.com", full_name="X",
                             role="agent", password=password)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_only_agent_managers_create_agents(make_user, as_actor):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=as_actor(make_user("supervisor")), email="n@example.com",
                             full_name="N", role="agent", password="x" * 20)
    admin = as_actor(make_user("admin"))
    services.user_create(actor=admin, email="N@Example.com", full_name="N", role="agent",
                         password="correct horse battery staple")
    with pytest.raises(EmailTaken):
        services.user_create(actor=admin, email="n@example.com", full_name="N2",
                             role="agent", password="correct horse battery staple")


@pytest.mark.django_db
def test_no_self_promotion_or_self_disable(make_user, as_actor):
    admin = make_user("admin")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=as_actor(admin), user_id=admin.pk, role="security_officer")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=as_actor(admin), user_id=admin.pk, is_active=False)


@pytest.mark.django_db
def test_token_lifecycle(system, make_user, as_actor):
    user = make_user("agent")
    issued = services.token_create(actor=as_actor(user), user=user, name="script",
                                   scopes=["ticket.*"], expires_days=7)
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret not in (row.digest, row.prefix) and issued.secret.startswith("tdk_")
    assert services.token_authenticate(issued.secret)[0] == user
    with pytest.raises(InvalidToken):
        services.token_authenticate(issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B"))
    ApiToken.objects.filter(pk=row.pk).update(expires_at=row.created_at - timedelta(days=1))
    token_cache.clear()  # a bulk update sends no signal; every process follows within TTL
    with pytest.raises(InvalidToken):
        services.token_authenticate(issued.secret)
    assert AuditEvent.objects.filter(action="token.create", object_id=str(row.pk)).exists()


@pytest.mark.django_db
def test_every_issued_token_authenticates(system, make_user):
    # The random part is URL-safe base64, which may contain the "_" separator itself.
    user = make_user("agent")
    for _ in range(40):
        issued = services.token_create(actor=system, user=user, name="t")
        assert services.token_authenticate(issued.secret)[1].pk == issued.token.pk


@pytest.mark.django_db
def test_token_rules(system, make_user, as_actor):
    user, other = make_user("agent"), make_user("agent")
    with pytest.raises(ValidationError):
        services.token_create(actor=system, user=user, name="t", scopes=["nonsense.*"])
    with pytest.raises(ValidationError):
        services.token_create(actor=system, user=user, name="t", expires_days=5000)
    with pytest.raises(PermissionDenied):  # nobody mints tokens for someone else
        services.token_create(actor=as_actor(other), user=user, name="t")


@pytest.mark.django_db
def test_disabling_an_agent_revokes_tokens(system, make_user, as_actor):
    user = make_user("agent")
    issued = services.token_create(actor=system, user=user, name="t")
    services.user_update(actor=as_actor(make_user("admin")), user_id=user.pk, is_active=False)
    with pytest.raises(InvalidToken):
        services.token_authenticate(issued.secret)
