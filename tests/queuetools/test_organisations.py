"""Organisations: companies with mail domains that new customers join by their address;
their page lists people and tickets through the same policy as anywhere; managing them
and moving a customer are permissioned, need-to-know bound and audited."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.customers import organisations
from trustdesk.customers import selectors as customers
from trustdesk.customers.models import Customer
from trustdesk.tickets import selectors as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, make_team):
    team = make_team("Orders")
    lead = make_user("senior_agent", teams=[team], name="Lena Lead")
    agent = make_user("agent", teams=[team], name="Grace Agent")
    acme = organisations.organisation_save(actor=actor_for_user(lead), name="Acme Ltd",
                                           domains=["acme.example", "@ACME.co.uk"])
    return {"team": team, "lead": lead, "agent": agent, "acme": acme,
            "l": actor_for_user(lead), "a": actor_for_user(agent)}


def test_a_new_customer_writing_from_its_domain_joins(desk, make_customer):
    joined = make_customer(email="wile@acme.co.uk")
    elsewhere = make_customer(email="road@runner.example")
    assert Customer.objects.get(pk=joined.id).organisation_id == desk["acme"].pk
    assert Customer.objects.get(pk=elsewhere.id).organisation_id is None
    row = organisations.organisation_get(actor=desk["a"], organisation_id=desk["acme"].pk)
    assert row.domains == ["acme.co.uk", "acme.example"] and row.customers == 1


@pytest.mark.parametrize("domains, why", [
    (["gmail.com"], "free-mail"), (["not a domain"], "not a mail domain"),
    (["x" * 300 + ".com"], "not a mail domain"), ([f"d{i}.example" for i in range(21)],
                                                  "At most"),
])
def test_bad_domains_are_refused(desk, domains, why):
    with pytest.raises(ValidationError, match=why):
        organisations.organisation_save(actor=desk["l"], name="Other", domains=domains)


def test_a_domain_belongs_to_one_organisation_and_names_are_unique(desk):
    with pytest.raises(Conflict, match="another organisation"):
        organisations.organisation_save(actor=desk["l"], name="Copy", domains=[
            "acme.example"])
    with pytest.raises(Conflict, match="exists already"):
        organisations.organisation_save(actor=desk["l"], name="Acme Ltd")
    changed = organisations.organisation_save(actor=desk["l"], name="Acme Limited",
                                              organisation_id=desk["acme"].pk,
                                              domains=["acme.example"])
    assert list(changed.domains.values_list("domain", flat=True)) == ["acme.example"]
    assert AuditEvent.objects.filter(action="organisation.update").count() == 1


def test_only_leads_manage_and_moving_a_customer_needs_need_to_know(desk, make_customer,
                                                                    make_ticket):
    with pytest.raises(PermissionDenied):
        organisations.organisation_save(actor=desk["a"], name="Mine")
    stranger = make_customer(email="x@elsewhere.example")
    with pytest.raises(NotFound):  # no ticket of theirs in the agent's queue
        organisations.customer_set_organisation(actor=desk["a"], customer_id=stranger.id,
                                                organisation_id=desk["acme"].pk)
    make_ticket(stranger, team=desk["team"])
    organisations.customer_set_organisation(actor=desk["a"], customer_id=stranger.id,
                                            organisation_id=desk["acme"].pk)
    assert Customer.objects.get(pk=stranger.id).organisation_id == desk["acme"].pk
    assert AuditEvent.objects.filter(action="customer.organisation").count() == 1


def test_its_people_and_tickets_go_through_the_policy(desk, make_customer, make_ticket,
                                                      make_team):
    known = make_customer(full_name="Wile Coyote", email="wile@acme.example")
    unknown = make_customer(full_name="Hidden Person", email="hidden@acme.example")
    mine = make_ticket(known, team=desk["team"])
    make_ticket(unknown, team=make_team("Billing"))
    people = customers.customer_list(actor=desk["a"], organisation_id=desk["acme"].pk)
    shown = {p.id: p for p in people.items}
    assert set(shown) == {known.id, unknown.id}
    assert shown[known.id].access["email"] == "masked"
    # No need to know the other: their contact details are withheld, as on any list.
    assert shown[unknown.id].access["email"] == "locked"
    assert "email" not in shown[unknown.id].profile
    queue = tickets.ticket_list(actor=desk["a"], filters=tickets.TicketFilters(
        organisation_id=desk["acme"].pk, status=None))
    assert [r.ticket.pk for r in queue.items] == [mine.pk]


def test_api_and_console(desk, api_client, console_client, make_customer, make_ticket):
    api = api_client(desk["lead"])
    made = api.post("/api/v1/organisations", {"name": "Globex", "domains": ["globex.test"]},
                    content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["domains"] == ["globex.test"]
    assert api.post("/api/v1/organisations", {"name": "Free", "domains": ["gmail.com"]},
                    content_type="application/json").status_code == 400
    assert api_client(desk["agent"]).post(
        "/api/v1/organisations", {"name": "Nope"},
        content_type="application/json").status_code == 403
    person = make_customer(full_name="Hank Scorpio", email="hank@globex.test")
    make_ticket(person, team=desk["team"])
    listed = api.get("/api/v1/customers", {"organisation_id": made.json()["id"]}).json()
    assert [c["id"] for c in listed["items"]] == [str(person.id)]
    moved = api.put(f"/api/v1/customers/{person.id}/organisation",
                    {"organisation_id": desk["acme"].pk}, content_type="application/json")
    assert moved.status_code == 204
    console = console_client(desk["agent"])
    page = console.get(f"/organisations/{desk['acme'].pk}/").content.decode()
    assert "Hank Scorpio" in page and "acme.example" in page
    assert 'name="domains"' not in page  # an agent does not manage organisations
    assert "Acme Ltd" in console.get(f"/customers/{person.id}/").content.decode()
    lead = console_client(desk["lead"])
    created = lead.post("/organisations/", {"name": "Initech", "domains": "initech.test"})
    assert created.status_code == 302


def test_a_role_that_does_not_see_companies_sees_no_organisations(desk, make_user,
                                                                  make_customer,
                                                                  console_client):
    """Membership says what the company field says: the privacy officer's policy masks
    companies, so organisations (and filtering by one) are closed to it."""
    officer = make_user("privacy_officer")
    who = actor_for_user(officer)
    person = make_customer(email="wile@acme.example")
    for call in (lambda: organisations.organisation_list(actor=who),
                 lambda: organisations.organisation_get(actor=who,
                                                        organisation_id=desk["acme"].pk),
                 lambda: customers.customer_list(actor=who,
                                                 organisation_id=desk["acme"].pk),
                 lambda: organisations.customer_set_organisation(
                     actor=who, customer_id=person.id, organisation_id=None)):
        with pytest.raises(PermissionDenied):
            call()
    assert organisations.of_customer(actor=who, customer_id=person.id) is None
    page = console_client(officer).get(f"/customers/{person.id}/").content.decode()
    assert "Acme Ltd" not in page and "data-customer-organisation" not in page
