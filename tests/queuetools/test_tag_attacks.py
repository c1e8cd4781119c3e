"""Attacks on tags, bulk changes and a ticket's activity, from an attacker's review: each
test states the behaviour the feature promises (docs/helpdesk.md) against a way round it
that once worked."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import ValidationError
from trustdesk.tickets import bulk, selectors, tagging
from trustdesk.tickets.models import Tag

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def two_teams(make_user, make_team, make_ticket):
    mine, theirs = make_team("Orders"), make_team("Billing")
    agent = make_user("agent", teams=[mine])
    other = make_user("agent", teams=[theirs])
    return {"agent": agent, "actor": actor_for_user(agent), "other": other,
            "ticket": make_ticket(team=mine), "elsewhere": make_ticket(team=theirs),
            "mine": mine, "theirs": theirs}


# --- personal data smuggled into tags ------------------------------------------------

@pytest.mark.parametrize("customer, tag", [
    ("Ada Lovelace", "ada-lovelace-vip"),   # the full name, with a word after it
    ("Ada Lovelace", "vip-ada-lovelace"),   # ... or before it
    ("Ada Lovelace", "lovelace-ada"),       # surname first
    ("José García", "jose-garcia"),         # typed without the accents
    ("Sean O'Brien", "sean-obrien"),        # typed without the apostrophe
    ("Ada Lovelace", "\u0430da-lovelace"),  # Cyrillic "а": reads as the name
])
def test_a_customers_full_name_cannot_be_smuggled_into_a_tag(two_teams, make_customer,
                                                             customer, tag):
    """normalise() asks the name-claim hash whether the *whole* tag is a customer's
    name, exactly (case and spacing aside). The full name with another word around it,
    in the other order, without diacritics or apostrophe, or with a homoglyph passes,
    and is then shown in clear in every queue and never erased with the customer."""
    make_customer(full_name=customer)
    with pytest.raises(ValidationError, match=r"shown in clear|mixes alphabets"):
        tagging.check_new(two_teams["actor"], [tag])


@pytest.mark.parametrize("tag", [
    "4111\u06401111\u06401111\u06401111",   # Arabic tatweel: looks like "_"
    "4111\u30fc1111\u30fc1111\u30fc1111",   # katakana prolonged sound mark: looks like "-"
    "4111\u4e001111\u4e001111\u4e001111",   # CJK "one": looks like "-"
    "4111x1111x1111x1111",
])
def test_a_card_number_with_lookalike_separators_is_refused(two_teams, tag):
    """The long-number rule removes only "-" and "_" before looking for six digits in a
    row, and the PII detector does not know these separators. Any other \\w character
    between the groups (some of them drawn as a dash or an underscore) lets a 16-digit
    card number through as a tag."""
    with pytest.raises(ValidationError, match="shown in clear"):
        tagging.check_new(two_teams["actor"], [tag])


def test_a_tag_that_became_a_customers_name_can_still_be_removed(two_teams, make_customer,
                                                                 api_client):
    """Removal runs the names through normalise(), personal-data checks included. A tag
    that was fine when added ("grace-hopper") and matches a customer created later can
    then never be taken off a ticket, by the tags endpoint or by bulk: the one tag that
    must go is the one the service refuses to remove."""
    who, ticket = two_teams["actor"], two_teams["ticket"]
    tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk, add=["grace-hopper"])
    make_customer(full_name="Grace Hopper")
    response = api_client(two_teams["agent"]).post(
        f"/api/v1/tickets/{ticket.pk}/tags", {"remove": ["grace-hopper"]}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert list(ticket.tags.values_list("name", flat=True)) == []


def test_bulk_can_remove_a_tag_that_became_a_customers_name(two_teams, make_customer):
    who, ticket = two_teams["actor"], two_teams["ticket"]
    tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk, add=["grace-hopper"])
    make_customer(full_name="Grace Hopper")
    result = bulk.tickets_bulk(actor=who, ticket_ids=[ticket.pk], remove_tags=["grace-hopper"])
    assert result.done == [ticket.pk]


def test_the_tag_check_is_no_unaudited_oracle_for_customer_names(two_teams, make_customer,
                                                                 make_ticket, api_client):
    """The tag check tells any holder of ticket.update whether a full name is an active
    customer's: "cannot be a customer's name" (400) against "Not found." (404), on a
    ticket id that does not even exist. The customer search refuses exactly that to a
    need-to-know agent, counts it against the search limit and audits it; this probe is
    neither limited nor audited, and needs no ticket at all."""
    customer = make_customer(full_name="Ada Lovelace")
    make_ticket(customer, team=two_teams["theirs"])  # not the agent's customer
    client = api_client(two_teams["agent"])
    before = AuditEvent.objects.count()
    known = client.post("/api/v1/tickets/987654/tags", {"add": ["ada lovelace"]},
                        content_type=JSON)
    unknown = client.post("/api/v1/tickets/987654/tags", {"add": ["ada lovelaze"]},
                          content_type=JSON)
    # The same answer whether or not the name is a customer's, for a ticket out of reach.
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert AuditEvent.objects.count() == before  # nothing was asked of the names
    # On a ticket the agent sees, the refusal is recorded (the name as a keyed hash) and
    # each check counts against the agent's customer-search limit.
    refused = client.post(f"/api/v1/tickets/{two_teams['ticket'].pk}/tags",
                          {"add": ["ada lovelace"]}, content_type=JSON)
    assert refused.status_code == 400
    event = AuditEvent.objects.get(action="label.refused")
    assert event.outcome == "denied" and b"lovelace" not in bytes(event.body).lower()


def test_the_tag_check_is_rate_limited_like_a_customer_search(two_teams, settings,
                                                               api_client):
    settings.CUSTOMER_SEARCH_LIMIT = 2
    client = api_client(two_teams["agent"])
    url = f"/api/v1/tickets/{two_teams['ticket'].pk}/tags"
    codes = [client.post(url, {"add": [f"guess-{n}"]}, content_type=JSON).status_code
             for n in range(3)]
    assert codes == [200, 200, 429]


# --- cross-team leaks ---------------------------------------------------------------------

def test_console_tag_completion_offers_only_tags_on_tickets_the_person_can_see(
        two_teams, console_client, api_client):
    """GET /api/v1/tags lists only the tags on tickets the caller can see, but the
    console's completion list (tag_names, on the queue and on every ticket) is every Tag
    row: another team's tags, and tags removed from every ticket (Tag rows are never
    deleted), reach every agent's page."""
    other = actor_for_user(two_teams["other"])
    tagging.ticket_tags_change(actor=other, ticket_id=two_teams["elsewhere"].pk,
                               add=["takeover-project-falcon", "was-here"])
    tagging.ticket_tags_change(actor=other, ticket_id=two_teams["elsewhere"].pk,
                               remove=["was-here"])
    names = [t["name"] for t in api_client(two_teams["agent"]).get("/api/v1/tags").json()]
    assert "takeover-project-falcon" not in names  # the API holds
    client = console_client(two_teams["agent"])
    queue = client.get("/tickets/").content.decode()
    page = client.get(f"/tickets/{two_teams['ticket'].pk}/").content.decode()
    assert "takeover-project-falcon" not in queue
    assert "takeover-project-falcon" not in page
    assert "was-here" not in queue


