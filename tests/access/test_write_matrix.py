"""The write column of the role × endpoint matrix: every operation that writes a customer's
profile fields × every role × every field, each against a customer the person has a
need to know and one they have not. The expected outcome comes from the field policy
and need-to-know alone, so the test covers every decision the policy makes:

* the role may not change customers: refused (403), nothing written;
* the field is hidden from the role: not found (404), as on a read, nothing written;
* the customer is locked (no need-to-know): refused (403), nothing written;
* a restricted field (card, date of birth) over a bearer token: a re-authentication is
  needed (403), nothing written; from a freshly confirmed session it goes through;
* otherwise the new value is stored.
"""

from __future__ import annotations

import pytest

from helpers import stored_profile
from planted import PROFILE
from trustdesk.access import fields as fp
from trustdesk.access.roles import ROLE_LABELS, ROLE_PERMISSIONS
from trustdesk.api.app import api
from trustdesk.customers.visibility import NEED_TO_KNOW_ROLES, field_policy

pytestmark = pytest.mark.django_db
ROLES = sorted(ROLE_LABELS)
NEW = {
    "full_name": "Ada King", "email": "new.value@example.net", "phone": "+14155550123",
    "account_number": "ACCT-11223344", "postal_address": "1 New Road, Leeds",
    "date_of_birth": "1970-01-01", "payment_card": "5555555555554444", "company": "New Co",
}
PATCH = "/api/v1/customers/{customer_id}"


def test_every_operation_that_writes_profile_fields_is_in_this_matrix():
    """An API operation whose body carries a ``profile`` must be listed here."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    components = schema["components"]["schemas"]
    writes = set()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            ref = (op.get("requestBody", {}).get("content", {}).get("application/json", {})
                   .get("schema", {}).get("$ref", ""))
            if ref and "profile" in components[ref.rsplit("/", 1)[-1]].get("properties", {}):
                writes.add((method.upper(), path))
    assert writes == {("PATCH", PATCH), ("POST", "/api/v1/customers")}
    assert set(NEW) == set(PROFILE)


def _stored_as_written(customer_id, field) -> bool:
    value = stored_profile(customer_id).get(field)
    if field == "payment_card":  # the profile keeps BIN and last four; the PAN is tokenized
        return bool(value) and value.startswith("555555") and value.endswith("4444")
    return value == NEW[field] or (field == "phone" and value == "+14155550123")


def _expected(role: str, field: str, *, known: bool, session: bool) -> int:
    decision = field_policy().decide(role, field)
    if "customer.update" not in ROLE_PERMISSIONS[role]:
        return 403
    if decision == fp.HIDDEN:
        return 404
    if not known and role in NEED_TO_KNOW_ROLES:
        return 403
    if field_policy().restricted(field) and not session:
        return 403
    return 200


@pytest.mark.parametrize("role", ROLES)
def test_profile_writes_obey_the_field_policy(role, make_user, make_team, make_customer,
                                              make_ticket, api_client, console_client):
    team = make_team()
    user = make_user(role, teams=[team], mfa=True)
    outcomes, wrong = set(), []
    for session, client in ((False, api_client(user)), (True, console_client(user))):
        for known in (True, False):
            for field in PROFILE:
                customer = make_customer(**PROFILE)
                if known:
                    make_ticket(customer, team=team)  # the customer wrote; routed to the team
                response = client.patch(PATCH.format(customer_id=customer.id),
                                        {"profile": {field: NEW[field]}},
                                        content_type="application/json")
                want = _expected(role, field, known=known, session=session)
                written = _stored_as_written(customer.id, field)
                outcomes.add(want)
                if response.status_code != want or written != (want == 200):
                    wrong.append((field, "session" if session else "token",
                                  "known" if known else "locked", response.status_code,
                                  want, written))
    assert not wrong, wrong
    # Not vacuous: roles that change customers were both allowed and refused something.
    if "customer.update" in ROLE_PERMISSIONS[role]:
        assert 200 in outcomes and len(outcomes) > 1, outcomes


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_customer_cannot_set_a_hidden_field(role, make_user, api_client):
    user = make_user(role, mfa=True)
    client = api_client(user)
    for field in PROFILE:
        profile = {"full_name": "New Customer", field: NEW[field]}
        response = client.post("/api/v1/customers", {"profile": profile},
                               content_type="application/json")
        if "customer.create" not in ROLE_PERMISSIONS[role]:
            assert response.status_code == 403, (field, response.content)
        elif field_policy().decide(role, field) == fp.HIDDEN:
            assert response.status_code == 404, (field, response.content)
        else:
            assert response.status_code == 201, (field, response.content)


@pytest.mark.parametrize("role", sorted(NEED_TO_KNOW_ROLES))
def test_the_console_edit_obeys_the_field_policy(role, make_user, make_customer,
                                                 console_client):
    """The console's edit form calls the same service: a locked customer is refused, and
    a hidden field is not on the form, so a posted value for it changes nothing."""
    user = make_user(role)
    client = console_client(user)
    customer = make_customer(**PROFILE)
    response = client.post(f"/customers/{customer.id}/",
                           {"full_name": PROFILE["full_name"], "email": NEW["email"]})
    assert response.status_code == 403
    assert stored_profile(customer.id)["email"] == PROFILE["email"]


def test_a_break_glass_write_is_audited_and_alerts(make_user, make_customer, api_client):
    from trustdesk.access.models import Alert
    from trustdesk.audit.models import AuditEvent

    agent = make_user("agent")
    customer = make_customer(**PROFILE)
    client = api_client(agent)
    url = PATCH.format(customer_id=customer.id)
    short = client.patch(url, {"profile": {"email": NEW["email"]}, "break_glass": True},
                         content_type="application/json")
    assert short.status_code == 400 and short.json()["error"]["field"] == "reason"
    response = client.patch(url, {"profile": {"email": NEW["email"]}, "break_glass": True,
                                  "reason": "Customer on the phone, ticket system down"},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert stored_profile(customer.id)["email"] == NEW["email"]
    event = AuditEvent.objects.get(action="customer.update")
    assert event.context["break_glass"] is True and "ticket system down" in event.reason
    alert = Alert.objects.get()
    assert (alert.kind, alert.customer_id, alert.field) == ("break_glass", customer.id,
                                                            "write:email")
