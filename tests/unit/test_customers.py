import pytest

from helpers import stored_profile
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers import selectors, services
from trustdesk.customers.models import Customer, CustomerField
from trustdesk.privacy.errors import InvalidFieldValue, UndeclaredField


@pytest.mark.django_db
def test_undeclared_field_is_refused_and_nothing_is_stored(system):
    with pytest.raises(UndeclaredField) as caught:
        services.customer_create(actor=system, profile={
            "full_name": "Ann Lee", "email": "ann@example.com", "mothers_maiden_name": "X",
        })
    assert caught.value.field == "mothers_maiden_name"
    assert Customer.objects.count() == 0
    assert CustomerField.objects.count() == 0
    assert not AuditEvent.objects.filter(action="customer.create").exists()


@pytest.mark.django_db
def test_one_row_per_declared_field(system):
    profile = services.customer_create(actor=system, profile={
        "full_name": "Ann Lee", "email": "Ann@Example.com", "phone": "+49 30 901820",
    })
    rows = dict(CustomerField.objects.filter(customer_id=profile.id).values_list("name", "sealed"))
    assert set(rows) == {"full_name", "email", "phone"}
    assert stored_profile(profile.id) == {"full_name": "Ann Lee", "email": "ann@example.com",
                                          "phone": "+4930901820"}
    assert all(b"ann" not in bytes(sealed).lower() for sealed in rows.values())
    event = AuditEvent.objects.get(action="customer.create")
    # The trail names fields, never values.
    assert event.fields == ["email", "full_name", "phone"]
    assert "ann@example.com" not in str(event.context)


@pytest.mark.django_db
def test_update_is_all_or_nothing(system, make_customer):
    customer = make_customer(full_name="Ann Lee", phone="+49 30 901820")
    with pytest.raises(InvalidFieldValue):
        services.customer_update(actor=system, customer_id=customer.id,
                                 changes={"full_name": "Ann Smith", "phone": "nope"})
    assert selectors.customer_get(actor=system, customer_id=customer.id).profile[
        "full_name"] == "Ann Lee"
    updated = services.customer_update(actor=system, customer_id=customer.id,
                                       changes={"phone": None, "company": "Initech"})
    assert "phone" not in updated.profile and updated.profile["company"] == "Initech"


@pytest.mark.django_db
def test_reads_are_permission_checked_and_audited(make_user, as_actor, make_customer):
    customer = make_customer()
    agent = as_actor(make_user("agent"))
    assert selectors.customer_get(actor=agent, customer_id=customer.id).id == customer.id
    event = AuditEvent.objects.filter(action="customer.view").latest("id")
    assert event.object_id == str(customer.id) and event.actor_label == agent.label
    with pytest.raises(PermissionDenied):
        selectors.customer_get(actor=as_actor(make_user("security_officer")),
                               customer_id=customer.id)
    with pytest.raises(NotFound):
        selectors.customer_get(actor=agent, customer_id="not-a-uuid")


@pytest.mark.django_db
def test_exact_search_by_searchable_field(system, make_customer):
    target = make_customer(email="Find.Me@example.com")
    make_customer(email="other@example.com")
    page = selectors.customer_list(actor=system, match={"email": "find.me@EXAMPLE.com"})
    assert [c.id for c in page.items] == [target.id]


@pytest.mark.django_db
def test_the_one_query_read_of_a_profile_is_the_reference_read(system):
    import uuid

    from trustdesk.customers.profiles import build_profiles, read_profile

    kept = services.customer_create(actor=system, profile={
        "full_name": "Ada Lovelace", "email": "ada@example.org", "phone": "+442079460958"})
    erased = services.customer_create(actor=system, profile={"full_name": "Gone Person"})
    services.customer_erase(actor=system, customer_id=erased.id, reason="asked to")
    for customer_id in (kept.id, erased.id):
        [reference] = build_profiles([Customer.objects.get(pk=customer_id)])
        assert read_profile(customer_id) == reference
    assert read_profile(kept.id).profile["email"] == "ada@example.org"
    assert read_profile(erased.id).profile == {} and read_profile(erased.id).erased_at
    assert read_profile(uuid.uuid4()) is None