# --- bulk ---------------------------------------------------------------------------------

def test_bulk_move_and_tag_is_not_reported_as_not_found(make_user, make_team, make_ticket):
    """tickets_bulk changes the fields first, then the tags, each looking the ticket up
    again through visible_tickets. A senior agent moving their own team's ticket to
    another team and tagging it loses sight of it between the two calls: the tag step
    raises NotFound, the move is rolled back, and a ticket they can see is reported as
    "Not found." (the same happens to an agent who unassigns a ticket of another team
    that was theirs)."""
    mine, theirs = make_team("Orders"), make_team("Billing")
    senior = make_user("senior_agent", teams=[mine])
    ticket = make_ticket(team=mine)
    result = bulk.tickets_bulk(actor=actor_for_user(senior), ticket_ids=[ticket.pk],
                               team_id=theirs.pk, add_tags=["escalated"])
    assert result.refused.get(ticket.pk) != "Not found."
    assert result.done == [ticket.pk]


def test_bulk_adding_and_removing_one_tag_refuses_the_whole_request(two_teams):
    """docs/helpdesk.md: a value no ticket could take refuses the whole request before any
    ticket is touched. The same tag to add and remove is checked per ticket instead: each
    ticket is listed as refused and a ticket.bulk event is written."""
    with pytest.raises(ValidationError):
        bulk.tickets_bulk(actor=two_teams["actor"], ticket_ids=[two_teams["ticket"].pk],
                          add_tags=["x"], remove_tags=["X"])


# --- the queue's tag filter -------------------------------------------------------------

def test_tag_filter_normalises_as_the_tag_was_stored(two_teams):
    """Tags are stored NFKC'd; the queue's filter only lower-cases and joins words, so
    "ＲＥＦＵＮＤ" (full-width, as an IME types it) finds no ticket tagged "refund"."""
    tagging.ticket_tags_change(actor=two_teams["actor"], ticket_id=two_teams["ticket"].pk,
                               add=["ＲＥＦＵＮＤ"])
    page = selectors.ticket_list(actor=two_teams["actor"],
                                 filters=selectors.TicketFilters(tag="ＲＥＦＵＮＤ"))
    assert [r.ticket.pk for r in page.items] == [two_teams["ticket"].pk]
    assert Tag.objects.filter(name="refund").exists()
