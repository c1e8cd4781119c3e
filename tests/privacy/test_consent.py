"""Consent and objections (GDPR Art. 7, 21): the inventory's purposes, consent given
and withdrawn with its history, a field's value removed with its consent, objection
stopping surveys, the fail-closed write of a consent-based field, need-to-know, audit."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.customers import consent, consent_selectors
from trustdesk.customers import services as customers
from trustdesk.customers.models import Consent, CustomerField, Objection
from trustdesk.privacy import inventory as inv
from trustdesk.privacy.errors import InventoryError
from trustdesk.search.models import Term
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import Survey

pytestmark = pytest.mark.django_db
FIELDS = """version: 1
fields:
  - name: full_name
    type: string
    category: identity
    sensitivity: confidential
    purpose: Address the customer
    legal_basis: contract
    required: true
    retention: 3y
  - name: email
    type: email
    category: contact
    sensitivity: confidential
    purpose: Reply
    legal_basis: contract
    required: false
    retention: 3y
    searchable: true
  - name: company
    type: string
    category: contact
    sensitivity: internal
    purpose: Route business customers
    legal_basis: {company}
    required: false
    retention: 3y
"""


@pytest.fixture
def own_inventory(settings, tmp_path):
    def use(text: str):
        path = tmp_path / "inventory.yaml"
        path.write_text(text)
        settings.DATA_INVENTORY_PATH = path
        inv._load_cached.cache_clear()
    yield use
    inv._load_cached.cache_clear()


def _events(action):
    return [canonical.detail(bytes(e.body)) for e in
            AuditEvent.objects.filter(action=action).order_by("id")]


# --- the inventory's purposes --------------------------------------------------------

def test_the_shipped_inventory_declares_surveys_and_the_language_consent():
    shipped = inv.get_inventory()
    names = [p.name for p in shipped.optional_purposes]
    assert "satisfaction_surveys" in names and "field:preferred_language" in names
    surveys = shipped.purpose("satisfaction_surveys")
    assert surveys.legal_basis == "legitimate_interests" and surveys.objectable
    language = shipped.purpose("field:preferred_language")
    assert language.legal_basis == "consent" and language.field == "preferred_language"
    assert shipped.purpose("field:email").legal_basis == "contract"
    assert shipped.purpose("nothing") is None and shipped.purpose("field:nothing") is None


@pytest.mark.parametrize(("basis", "message"), [
    ("contract", "rests on contract, which a customer can neither give nor object to"),
    ("legal_obligation", "rests on legal_obligation"),
    ("whim", "'legal_basis' must be one of"),
])
def test_a_purpose_on_a_basis_nobody_can_refuse_is_rejected_at_its_line(basis, message):
    text = FIELDS.format(company="contract") + f"""purposes:
  - name: newsletters
    label: Newsletters
    legal_basis: {basis}
    description: News by mail
