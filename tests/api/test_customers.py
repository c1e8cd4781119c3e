"""Customers over the JSON API: profiles are validated against the data inventory,
normalised, and never partially stored."""

from __future__ import annotations

import uuid

import pytest

from helpers import stored_profile
from trustdesk.audit.models import AuditEvent
from trustdesk.customers.models import Customer, CustomerField

pytestmark = pytest.mark.django_db


def test_create_normalises_the_profile(agent_api, post_json):
    response = post_json(agent_api, "/customers", {"profile": {
        "full_name": "  Ada Lovelace ", "email": "Ada.Lovelace@Example.COM",
        "phone": "+44 20 7946 0958", "country": "gb",
    }})

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "status", "created_at", "updated_at", "profile", "access",
                         "erasure"}
    assert body["erasure"] is None
    assert body["status"] == "active"
    stored = stored_profile(body["id"])
    assert stored == {
        "full_name": "Ada Lovelace", "email": "ada.lovelace@example.com",
        "phone": "+442079460958", "country": "GB",
    }
    # The agent has no ticket for this new customer yet: need-to-know leaves the name.
    assert body["profile"] == {"full_name": "Ada Lovelace"}
    assert body["access"] == {"full_name": "visible", "email": "locked", "phone": "locked",
                              "country": "locked"}
    # At rest every value is sealed; nothing of the profile is in the row in clear.
    for row in CustomerField.objects.filter(customer_id=body["id"]):
        assert stored[row.name].encode() not in bytes(row.sealed)


def test_get_returns_the_stored_profile(agent_api, make_customer, make_ticket, team_a):
    customer = make_customer(full_name="Grace Hopper", email="grace@example.org",
                             phone="+1 (650) 253-0000")
    make_ticket(customer, team=team_a)  # the agent's team works for her: need-to-know

    response = agent_api.get(f"/api/v1/customers/{customer.id}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(customer.id)
    # An agent sees the name; email and phone masked (the field policy).
    assert body["profile"] == {"full_name": "Grace Hopper", "email": "g***@example.org",
                               "phone": "•••• 0000"}
    assert body["access"] == {"full_name": "visible", "email": "masked", "phone": "masked"}


def test_get_unknown_customer_is_404(agent_api, api_error):
    api_error(agent_api.get(f"/api/v1/customers/{uuid.uuid4()}"), 404, "not_found")


def test_patch_changes_adds_and_removes_fields(agent_api, post_json, make_customer,
                                               make_ticket, team_a):
    customer = make_customer(full_name="Alan Turing", email="alan@example.org",
                             phone="+44 20 7946 0958")
    make_ticket(customer, team=team_a)

    response = post_json(agent_api, f"/customers/{customer.id}", {"profile": {
        "phone": None, "company": "Bletchley Park", "email": "Alan.Turing@Example.org",
    }}, method="patch")

    assert response.status_code == 200, response.content
    expected = {"full_name": "Alan Turing", "email": "alan.turing@example.org",
                "company": "Bletchley Park"}
    assert stored_profile(customer.id) == expected
    # What the agent gets back is masked as on any read.
    shown = {**expected, "email": "a***@example.org"}
    assert response.json()["profile"] == shown
    assert agent_api.get(f"/api/v1/customers/{customer.id}").json()["profile"] == shown
    assert not CustomerField.objects.filter(customer_id=customer.id, name="phone").exists()


def test_patch_cannot_remove_the_required_full_name(agent_api, post_json, make_customer,
                                                    make_ticket, team_a, api_error):
    customer = make_customer(full_name="Alan Turing")
    make_ticket(customer, team=team_a)

    response = post_json(agent_api, f"/customers/{customer.id}",
                         {"profile": {"full_name": None}}, method="patch")

    api_error(response, 400, "required", "full_name")
    assert agent_api.get(f"/api/v1/customers/{customer.id}").json()["profile"][
        "full_name"] == "Alan Turing"


def test_patch_unknown_customer_is_404(agent_api, post_json, api_error):
    response = post_json(agent_api, f"/customers/{uuid.uuid4()}",
                         {"profile": {"company": "ACME"}}, method="patch")
    api_error(response, 404, "not_found")


def test_create_requires_full_name(agent_api, post_json, api_error):
    response = post_json(agent_api, "/customers", {"profile": {"email": "x@example.org"}})
    api_error(response, 400, "required", "full_name")
    assert Customer.objects.count() == 0


def test_create_rejects_a_malformed_value_and_names_the_field(agent_api, post_json,
                                                             api_error):
    response = post_json(agent_api, "/customers", {"profile": {
        "full_name": "Someone", "email": "not-an-email"}})
    api_error(response, 400, "invalid_value", "email")
    assert Customer.objects.count() == 0


def test_create_with_an_undeclared_field_stores_nothing(agent_api, post_json, api_error,
                                                         make_customer):
    make_customer()  # so the counts below start from something
    customers, fields = Customer.objects.count(), CustomerField.objects.count()
    creations = AuditEvent.objects.filter(action="customer.create").count()

    response = post_json(agent_api, "/customers", {"profile": {
        "full_name": "Ada Lovelace", "email": "ada@example.org",
        "favourite_colour": "green",
    }})

    error = api_error(response, 400, "undeclared_field", "favourite_colour")
    assert "favourite_colour" in error["message"]
    assert Customer.objects.count() == customers
    assert CustomerField.objects.count() == fields
    assert AuditEvent.objects.filter(action="customer.create").count() == creations
    assert b"green" not in response.content


def test_list_paginates_newest_first(agent_api, make_customer):
    made = [make_customer() for _ in range(5)]

    first = agent_api.get("/api/v1/customers", {"page": 1, "page_size": 2}).json()
    second = agent_api.get("/api/v1/customers", {"page": 2, "page_size": 2}).json()
    last = agent_api.get("/api/v1/customers", {"page": 3, "page_size": 2}).json()
    beyond = agent_api.get("/api/v1/customers", {"page": 4, "page_size": 2}).json()

    assert (first["page"], first["page_size"], first["total"]) == (1, 2, 5)
    assert (second["page"], second["total"]) == (2, 5)
    # Past the end is the last page, and says so.
    assert [len(p["items"]) for p in (first, second, last, beyond)] == [2, 2, 1, 1]
    assert beyond["page"] == 3 and beyond["items"] == last["items"]
    ids = [c["id"] for p in (first, second, last) for c in p["items"]]
    assert len(set(ids)) == 5
    assert set(ids) == {str(c.id) for c in made}
    created = [c["created_at"] for p in (first, second, last) for c in p["items"]]
    assert created == sorted(created, reverse=True)


def test_list_default_page(agent_api, make_customer):
    make_customer()
    body = agent_api.get("/api/v1/customers").json()
    assert (body["page"], body["page_size"], body["total"]) == (1, 25, 1)


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page_size": 101},
                                    {"page": "two"}])
