"""The official-channel registry: what an admin may declare, with clear errors for the
rest; who may change it; every change audited; the defaults nobody can take away."""

from __future__ import annotations

import pytest

from trustdesk.audit.models import AuditEvent
from trustdesk.channels import selectors, services
from trustdesk.channels.models import OfficialChannel
from trustdesk.channels.vocabulary import DEFAULT_NEVER_ASKS
from trustdesk.core.actor import Actor
from trustdesk.core.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user, as_actor):
    return as_actor(make_user("admin"))


def test_an_admin_adds_channels_of_every_kind_cleaned_to_one_form(admin):
    made = [
        services.channel_create(actor=admin, kind="email", value=" Help@Bücher.Example ",
                                label="Support", may_ask="order number, name, Name"),
        services.channel_create(actor=admin, kind="phone", value="+442079460000"),
        services.channel_create(actor=admin, kind="chat", value="https://example.com/chat"),
        services.channel_create(actor=admin, kind="social", value="example_shop"),
        services.channel_create(actor=admin, kind="web", value="https://example.com/"),
    ]
    assert [c.value for c in made] == ["help@xn--bcher-kva.example", "+44 20 7946 0000",
                                       "https://example.com/chat", "@example_shop",
                                       "https://example.com/"]
    assert made[0].may_ask == ["order number", "name"]
    for channel in made:
        assert list(channel.never_asks) == list(DEFAULT_NEVER_ASKS)
    events = AuditEvent.objects.filter(action="channel.create")
    assert events.count() == 5


@pytest.mark.parametrize(("kind", "value", "field", "says"), [
    ("email", "not an address", "value", "name@example.com"),
    ("email", "a@b", "value", "name@example.com"),
    ("email", "help?cc=victim@example.com", "value", "name@example.com"),
    ("email", "help&body=x@example.com", "value", "name@example.com"),
    ("phone", "020 7946 0000", "value", "country code"),
    ("phone", "+44 12", "value", "country code"),
    ("chat", "http://example.com/chat", "value", "https://"),
    ("chat", "javascript:alert(1)", "value", "https://"),
    ("web", "https://user:pw@example.com/", "value", "https://"),
    ("web", 'https://example.com/"onmouseover=', "value", "https://"),
    ("social", "@no spaces allowed", "value", "handle"),
    ("web", "https://example.com/ünïcode", "value", "https://"),
    ("fax", "+442079460000", "kind", "kind is one of"),
    ("email", "help@example.com\r\nBcc: x@evil.example", "value", "one line"),
    ("web", "https://example.com/" + "a" * 300, "value", "At most 254"),
])
def test_bad_values_get_a_clear_error_naming_the_field(admin, kind, value, field, says):
    with pytest.raises(ValidationError) as caught:
        services.channel_create(actor=admin, kind=kind, value=value)
    assert caught.value.field == field and says in caught.value.message
    assert not OfficialChannel.objects.exists()
    assert not AuditEvent.objects.filter(action="channel.create").exists()


@pytest.mark.parametrize(("field", "kwargs", "says"), [
    ("label", {"label": "Ask Jane on +44 20 7946 0958"}, "personal data"),
    ("label", {"label": "x" * 81}, "At most 80"),
    ("label", {"label": "Line one\nBcc: evil"}, "one line"),
    ("may_ask", {"may_ask": ["your password"]}, "no channel may ask for"),
    ("may_ask", {"may_ask": ["the CVV"]}, "no channel may ask for"),
    ("may_ask", {"may_ask": ["jane.doe@example.org"]}, "personal data"),
    ("may_ask", {"may_ask": [f"thing {n}" for n in range(13)]}, "At most 12"),
    ("may_ask", {"may_ask": {"a": 1}}, "as a list"),
    ("never_asks", {"never_asks": ["bank_pin"]}, "Unknown never-ask kind"),
    ("never_asks", {"never_asks": "password"}, "as a list"),
    ("never_asks", {"never_asks": [["x"]]}, "Unknown never-ask kind"),
])
def test_published_text_holds_no_personal_data_and_no_forbidden_asks(admin, field, kwargs,
                                                                     says):
    with pytest.raises(ValidationError) as caught:
        services.channel_create(actor=admin, kind="web", value="https://example.com/",
                                **kwargs)
    assert caught.value.field == field and says in caught.value.message


