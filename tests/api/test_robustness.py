"""Awkward but possible input: the API answers 2xx or 4xx, never 5xx, on SQLite and on
PostgreSQL alike (which, for one, refuses NUL characters in text)."""

from __future__ import annotations

import pytest

from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.mark.parametrize(("params", "status"), [
    ({"q": "²"}, 200),  # a digit to str.isdigit(), but not a number to int()
    ({"q": "#" + HUGE}, 200),
    ({"q": "a\x00b"}, 200),
    ({"q": "#"}, 200),
    ({"q": "-1"}, 200),
    ({"assignee": "²"}, 400),
    ({"assignee": HUGE}, 400),
    ({"assignee": "1" * 5000}, 400),
    ({"assignee": "-1"}, 400),
    ({"team_id": 2**62}, 200),
    ({"team_id": 2**63}, 400),
    ({"customer_id": "00000000-0000-0000-0000-000000000000"}, 200),
    ({"page": 10**6, "page_size": 100}, 200),
])
def test_ticket_list_filters_never_fail(supervisor_api, make_ticket, api_error, params,
                                        status):
    make_ticket(subject="a b")
    response = supervisor_api.get("/api/v1/tickets", params)
    if status == 200:
        assert response.status_code == 200, response.content
    else:
        api_error(response, status)


def test_ticket_number_search_still_works(supervisor_api, make_ticket):
    ticket = make_ticket()
    for q in (str(ticket.pk), f"#{ticket.pk}", f"  #{ticket.pk} "):
        body = supervisor_api.get("/api/v1/tickets", {"q": q}).json()
        assert [t["id"] for t in body["items"]] == [ticket.pk], q


def test_nul_in_a_subject_is_dropped(supervisor_api, post_json, make_customer, make_ticket):
    response = post_json(supervisor_api, "/tickets", {
        "customer_id": str(make_customer().id), "subject": "Lost\x00 parcel", "body": "b",
        "reason": "Caller on the line"})
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == "Lost parcel"

    ticket = make_ticket()
    response = post_json(supervisor_api, f"/tickets/{ticket.pk}", {"subject": "\x00New\x00"},
                         method="patch")
    assert response.status_code == 200, response.content
    assert Ticket.objects.get(pk=ticket.pk).subject == "New"


@pytest.mark.parametrize("data", [
    {"team_id": 2**70}, {"assignee_id": 2**70}, {"team_id": 2**62}, {"assignee_id": -1},
    {"subject": "\x00"}, {"status": "\x00"},
])
def test_ticket_patch_with_odd_values_is_400(supervisor_api, post_json, make_ticket,
                                             api_error, data):
    ticket = make_ticket()
    api_error(post_json(supervisor_api, f"/tickets/{ticket.pk}", data, method="patch"), 400)


@pytest.mark.parametrize("path", [
    "/api/v1/tickets/" + HUGE, "/api/v1/attachments/" + HUGE, "/api/v1/tickets/-5",
    "/api/v1/tickets/%00", "/api/v1/customers/%00", "/api/v1/tickets/1%00",
])
def test_odd_ids_in_paths_are_4xx(supervisor_api, api_error, path):
    response = supervisor_api.get(path)
    assert 400 <= response.status_code < 500, response.content
    api_error(response, response.status_code)


def test_odd_attachment_names_and_types_are_made_safe(supervisor_api, post_json, make_ticket):
    ticket = make_ticket()
    response = post_json(supervisor_api, f"/tickets/{ticket.pk}/messages", {
        "body": "x", "direction": "note",
        "attachments": [{"filename": "a\x00\n.txt", "content_type": "text/\x00html",
                         "content_base64": "YQ=="}]})
    assert response.status_code == 201, response.content
    [attachment] = response.json()["attachments"]
    assert attachment["filename"] == "a.txt"
    assert attachment["content_type"] == "application/octet-stream"


@pytest.mark.parametrize("profile", [
    {"full_name": "Ada\x00"}, {"full_name": "Ada", "company": "\x00"},
    {"full_name": "Ada", "\x00": "x"}, {"full_name": "A" * 201},
    {"full_name": "Ada", "date_of_birth": "1800-01-01"},
    {"full_name": "Ada", "country": "XX"},
])
def test_odd_customer_profiles_are_400(agent_api, post_json, api_error, profile):
    api_error(post_json(agent_api, "/customers", {"profile": profile}), 400)


@pytest.mark.parametrize("params", [
    {"field": "email", "value": "a\x00@example.org"}, {"field": "\x00", "value": "x"},
    {"field": "phone", "value": HUGE}, {"field": "email"},
])
def test_odd_customer_searches_are_400(agent_api, api_error, params):
    api_error(agent_api.get("/api/v1/customers", params), 400)