"""
    with pytest.raises(InventoryError) as err:
        inv.parse_inventory(text, "inv.yaml")
    assert message in str(err.value) and "inv.yaml:31:" in str(err.value)


def test_purposes_are_checked_like_fields():
    base = FIELDS.format(company="contract") + "purposes:\n"
    for bad, message in [
        ("  - name: x\n    label: X\n    legal_basis: consent\n", "missing description"),
        ("  - name: Bad-Name\n    label: X\n    legal_basis: consent\n    description: d\n",
         "lower_snake_case"),
        ("  - name: x\n    label: X\n    legal_basis: consent\n    description: d\n"
         "    colour: red\n", "unknown key 'colour'"),
        ("  - name: x\n    label: X\n    legal_basis: consent\n    description: d\n"
         "  - name: x\n    label: X\n    legal_basis: consent\n    description: d\n",
         "declared twice"),
    ]:
        with pytest.raises(InventoryError, match=message):
            inv.parse_inventory(base + bad)


# --- consent to a field: fail closed, given, withdrawn ------------------------------

def test_a_consent_based_field_is_refused_without_consent_and_nothing_is_written(system):
    with pytest.raises(ValidationError) as err:
        customers.customer_create(actor=system, profile={
            "full_name": "Lin Wei", "preferred_language": "zh"})
    assert err.value.field == "preferred_language" and "consent" in err.value.message
    assert not CustomerField.objects.exists() and not Consent.objects.exists()


def test_a_write_that_says_how_records_the_consent_with_it(make_customer, system):
    lin = make_customer(preferred_language="zh", consent_how="phone")
    row = Consent.objects.get(customer_id=lin.id)
    assert (row.purpose, row.method, row.given_by) == ("field:preferred_language", "phone",
                                                       system.label)
    assert row.wording.startswith("Preferred language: ") and row.version
    # With consent on record, later writes need no second word.
    customers.customer_update(actor=system, customer_id=lin.id,
                              changes={"preferred_language": "fr"})
    assert Consent.objects.filter(customer_id=lin.id).count() == 1
    [given] = _events("consent.give")
    assert given["context"]["purpose"] == "field:preferred_language"
    assert "zh" not in str(given)


def test_staff_may_not_claim_the_portal_as_how(make_customer, system):
    with pytest.raises(ValidationError) as err:
        make_customer(preferred_language="zh", consent_how="portal")
    assert err.value.field == "consent_how"


def test_withdrawing_removes_the_value_and_a_second_withdrawal_changes_nothing(
        make_customer, system):
    lin = make_customer(preferred_language="zh", consent_how="email")
    row = Consent.objects.get(customer_id=lin.id)
    done = consent.consent_withdraw(actor=system, customer_id=lin.id, consent_id=row.pk,
                                    how="phone")
    assert done.withdrawn_at and done.withdrawal_method == "phone"
    assert not CustomerField.objects.filter(customer_id=lin.id,
                                            name="preferred_language").exists()
    assert not consent_selectors.allowed(lin.id, "field:preferred_language")
    with pytest.raises(Conflict, match="withdrawn already"):
        consent.consent_withdraw(actor=system, customer_id=lin.id, consent_id=row.pk,
                                 how="phone")
    assert Consent.objects.get(pk=row.pk).withdrawn_at == done.withdrawn_at
    [withdrawn] = _events("consent.withdraw")
    assert withdrawn["fields"] == ["preferred_language"]
    assert withdrawn["context"] == {"purpose": "field:preferred_language", "how": "phone",
                                    "consent": row.pk}
    # Without consent the field is refused again; given anew, it is a new row.
    with pytest.raises(ValidationError):
        customers.customer_update(actor=system, customer_id=lin.id,
                                  changes={"preferred_language": "zh"})
    customers.customer_update(actor=system, customer_id=lin.id, consent_how="letter",
                              changes={"preferred_language": "zh"})
    assert Consent.objects.filter(customer_id=lin.id).count() == 2


def test_giving_twice_keeps_one_standing_consent(make_customer, system):
    lin = make_customer()
    first = consent.consent_give(actor=system, customer_id=lin.id,
                                 purpose="field:preferred_language", how="phone")
    again = consent.consent_give(actor=system, customer_id=lin.id,
                                 purpose="field:preferred_language", how="email")
    assert first.pk == again.pk and Consent.objects.count() == 1


def test_words_staff_typed_are_sealed(make_customer, system):
    lin = make_customer()
    row = consent.consent_give(actor=system, customer_id=lin.id,
                               purpose="field:preferred_language", how="phone",
                               wording="Lin agreed we keep her language, +44 20 7946 0958")
    stored = Consent.objects.get(pk=row.pk)
    assert stored.wording == "" and b"7946" not in bytes(stored.wording_sealed)
    assert "7946 0958" in consent_selectors.wording_of(stored)


def test_withdrawal_takes_the_fields_search_words_with_it(own_inventory, make_customer,
                                                          system):
    own_inventory(FIELDS.format(company="consent"))
    ada = make_customer(company="Analytical Engines", consent_how="web_form")
    field = CustomerField.objects.get(customer_id=ada.id, name="company")
    assert Term.objects.filter(object_id=field.pk, scope__startswith="c:").exists()
    row = Consent.objects.get(customer_id=ada.id)
    consent.consent_withdraw(actor=system, customer_id=ada.id, consent_id=row.pk,
                             how="email")
    assert not CustomerField.objects.filter(pk=field.pk).exists()
    assert not Term.objects.filter(object_id=field.pk, scope__startswith="c:").exists()


def test_unknown_purposes_and_wrong_kinds_are_refused(make_customer, system):
    lin = make_customer()
    with pytest.raises(ValidationError) as err:
        consent.consent_give(actor=system, customer_id=lin.id, purpose="telepathy",
                             how="phone")
    assert err.value.field == "purpose"
    with pytest.raises(Conflict, match="does not rest on consent"):
        consent.consent_give(actor=system, customer_id=lin.id,
                             purpose="satisfaction_surveys", how="phone")
    with pytest.raises(ValidationError) as err:
        consent.consent_give(actor=system, customer_id=lin.id,
                             purpose="field:preferred_language", how="telepathy")
    assert err.value.field == "how"


# --- objections -----------------------------------------------------------------------

def test_objection_stops_surveys_for_that_customer_only(make_customer, make_ticket, system):
    ada, lin = make_customer(), make_customer()
    row = consent.object_to(actor=system, customer_id=ada.id,
                            purpose="satisfaction_surveys", request_id=17)
    assert (row.request_id, row.method) == (17, "request")
    assert not consent_selectors.allowed(ada.id, "satisfaction_surveys")
    assert consent_selectors.allowed(lin.id, "satisfaction_surveys")
    for who in (ada, lin):
        ticket = make_ticket(who)
        tickets.ticket_update(actor=system, ticket_id=ticket.pk, status="solved")
    assert list(Survey.objects.values_list("ticket__customer_id", flat=True)) == [lin.id]
    # Objecting twice: the first objection stands.
    again = consent.object_to(actor=system, customer_id=ada.id,
                              purpose="satisfaction_surveys", how="phone")
    assert again.pk == row.pk and Objection.objects.count() == 1
    [objected, repeated] = _events("consent.object")
    assert objected["context"] == {"purpose": "satisfaction_surveys", "how": "request",
                                   "request": 17}
    assert repeated["context"]["existing"] is True


def test_what_cannot_be_objected_to_says_why(make_customer, system):
    lin = make_customer()
    with pytest.raises(Conflict, match="cannot be objected to"):
        consent.object_to(actor=system, customer_id=lin.id, purpose="field:email")
    with pytest.raises(Conflict, match="withdraw the consent instead"):
        consent.object_to(actor=system, customer_id=lin.id,
                          purpose="field:preferred_language")
    with pytest.raises(ValidationError) as err:
        consent.object_to(actor=system, customer_id=lin.id, purpose="marketing")
    assert err.value.field == "purpose"
    assert not Objection.objects.exists()


def test_objecting_to_a_fields_purpose_removes_it_and_keeps_it_out(own_inventory,
                                                                   make_customer, system):
    own_inventory(FIELDS.format(company="legitimate_interests"))
    ada = make_customer(company="Analytical Engines")
    consent.object_to(actor=system, customer_id=ada.id, purpose="field:company",
                      how="letter")
    assert not CustomerField.objects.filter(customer_id=ada.id, name="company").exists()
    with pytest.raises(ValidationError) as err:
        customers.customer_update(actor=system, customer_id=ada.id,
                                  changes={"company": "Engines Ltd"})
    assert err.value.field == "company"


def test_nothing_is_allowed_for_an_undeclared_purpose_or_a_restricted_customer(
        make_customer):
    from trustdesk.core import clock
    from trustdesk.customers.models import Customer

    ada = make_customer()
    assert consent_selectors.allowed(ada.id, "satisfaction_surveys")
    assert not consent_selectors.allowed(ada.id, "undeclared_thing")
    Customer.objects.filter(pk=ada.id).update(restricted_at=clock.now())
    assert not consent_selectors.allowed(ada.id, "satisfaction_surveys")


# --- who may --------------------------------------------------------------------------

def test_an_agent_records_consent_only_for_a_customer_they_serve(make_user, make_team,
                                                                 make_customer, system):
    team = make_team()
    grace = actor_for_user(make_user("agent", teams=[team]))
    served, stranger = make_customer(), make_customer()
    tickets.ticket_create(actor=system, customer_id=served.id, subject="Help",
                          body="Hello", team_id=team.pk, channel="email")
    row = consent.consent_give(actor=grace, customer_id=served.id,
                               purpose="field:preferred_language", how="phone")
    assert row.given_by == grace.label
    # A customer they do not serve answers as one that does not exist.
    with pytest.raises(NotFound):
        consent.consent_give(actor=grace, customer_id=stranger.id,
                             purpose="field:preferred_language", how="phone")
    with pytest.raises(NotFound):
        consent_selectors.consent_list(actor=grace, customer_id=stranger.id)
    other = consent.consent_give(actor=system, customer_id=stranger.id,
                                 purpose="field:preferred_language", how="phone")
    with pytest.raises(NotFound):
        consent.consent_withdraw(actor=grace, customer_id=stranger.id, consent_id=other.pk,
                                 how="phone")
    # Another customer's consent named under the served one's id is not found.
    with pytest.raises(NotFound):
        consent.consent_withdraw(actor=grace, customer_id=served.id, consent_id=other.pk,
                                 how="phone")
    assert Consent.objects.get(pk=other.pk).withdrawn_at is None


def test_roles_without_consent_manage_are_refused(make_user, make_customer):
    lin = make_customer()
    for role in ("billing", "auditor", "admin"):
        with pytest.raises(PermissionDenied):
            consent.consent_give(actor=actor_for_user(make_user(role)), customer_id=lin.id,
                                 purpose="field:preferred_language", how="phone")
    assert not Consent.objects.exists()


def test_a_legal_hold_keeps_the_value_while_the_consent_is_withdrawn(make_customer, system):
    from trustdesk.retention import holds as legal_holds

    lin = make_customer(preferred_language="zh", consent_how="phone")
    legal_holds.hold_set(actor=system, customer_id=lin.id, reason="Case 12")
    row = Consent.objects.get(customer_id=lin.id)
    consent.consent_withdraw(actor=system, customer_id=lin.id, consent_id=row.pk,
                             how="email")
    assert CustomerField.objects.filter(customer_id=lin.id,
                                        name="preferred_language").exists()
    assert not consent_selectors.allowed(lin.id, "field:preferred_language")
    [withdrawn] = _events("consent.withdraw")
    assert withdrawn["context"]["kept_for_hold"] == "preferred_language"
    assert not withdrawn.get("fields")


@pytest.mark.parametrize("raw", ["²", "١", "-3", "0", str(2**64), "3.0", "", None])
def test_odd_consent_ids_are_not_found(raw, make_customer, system):
    lin = make_customer(preferred_language="zh", consent_how="phone")
    with pytest.raises(NotFound):
        consent.consent_withdraw(actor=system, customer_id=lin.id, consent_id=raw,
                                 how="email")
    assert Consent.objects.get(customer_id=lin.id).withdrawn_at is None


def test_the_record_of_processing_lists_the_inventorys_purposes():
    from trustdesk.privacy import processing

    record = processing.build()
    [surveys] = [p for p in record.purposes if p.purpose.startswith("Satisfaction surveys")]
    assert surveys.legal_bases == ("legitimate_interests",) and surveys.fields == ()


def test_an_objection_request_fulfilled_stops_surveys_and_names_the_request(
        make_user, make_customer, make_ticket, as_actor, system):
    from trustdesk.customers import dsr, verified
    from trustdesk.customers.models import Customer
    from trustdesk.dsr import services as fulfilment

    officer = as_actor(make_user("privacy_officer"))
    ada = make_customer(phone="+442079460958")
    for kind in ("email", "phone"):
        verified.factor_passed(actor=officer, customer=Customer.objects.get(pk=ada.id),
                               kind=kind, method="test")
    filed = dsr.dsr_file(actor=officer, customer_id=ada.id, kind="objection")
    fulfilment.dsr_object(actor=officer, request_id=filed.id,
                          purpose="satisfaction_surveys")
    [row] = Objection.objects.filter(customer_id=ada.id)
    assert (row.request_id, row.method, row.by) == (filed.id, "request", officer.label)
    ticket = make_ticket(ada)
    tickets.ticket_update(actor=system, ticket_id=ticket.pk, status="solved")
    assert not Survey.objects.filter(ticket=ticket).exists()
    refused = dsr.dsr_file(actor=officer, customer_id=ada.id, kind="objection")
    with pytest.raises(Conflict, match="cannot be objected to"):
        fulfilment.dsr_object(actor=officer, request_id=refused.id, purpose="field:email")