def test_an_internationalised_host_is_published_in_punycode(admin):
    # A look-alike of example.com with a Cyrillic "а" shows as what it is.
    channel = services.channel_create(actor=admin, kind="web",
                                      value="https://ex\u0430mple.com/help?x=1")
    assert channel.value == "https://xn--exmple-4nf.com/help?x=1"


def test_the_defaults_cannot_be_taken_away_and_extras_stay(admin):
    channel = services.channel_create(actor=admin, kind="phone", value="+442079460000",
                                      never_asks=["remote_access"])
    assert set(channel.never_asks) == set(DEFAULT_NEVER_ASKS) | {"remote_access"}
    changed = services.channel_update(actor=admin, channel_id=channel.pk, never_asks=[])
    assert set(changed.never_asks) == set(DEFAULT_NEVER_ASKS)
    event = AuditEvent.objects.filter(action="channel.update").get()
    assert event.outcome == AuditEvent.Outcome.ALLOWED


def test_duplicates_conflict_and_the_kind_never_changes(admin):
    channel = services.channel_create(actor=admin, kind="email", value="help@example.com")
    with pytest.raises(Conflict):
        services.channel_create(actor=admin, kind="email", value="HELP@example.com")
    with pytest.raises(ValidationError):  # checked as an email, its kind
        services.channel_update(actor=admin, channel_id=channel.pk,
                                value="https://example.com/")


@pytest.mark.parametrize("role", ["agent", "supervisor", "security_officer",
                                  "privacy_officer", "auditor", "billing"])
def test_only_channel_manage_changes_the_registry(role, admin, make_user, as_actor):
    channel = services.channel_create(actor=admin, kind="email", value="help@example.com")
    other = as_actor(make_user(role))
    with pytest.raises(PermissionDenied):
        services.channel_create(actor=other, kind="email", value="x@example.com")
    with pytest.raises(PermissionDenied):
        services.channel_update(actor=other, channel_id=channel.pk, label="Hijacked")
    with pytest.raises(PermissionDenied):
        services.channel_delete(actor=other, channel_id=channel.pk)
    assert [c.pk for c in selectors.channel_list(actor=other)] == [channel.pk]
    channel.refresh_from_db()
    assert channel.label == ""


def test_delete_is_audited_and_unknown_ids_are_not_found(admin):
    channel = services.channel_create(actor=admin, kind="email", value="help@example.com")
    services.channel_delete(actor=admin, channel_id=channel.pk)
    assert not OfficialChannel.objects.exists()
    assert AuditEvent.objects.filter(action="channel.delete",
                                     object_id=str(channel.pk)).exists()
    for bad in (channel.pk, "x", None):
        with pytest.raises(NotFound):
            services.channel_delete(actor=admin, channel_id=bad)


def test_the_staff_list_needs_someone_signed_in():
    with pytest.raises(AuthenticationFailed):
        selectors.channel_list(actor=Actor.anonymous("someone"))


def test_published_lists_active_channels_and_promises_add_to_the_defaults(admin):
    services.channel_create(actor=admin, kind="email", value="help@example.com",
                            never_asks=["money_transfer"])
    services.channel_create(actor=admin, kind="email", value="old@example.com",
                            never_asks=["remote_access"], active=False)
    assert [c.value for c in selectors.published()] == ["help@example.com"]
    email = selectors.promise_for("email")
    assert email.never_asks == set(DEFAULT_NEVER_ASKS) | {"money_transfer"}
    assert email.says("password") == "Our email channel never asks for passwords."
    # Nothing registered for chat, or no kind at all: the defaults still hold.
    assert selectors.promise_for("chat").never_asks == set(DEFAULT_NEVER_ASKS)
    assert selectors.promise_for(None).says("pin") == "We never ask for PINs."


def test_the_command_line_lists_adds_and_removes(capsys):
    from django.core.management import call_command

    call_command("channels", "add", "phone", "+442079460000", "--label", "Billing",
                 "--may-ask", "order number", "--never-ask", "remote_access")
    channel = OfficialChannel.objects.get()
    call_command("channels", "list")
    out = capsys.readouterr().out
    assert "+44 20 7946 0000  (Billing)  published" in out and "remote_access" in out
    call_command("channels", "remove", str(channel.pk))
    assert not OfficialChannel.objects.exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="country code"):
        call_command("channels", "add", "phone", "12")
