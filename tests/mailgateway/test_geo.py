"""The country of a client address from a real MaxMind-format database built for the
test, and what happens when the configured file is missing or corrupt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from trustdesk.mailgateway import geo
from trustdesk.mailgateway.lists import UNAVAILABLE, Entry, compile_lists
from trustdesk.mailgateway.policy import Facts, decide


def build(path, networks: dict[str, dict]) -> str:
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True,
                        database_type="GeoLite2-Country")
    for cidr, record in networks.items():
        writer.insert_network(IPSet([cidr]), record)
    writer.to_db_file(str(path))
    return str(path)


@pytest.fixture
def database(tmp_path):
    return build(tmp_path / "country.mmdb", {
        "192.0.2.0/24": {"country": {"iso_code": "DE", "names": {"en": "Germany"}}},
        "198.51.100.0/24": {"registered_country": {"iso_code": "fr"}},
        "2001:db8::/32": {"country": {"iso_code": "JP"}},
        "203.0.113.0/24": {"continent": {"code": "EU"}},  # no country in the record
    })


def test_the_country_of_an_address(database):
    assert geo.country_of("192.0.2.10", database=database) == "DE"
    assert geo.country_of("::ffff:192.0.2.10", database=database) == "DE"
    assert geo.country_of("198.51.100.1", database=database) == "FR"
    assert geo.country_of("2001:db8::1", database=database) == "JP"
    assert geo.country_of("[2001:db8::1]", database=database) == "JP"


def test_an_address_not_in_the_database_has_no_country(database):
    assert geo.country_of("10.0.0.1", database=database) is None
    assert geo.country_of("203.0.113.5", database=database) is None
    assert geo.country_of("not an address", database=database) is None


def test_no_database_configured_means_no_country(settings):
    settings.GEOIP_DATABASE = None
    assert geo.country_of("192.0.2.10") is None
    assert geo.status() == "off"


def test_the_setting_names_the_file(settings, database):
    settings.GEOIP_DATABASE = database
    assert geo.country_of("192.0.2.10") == "DE" and geo.status() == "ok"


def test_a_missing_or_corrupt_file_is_unavailable_not_no_country(tmp_path, database):
    missing = str(tmp_path / "nowhere.mmdb")
    assert geo.country_of("192.0.2.10", database=missing) == UNAVAILABLE
    assert geo.status(database=missing) == UNAVAILABLE
    garbage = tmp_path / "garbage.mmdb"
    garbage.write_bytes(os.urandom(4096))
    assert geo.country_of("192.0.2.10", database=str(garbage)) == UNAVAILABLE
    truncated = tmp_path / "truncated.mmdb"
    truncated.write_bytes(Path(database).read_bytes()[:200])
    assert geo.country_of("192.0.2.10", database=str(truncated)) == UNAVAILABLE


def test_a_replaced_file_is_picked_up(tmp_path):
    path = tmp_path / "live.mmdb"
    build(path, {"192.0.2.0/24": {"country": {"iso_code": "DE"}}})
    assert geo.country_of("192.0.2.10", database=str(path)) == "DE"
    # geoipupdate writes the new file beside it and renames it into place.
    build(tmp_path / "new.mmdb", {"192.0.2.0/24": {"country": {"iso_code": "NL"}}})
    os.replace(tmp_path / "new.mmdb", path)
    assert geo.country_of("192.0.2.10", database=str(path)) == "NL"
    path.unlink()
    assert geo.country_of("192.0.2.10", database=str(path)) == UNAVAILABLE
    build(path, {"192.0.2.0/24": {"country": {"iso_code": "BE"}}})
    assert geo.country_of("192.0.2.10", database=str(path)) == "BE"


def _decide(country, *entries):
    lists = compile_lists(Entry(i, a, k, v) for i, (a, k, v) in enumerate(entries, 1))
    return decide(Facts(peer_ip="192.0.2.10", mail_from="a@sender.example",
                        from_address="a@sender.example", from_domain="sender.example",
                        country=country, dmarc_result="pass",
                        authenticated_domains=frozenset({"sender.example"})), lists)


def test_a_country_deny_entry_that_cannot_be_checked_defers_the_message(tmp_path):
    country = geo.country_of("192.0.2.10", database=str(tmp_path / "gone.mmdb"))
    deferred = _decide(country, ("deny", "country", "KP"))
    assert (deferred.action, deferred.reason, deferred.smtp_code) == (
        "tempfail", "country_unavailable", 451)
    assert deferred.smtp_text.startswith("4.")
    # A network allow does not outweigh a deny entry that might have matched.
    assert _decide(country, ("deny", "country", "KP"),
                   ("allow", "network", "192.0.2.0/24")).action == "tempfail"
    # A deny entry that matches anyway still rejects.
    assert _decide(country, ("deny", "country", "KP"),
                   ("deny", "network", "192.0.2.0/24")).reason == "list_deny"
    # Mail no country deny entry would judge is not held up: a country allow that cannot
    # be checked is simply not applied.
    assert _decide(country, ("allow", "country", "DE")).reason == "accepted"


def test_with_the_database_the_country_decides(database):
    country = geo.country_of("192.0.2.10", database=database)
    assert _decide(country, ("deny", "country", "DE")).reason == "list_deny"
    assert _decide(country, ("deny", "country", "KP")).reason == "accepted"
    assert _decide(country, ("allow", "country", "DE")).reason == "list_allow"


def test_an_ipv4_only_database_has_no_country_for_ipv6(tmp_path):
    writer = MMDBWriter(ip_version=4, database_type="GeoLite2-Country")
    writer.insert_network(IPSet(["192.0.2.0/24"]), {"country": {"iso_code": "SE"}})
    writer.to_db_file(str(tmp_path / "v4.mmdb"))
    path = str(tmp_path / "v4.mmdb")
    assert geo.country_of("192.0.2.1", database=path) == "SE"
    assert geo.country_of("2001:db8::1", database=path) is None