def test_list_rejects_bad_paging(agent_api, api_error, params):
    api_error(agent_api.get("/api/v1/customers", params), 400)


def test_search_is_an_exact_match_on_the_normalised_value(agent_api, make_customer):
    ada = make_customer(full_name="Ada Lovelace", email="ada@example.org",
                        phone="+44 20 7946 0958")
    make_customer(full_name="Ada Byron", email="ada.byron@example.org")

    def search(field, value):
        response = agent_api.get("/api/v1/customers", {"field": field, "value": value})
        assert response.status_code == 200, response.content
        return response.json()

    by_email = search("email", "ADA@Example.org")
    assert by_email["total"] == 1
    assert [c["id"] for c in by_email["items"]] == [str(ada.id)]
    assert search("phone", "+442079460958")["items"][0]["id"] == str(ada.id)
    assert search("email", "da@example.org")["total"] == 0  # no substring search
    assert search("email", "nobody@example.org")["items"] == []


@pytest.mark.parametrize("field", ["full_name", "postal_address", "favourite_colour"])
def test_search_by_a_non_searchable_field_is_400(agent_api, api_error, make_customer, field):
    make_customer(full_name="Ada Lovelace")
    response = agent_api.get("/api/v1/customers", {"field": field, "value": "Ada Lovelace"})
    error = api_error(response, 400, "not_searchable", field)
    assert field in error["message"]


def test_search_with_a_malformed_value_is_400(agent_api, api_error):
    response = agent_api.get("/api/v1/customers", {"field": "phone", "value": "not a phone"})
    api_error(response, 400, "invalid_value", "phone")


def test_roles_without_customer_permissions_are_refused(api_client, make_user, post_json,
                                                        make_customer, api_error):
    customer = make_customer()
    billing = api_client(make_user("billing"))
    assert billing.get(f"/api/v1/customers/{customer.id}").status_code == 200
    api_error(post_json(billing, "/customers", {"profile": {"full_name": "X"}}), 403,
              "forbidden")
    api_error(post_json(billing, f"/customers/{customer.id}",
                        {"profile": {"company": "X"}}, method="patch"), 403, "forbidden")
    assert Customer.objects.count() == 1
