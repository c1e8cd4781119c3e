"""The allow and deny lists: each kind's values validated and normalised, the matching
rule (deny wins; an allow by address or domain needs authentication), and the cached
compiled form that follows changes."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.core.errors import ValidationError
from trustdesk.mailgateway import lists
from trustdesk.mailgateway.countries import CODES
from trustdesk.mailgateway.lists import Entry, compile_lists, evaluate, match, normalise


@pytest.mark.parametrize(("kind", "raw", "stored"), [
    ("address", "Alice@Example.COM", "alice@example.com"),
    ("address", " bob.smith+tag@mail.example.org ", "bob.smith+tag@mail.example.org"),
    ("address", "info@bücher.example", "info@xn--bcher-kva.example"),
    ("domain", "Example.COM.", "example.com"),
    ("domain", "*.example.net", "example.net"),
    ("domain", "bücher.example", "xn--bcher-kva.example"),
    ("domain", "xyz", "xyz"),  # denying a whole TLD is allowed
    ("network", "192.0.2.7", "192.0.2.7/32"),
    ("network", "192.0.2.0/24", "192.0.2.0/24"),
    ("network", "2001:DB8:0:0::/32", "2001:db8::/32"),
    ("network", "::ffff:198.51.100.0/120", "198.51.100.0/24"),
    ("country", "de", "DE"),
    ("country", " SS ", "SS"),
])
def test_values_are_normalised(kind, raw, stored):
    assert normalise(kind, raw) == stored


@pytest.mark.parametrize(("kind", "raw", "says"), [
    ("address", "example.com", "not one sender address"),
    ("address", "Alice <alice@example.com>", "not one sender address"),
    ("address", "a@b@example.com", "not one sender address"),
    ("address", "a,b@example.com", "not one sender address"),
    ("address", ".a@example.com", "not one sender address"),
    ("address", "a..b@example.com", "not one sender address"),
    ("address", "alice@[192.0.2.1]", "not one sender address"),
    ("address", "x" * 65 + "@example.com", "not one sender address"),
    ("domain", "exa mple.com", "not a domain name"),
    ("domain", "-bad.example", "not a domain name"),
    ("domain", "192.0.2.1/24", "not a domain name"),
    ("network", "192.0.2.300", "not an IP address or CIDR"),
    ("network", "example.com", "not an IP address or CIDR"),
    ("network", "192.0.2.7/24", "host bits set; did you mean 192.0.2.0/24"),
    ("country", "XX", "not an ISO 3166-1 alpha-2"),
    ("country", "XK", "not an ISO 3166-1 alpha-2"),  # user-assigned, not ISO's
    ("country", "DEU", "not an ISO 3166-1 alpha-2"),
    ("domain", "   ", "enter the domain to deny"),
])
def test_bad_values_are_refused_with_the_field_named(kind, raw, says):
    with pytest.raises(ValidationError) as exc:
        normalise(kind, raw)
    assert exc.value.field == "value"
    assert says in exc.value.message and exc.value.message.startswith("value: ")


def test_an_allow_entry_may_not_be_a_public_suffix_or_the_whole_internet():
    assert normalise("domain", "co.uk", action="deny") == "co.uk"
    with pytest.raises(ValidationError, match="public suffix"):
        normalise("domain", "co.uk", action="allow")
    with pytest.raises(ValidationError, match="every address"):
        normalise("network", "0.0.0.0/0", action="allow")
    assert normalise("domain", "example.co.uk", action="allow") == "example.co.uk"


def test_unknown_kind_or_action_names_its_field():
    with pytest.raises(ValidationError) as exc:
        normalise("ip", "192.0.2.1")
    assert exc.value.field == "kind"
    with pytest.raises(ValidationError) as exc:
        normalise("domain", "example.com", action="block")
    assert exc.value.field == "action"


def test_the_country_table_is_iso_3166_1():
    assert len(CODES) == 249 and all(len(c) == 2 and c.isupper() for c in CODES)
    # phonenumbers' regions are the same list but for the seven places without a
    # numbering plan, and three codes ISO does not assign.
    regions = set(phonenumbers.SUPPORTED_REGIONS)
    assert CODES - regions == {"AQ", "BV", "GS", "HM", "PN", "TF", "UM"}
    assert regions - CODES == {"AC", "TA", "XK"}


def _lists(*specs):
    return compile_lists(Entry(i, a, k, normalise(k, v, action=a))
                         for i, (a, k, v) in enumerate(specs, 1))


def _facts(**over):
    base = {"peer_ip": "203.0.113.9", "mail_from": "bounce@mail.partner.example",
            "from_address": "ceo@partner.example", "from_domain": "partner.example",
            "country": "FR"}
    return base | over


def test_each_kind_matches():
    cases = [
        (("deny", "address", "ceo@partner.example"), {}),
        (("deny", "address", "bounce@mail.partner.example"), {}),  # the envelope too
        (("deny", "domain", "partner.example"), {"from_domain": "sub.partner.example"}),
        (("deny", "domain", "mail.partner.example"), {}),  # via the envelope's domain
        (("deny", "network", "203.0.113.0/24"), {}),
        (("deny", "network", "203.0.113.9"), {"peer_ip": "::ffff:203.0.113.9"}),
        (("deny", "network", "2001:db8::/32"), {"peer_ip": "2001:db8::25"}),
        (("deny", "country", "FR"), {}),
    ]
    for spec, over in cases:
        hit = match(_lists(spec), **_facts(**over))
        assert hit is not None and hit[0] == "deny" and hit[1].kind == spec[1], spec


def test_near_misses_do_not_match():
    misses = [
        ("deny", "domain", "artner.example"),  # a suffix of the name, not a parent domain
        ("deny", "domain", "other.example"),
        ("deny", "address", "cfo@partner.example"),
        ("deny", "network", "203.0.112.0/24"),
        ("deny", "network", "2001:db8::/32"),  # an IPv4 client is not in an IPv6 block
        ("deny", "country", "DE"),
    ]
    for spec in misses:
        assert match(_lists(spec), **_facts()) is None, spec


def test_deny_wins_over_allow():
    entries = _lists(("allow", "network", "203.0.113.0/24"), ("allow", "domain",
                     "partner.example"), ("deny", "country", "FR"))
    action, entry = match(entries, **_facts(), authenticated={"partner.example"})
    assert (action, entry.kind) == ("deny", "country")


def test_an_allow_by_domain_or_address_needs_authentication():
    for spec in (("allow", "domain", "partner.example"),
                 ("allow", "address", "ceo@partner.example")):
        entries = _lists(spec)
        # Anyone can write From: ceo@partner.example.
        assert match(entries, **_facts()) is None
        verdict = evaluate(entries, **_facts(), authenticated={"evil.example"})
        assert verdict.action is None and verdict.ignored.kind == spec[1]
        # A DKIM or SPF pass aligned with the From domain (relaxed: a subdomain's key).
        for vouched in ("partner.example", "mail.partner.example"):
            action, entry = match(entries, **_facts(), authenticated={vouched})
            assert (action, entry.kind) == ("allow", spec[1])


def test_an_allow_by_domain_never_follows_the_envelope_alone():
    entries = _lists(("allow", "domain", "partner.example"))
    spoof = _facts(from_address="ceo@victim.example", from_domain="victim.example")
    assert match(entries, **spoof, authenticated={"mail.partner.example"}) is None


def test_network_and_country_allow_entries_count_as_given():
    for spec in (("allow", "network", "203.0.113.0/24"), ("allow", "country", "FR")):
        action, entry = match(_lists(spec), **_facts())
        assert (action, entry.kind) == ("allow", spec[1])


def test_a_country_entry_needs_a_country():
    entries = _lists(("deny", "country", "FR"), ("allow", "country", "DE"))
    assert match(entries, **_facts(country=None)) is None
    verdict = evaluate(entries, **_facts(country=lists.UNAVAILABLE))
    assert verdict.action is None and verdict.country_undecided
    # Without a country deny entry nothing is undecided.
    verdict = evaluate(_lists(("allow", "country", "DE")),
                       **_facts(country=lists.UNAVAILABLE))
    assert not verdict.country_undecided


def test_the_verdict_names_no_address():
    entries = _lists(("deny", "address", "ceo@partner.example"))
    verdict = evaluate(entries, **_facts())
    assert "ceo@" not in str(verdict.as_check()) and "ceo@" not in verdict.entry.describe()
    domain = evaluate(_lists(("deny", "domain", "partner.example")), **_facts())
    assert domain.as_check()["entry"]["value"] == "partner.example"


def test_greylist_exemption_before_the_message_is_read():
    entries = _lists(("allow", "network", "203.0.113.0/24"), ("deny", "country", "CN"))
    assert lists.greylist_exempt(entries, peer_ip="203.0.113.9", country="FR")
    assert not lists.greylist_exempt(entries, peer_ip="203.0.113.9", country="CN")
    assert not lists.greylist_exempt(entries, peer_ip="203.0.113.9",
                                     country=lists.UNAVAILABLE)
    assert not lists.greylist_exempt(entries, peer_ip="198.51.100.1", country="FR")


@pytest.mark.django_db
def test_the_cached_lists_follow_changes(system, monkeypatch):
    from trustdesk.mailgateway import services
    from trustdesk.mailgateway.models import ListEntry

    assert lists.current().entries == ()
    # A change made elsewhere (another process) shows once the cache expires.
    ListEntry.objects.create(action="deny", kind="domain", value="spam.example")
    assert lists.current().entries == ()
    clock = [lists.time.monotonic() + lists.LISTS_TTL + 1]
    monkeypatch.setattr(lists.time, "monotonic", lambda: clock[0])
    assert [e.value for e in lists.current().entries] == ["spam.example"]
    # A change made by this process shows at once.
    services.list_entry_add(actor=system, action="deny", kind="country", value="KP")
    assert {e.value for e in lists.current().entries} == {"spam.example", "KP"}
    lists.settled()  # the commit
    assert {e.value for e in lists.current().entries} == {"spam.example", "KP"}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(kind=st.sampled_from(lists.KINDS), action=st.sampled_from(lists.ACTIONS),
       raw=st.text(max_size=300) | st.emails().map(lambda e: e.upper()))
def test_any_input_is_stored_normalised_or_refused(kind, action, raw):
    """Whatever arrives, the answer is a value the column holds (printable, at most 254
    characters, stable under normalising again) or a ValidationError, never a crash."""
    try:
        value = normalise(kind, raw, action=action)
    except ValidationError as exc:
        assert exc.field == "value"
        return
    assert value.isprintable() and 0 < len(value) <= 254
    assert normalise(kind, value, action=action) == value


def test_an_address_longer_than_a_path_allows_is_refused():
    long_domain = ".".join(["a" * 60] * 3) + ".example"
    with pytest.raises(ValidationError):
        normalise("address", "x" * 64 + "@" + long_domain)


def test_an_allowed_address_needs_its_own_domain_authenticated():
    entries = _lists(("allow", "address", "ceo@partner.example"))
    # Facts that disagree (From says partner.example, the domain field another) must not
    # lend one domain's pass to the other's address.
    odd = _facts(from_domain="evil.example")
    assert match(entries, **odd, authenticated={"evil.example"}) is None
