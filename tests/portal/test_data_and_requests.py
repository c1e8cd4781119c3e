"""What we hold about a customer, masked as the inventory says and with where each value
came from (read from the audit trail); privacy requests filed (sealed, audited) and
listed for privacy officers only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from planted import PAN, PROFILE
from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent
from trustdesk.core.actor import Actor
from trustdesk.core.errors import PermissionDenied
from trustdesk.customers import portal_data, requests
from trustdesk.customers import services as customers
from trustdesk.customers.models import DataRequest
from trustdesk.privacy.inventory import get_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(make_customer):
    return make_customer(**PROFILE)


def test_the_data_view_masks_what_the_inventory_calls_sensitive(ada, portal_client):
    client = portal_client(ada)
    page = client.get("/help/data/").content.decode()
    inventory = get_inventory()
    for name, value in PROFILE.items():
        spec = inventory.get(name)
        if spec.sensitivity in ("confidential", "restricted"):
            assert value not in page, name
        else:
            assert value in page, name
    assert PAN not in page and "411111" in page  # the card as BIN and last four
    assert "1961-12-10" not in page
    for spec in inventory.fields:
        if spec.name in PROFILE:
            assert escape(spec.purpose) in page
    assert 'data-field="date_of_birth"' in page


def test_where_each_value_came_from_is_read_from_the_audit_trail(make_customer, make_user,
                                                                  as_actor):
    customer = make_customer(email="origin@example.org", full_name="Origin Person")
    officer = as_actor(make_user("privacy_officer"))
    customers.customer_update(actor=officer, customer_id=customer.id,
                              changes={"company": "Typed By Staff Ltd"})
    held = {f.name: f for f in portal_data.my_data(actor=Actor.customer(customer.id))}
    assert held["company"].source == "staff"
    # Created by the tests' system actor (an import, say): not claimed to be the mail's.
    assert held["email"].source == "system"
    assert held["email"].masked and held["email"].value != "origin@example.org"


def test_a_customer_made_by_the_mail_channel_reads_from_your_email(make_customer):
    made = customers.customer_create(actor=Actor.system("mail intake"),
                                     profile={"email": "mailed@example.org",
                                              "full_name": "Mailed Person"})
    held = {f.name: f for f in portal_data.my_data(actor=Actor.customer(made.id))}
    assert held["email"].source == "mail" and held["full_name"].source == "mail"


def test_the_data_view_is_audited(ada, portal_client):
    portal_client(ada).get("/help/data/")
    event = AuditEvent.objects.get(action="portal.data_view")
    assert event.customer == str(ada.id) and event.actor_label == f"customer:{ada.id}"


def test_filing_a_request_is_sealed_and_audited(ada, portal_client):
    client = portal_client(ada)
    response = client.post("/help/requests/new/",
                           {"kind": "rectification", "details": "My address is wrong."})
    assert response.status_code == 200 and b"data-filed" in response.content
    row = DataRequest.objects.get()
    assert row.kind == "rectification" and row.status == "open"
    assert b"My address is wrong." not in bytes(row.details_sealed)
    event = AuditEvent.objects.get(action="privacy_request.file")
    assert event.customer == str(ada.id)
    assert canonical.detail(bytes(event.body))["context"]["kind"] == "rectification"
    assert "data-requests" in client.get("/help/").content.decode()


def test_a_request_of_an_unknown_kind_is_refused(ada, portal_client):
    response = portal_client(ada).post("/help/requests/new/", {"kind": "everything"})
    assert response.status_code == 400
    assert not DataRequest.objects.exists()


def test_requests_are_listed_for_privacy_officers_only(ada, make_user, as_actor,
                                                        console_client, api_client):
    requests.request_file(actor=Actor.customer(ada.id), kind="erasure",
                          details=f"Erase {PROFILE['postal_address']}")
    officer = make_user("privacy_officer")
    (row,) = requests.request_list(actor=as_actor(officer))
    assert row.kind == "erasure" and row.customer_id == ada.id
    assert AuditEvent.objects.filter(action="privacy_request.list").exists()
    for role in ("agent", "supervisor", "security_officer", "auditor"):
        with pytest.raises(PermissionDenied):
            requests.request_list(actor=as_actor(make_user(role)))
    with pytest.raises(PermissionDenied):
        requests.request_list(actor=Actor.customer(ada.id))
    page = console_client(officer).get("/privacy/requests/")
    assert page.status_code == 200 and b"erasure" in page.content
    assert PROFILE["postal_address"].encode() not in page.content
    api = api_client(officer).get("/api/v1/privacy/requests")
    assert api.status_code == 200 and api.json()[0]["kind"] == "erasure"
    assert console_client(make_user("agent")).get("/privacy/requests/").status_code == 403
    assert api_client(make_user("agent")).get("/api/v1/privacy/requests").status_code == 403


def test_signed_out_nobody_files_a_request():
    assert Client().post("/help/requests/new/", {"kind": "erasure"}).status_code == 302
    assert not DataRequest.objects.exists()
