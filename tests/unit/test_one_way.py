"""One way to do each thing: one card mask, one unknown-token error, one way to build an
actor, a permission on every refusal, and no dead helpers left behind."""

from __future__ import annotations

import pytest

from trustdesk.access import masking, policy
from trustdesk.accounts.actors import actor_for_cli, actor_for_user
from trustdesk.core.actor import Actor
from trustdesk.core.errors import PermissionDenied
from trustdesk.customers.models import Customer, subject_for
from trustdesk.privacy.inventory import FieldSpec
from trustdesk.vault import cards, tokens
from trustdesk.vault.errors import TokenUnknown


@pytest.mark.parametrize(("value", "shown"), [
    ("4111111111111111", "411111••••••1111"),
    ("4111 1111 1111 1111", "411111••••••1111"),
    ("5018-0000-0009", "••••••••0009"),  # a 12-digit Maestro: six digits stay hidden
    ("378282246310005", "•••••••••••0005"),  # 15 digits: BIN and last four would leave 5
    ("411111••••••1111", "411111••••••1111"),  # masked already
    ("1234", "••••"),
])
def test_one_card_mask(value, shown):
    assert masking.mask_card is cards.mask
    assert cards.mask(value) == shown
    assert masking.mask("card_number", value) == shown


@pytest.mark.django_db
def test_one_error_for_an_unknown_token(make_customer):
    subject = subject_for(make_customer().id)
    with pytest.raises(TokenUnknown):
        cards.detokenize(subject, "card_nosuchtoken")
    with pytest.raises(TokenUnknown):
        tokens.detokenize(subject, "pii_email_nosuchtoken")


@pytest.mark.django_db
def test_a_refusal_names_its_permission():
    assert PermissionDenied().permission == ""
    assert PermissionDenied("no", permission="customer.reveal").permission == "customer.reveal"
    with pytest.raises(PermissionDenied) as caught:
        policy.require(Actor(kind="agent", label="a@example.com", role="auditor"),
                       "customer.update")
    assert caught.value.permission == "customer.update"


@pytest.mark.django_db
def test_one_way_to_build_an_actor(make_user, make_team):
    team = make_team()
    user = make_user("agent", teams=[team])
    person, cli = actor_for_user(user), actor_for_cli(user, command="token")
    assert (person.role, person.team_ids) == (cli.role, cli.team_ids) == ("agent",
                                                                          frozenset({team.pk}))
    assert not person.reauthenticated and cli.reauthenticated
    assert Actor.anonymous("  Someone@Example.COM ").label == "someone@example.com"
    assert Actor.anonymous("").label == "(unknown)"


def test_dead_code_is_gone():
    from trustdesk.accounts import reauth

    assert not hasattr(Customer, "vault_subject")
    assert not hasattr(FieldSpec, "confidential")
    for helper in ("confirm", "require_recent", "reauthentication_required"):
        assert not hasattr(reauth, helper)
