"""The name-claim hash: a channel learns whether a display name is a customer's, never
whose and never from a readable index; the customer search still refuses names; a
changed name or an erased customer no longer matches."""

from __future__ import annotations

import re

import pytest

from trustdesk import vault
from trustdesk.core.actor import Actor
from trustdesk.core.errors import PermissionDenied
from trustdesk.customers import names, services
from trustdesk.customers import selectors as customers
from trustdesk.customers.errors import NotSearchable
from trustdesk.customers.models import CustomerField

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.mark.parametrize(("shown", "key"), [
    ("Ada Lovelace", "ada lovelace"),
    ("  ADA   Lovelace ", "ada lovelace"),
    ("Ada  Lovelace (via Gmail)", "ada lovelace via gmail"),
    ("Ｇｒａｃｅ Ｈｏｐｐｅｒ", "grace hopper"),  # full-width forms, NFKC
    ("王小明", "王小明"),
    ("", ""),
    ("---", ""),
])
def test_the_normalised_form(shown, key):
    assert names.claim_key(shown) == key


def test_the_stored_hash_is_its_own_scope_and_opens_nothing(make_customer):
    ada = make_customer(full_name="Ada Lovelace")
    stored = CustomerField.objects.get(customer_id=ada.id, name="full_name").lookup
    assert stored == names.claim_token("ada  LOVELACE")
    assert stored != vault.blind_index("full_name", "Ada Lovelace")
    # A keyed hash, not the name: nothing but hex digits is stored.
    assert re.fullmatch(r"[0-9a-f]{32,}", stored)


def test_a_channel_asks_yes_or_no(make_customer, make_user, as_actor):
    make_customer(full_name="Ada Lovelace")
    assert customers.customer_named(actor=SYSTEM, name="ADA lovelace")
    assert not customers.customer_named(actor=SYSTEM, name="Ada Byron")
    assert not customers.customer_named(actor=SYSTEM, name="")
    with pytest.raises(PermissionDenied):
        customers.customer_named(actor=as_actor(make_user("agent")), name="Ada Lovelace")


def test_the_customer_search_still_refuses_names(make_customer, make_user, as_actor):
    make_customer(full_name="Ada Lovelace")
    with pytest.raises(NotSearchable):
        customers.customer_list(actor=as_actor(make_user("supervisor")),
                                match={"full_name": "Ada Lovelace"})


def test_a_new_name_replaces_the_old_and_erasure_removes_it(make_customer):
    ada = make_customer(full_name="Ada Lovelace")
    services.customer_update(actor=SYSTEM, customer_id=ada.id,
                             changes={"full_name": "Ada King"})
    assert customers.customer_named(actor=SYSTEM, name="Ada King")
    assert not customers.customer_named(actor=SYSTEM, name="Ada Lovelace")
    services.customer_erase(actor=SYSTEM, customer_id=ada.id, reason="Erasure request")
    assert not customers.customer_named(actor=SYSTEM, name="Ada King")
    assert not CustomerField.objects.filter(customer_id=ada.id).exists()


def test_names_stored_before_the_hash_get_it_from_the_command(make_customer):
    from django.core.management import call_command

    from trustdesk.audit.models import AuditEvent

    ada = make_customer(full_name="Ada Lovelace")
    CustomerField.objects.filter(customer_id=ada.id, name="full_name").update(lookup="")
    assert not customers.customer_named(actor=SYSTEM, name="Ada Lovelace")
    call_command("customers", "reindex-names")
    assert customers.customer_named(actor=SYSTEM, name="Ada Lovelace")
    event = AuditEvent.objects.filter(action="customer.reindex_names").get()
    assert "Ada" not in str(event.context) and event.context["names"] == 1
    call_command("customers", "reindex-names")  # nothing left to do: no second event
    assert AuditEvent.objects.filter(action="customer.reindex_names").count() == 1


def test_accents_and_apostrophes_do_not_count_and_all_rehashes_old_forms(make_customer):
    from django.core.management import call_command

    jose = make_customer(full_name="José O'Brien")
    assert customers.customer_named(actor=SYSTEM, name="Jose OBrien")
    assert customers.customer_named(actor=SYSTEM, name="JOSÉ O’BRIEN")
    # A hash of the older form (accents kept) is found again only after --all.
    old = vault.blind_index(names.SCOPE + names.FIELD, "josé o brien")
    CustomerField.objects.filter(customer_id=jose.id, name="full_name").update(lookup=old)
    assert not customers.customer_named(actor=SYSTEM, name="Jose OBrien")
    call_command("customers", "reindex-names")  # nothing is missing a hash
    assert not customers.customer_named(actor=SYSTEM, name="Jose OBrien")
    call_command("customers", "reindex-names", "--all")
    assert customers.customer_named(actor=SYSTEM, name="Jose OBrien")
