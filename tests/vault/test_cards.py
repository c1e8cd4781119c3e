"""Payment cards: tokenized on entry, shown as BIN + last four; CVV and PIN never stored."""

import pytest

from helpers import stored_profile
from trustdesk.customers import services
from trustdesk.customers.models import CustomerField
from trustdesk.privacy.errors import InventoryError
from trustdesk.privacy.inventory import parse_inventory
from trustdesk.vault import cards
from trustdesk.vault.errors import InvalidCardNumber, SensitiveAuthenticationData
from trustdesk.vault.models import CardToken

PAN = "4111 1111 1111 1111"


@pytest.mark.django_db
def test_card_number_is_tokenized_and_masked(system):
    customer = services.customer_create(actor=system, profile={
        "full_name": "Ada Lovelace", "payment_card": PAN})
    assert customer.profile["payment_card"] == "411111••••••1111"
    token = CardToken.objects.get(subject=f"customer:{customer.id}")
    assert b"4111111111111111" not in bytes(token.sealed_pan)
    assert cards.detokenize(token.subject, token.token) == "4111111111111111"
    sealed = bytes(CustomerField.objects.get(customer_id=customer.id, name="payment_card").sealed)
    assert b"1111" not in sealed
    # Replacing the card drops the old token.
    services.customer_update(actor=system, customer_id=customer.id,
                             changes={"payment_card": "5555-5555-5555-4444"})
    assert CardToken.objects.filter(subject=token.subject).count() == 1
    assert stored_profile(customer.id)["payment_card"] == "555555••••••4444"


@pytest.mark.parametrize("pan", ["4111 1111 1111 1112", "1234", "4111-1111-1111-111x",
                                 "٤١١١١١١١١١١١١١١٢"])
@pytest.mark.django_db
def test_invalid_card_numbers_are_refused(system, pan):
    with pytest.raises(InvalidCardNumber) as caught:
        services.customer_create(actor=system, profile={"full_name": "A B",
                                                        "payment_card": pan})
    assert caught.value.field == "payment_card"
    assert not CardToken.objects.exists()


@pytest.mark.parametrize("pan", ["٤١١١١١١١١١١١١١١١", "４１１１ １１１１ １１１１ １１１１",
                                 "4111\u200b1111\u200b1111\u200b1111"])
def test_a_card_in_other_digits_or_with_invisible_separators_is_the_card(pan):
    """As a person reads it, and as the PII detector finds it (pii/fold.py)."""
    from trustdesk.vault.cards import normalise_pan

    assert normalise_pan(pan) == "4111111111111111"


@pytest.mark.parametrize("name", ["cvv", "CVC2", "card_cvv", "security_code", "pin",
                                  "pin_block", "track2"])
@pytest.mark.django_db
def test_security_codes_and_pins_are_never_stored(system, name):
    with pytest.raises(SensitiveAuthenticationData) as caught:
        services.customer_create(actor=system, profile={
            "full_name": "A B", "payment_card": PAN, name: "123"})
    assert caught.value.field == name and "PCI DSS 3.3.1" in caught.value.message
    assert not CardToken.objects.exists()


@pytest.mark.django_db
def test_api_refuses_a_cvv_with_a_clear_error(make_user, api_client):
    client = api_client(make_user("agent"))
    response = client.post("/api/v1/customers", {"profile": {
        "full_name": "A B", "payment_card": PAN, "cvv": "123"}}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sensitive_authentication_data"
    assert response.json()["error"]["field"] == "cvv"


def test_an_inventory_cannot_declare_a_security_code():
    text = """version: 1
fields:
  - name: card_cvv
    type: string
    category: financial
    sensitivity: restricted
    purpose: never
    legal_basis: contract
    required: false
    retention: 1d
"""
    with pytest.raises(InventoryError, match=r":3: 'card_cvv' would hold card security codes"):
        parse_inventory(text, "inv.yaml")
