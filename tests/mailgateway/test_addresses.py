"""Signed ticket reply addresses and bounce addresses."""

from __future__ import annotations

import uuid

import pytest

from trustdesk.mailgateway import addresses

pytestmark = pytest.mark.django_db  # the signature's key is the vault's
ROUTES = ["support@example.com", "help@other.example"]


def test_round_trip():
    address = addresses.ticket_address("Support@Example.com", 42)
    local, domain = address.split("@")
    assert domain == "example.com" and local.startswith("support+t42.")
    assert len(local.split(".", 1)[1]) == 16
    assert addresses.parse_ticket_address(address, ROUTES) == 42
    assert addresses.parse_ticket_address(address.upper(), ROUTES) == 42  # case-folded


def test_each_ticket_and_route_has_its_own_signature():
    a = addresses.ticket_address("support@example.com", 42)
    b = addresses.ticket_address("support@example.com", 43)
    c = addresses.ticket_address("help@other.example", 42)
    sigs = {x.split("@")[0].rsplit(".", 1)[1] for x in (a, b, c)}
    assert len(sigs) == 3


def test_a_forged_ticket_id_is_refused():
    address = addresses.ticket_address("support@example.com", 42)
    forged = address.replace("+t42.", "+t43.")
    assert addresses.parse_ticket_address(forged, ROUTES) is None


def test_a_forged_signature_is_refused():
    address = addresses.ticket_address("support@example.com", 42)
    local, domain = address.split("@")
    sig = local.rsplit(".", 1)[1]
    flipped = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    assert addresses.parse_ticket_address(f"{local[:-16]}{flipped}@{domain}", ROUTES) is None
    assert addresses.parse_ticket_address(f"{local[:-16]}{sig[:8]}@{domain}", ROUTES) is None
    assert addresses.parse_ticket_address("support+t42@example.com", ROUTES) is None
    assert addresses.parse_ticket_address("support@example.com", ROUTES) is None
    assert addresses.parse_ticket_address("", ROUTES) is None


def test_another_routes_domain_or_an_unknown_route_is_refused():
    address = addresses.ticket_address("support@example.com", 42)
    tag = address.split("@")[0].split("+", 1)[1]
    # The same tag under another route's domain, or under an address that is no route.
    assert addresses.parse_ticket_address(f"support+{tag}@other.example", ROUTES) is None
    assert addresses.parse_ticket_address(f"help+{tag}@other.example", ROUTES) is None
    assert addresses.parse_ticket_address(address, ["help@other.example"]) is None


def test_bounce_address_round_trip():
    uid = uuid.uuid4()
    address = addresses.bounce_address("support@example.com", uid)
    assert address == f"support+bounce-{uid.hex}@example.com"
    assert addresses.parse_bounce_address(address) == uid
    assert addresses.parse_bounce_address("support@example.com") is None
    assert addresses.parse_bounce_address(f"support+bounce-{uid.hex[:-1]}@example.com") is None
    assert addresses.parse_bounce_address(addresses.ticket_address("support@example.com", 1)
                                          ) is None
