import pytest

from trustdesk.privacy.errors import InvalidFieldValue, MissingRequiredField
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.values import normalise_value, validate_profile

INV = get_inventory()


@pytest.mark.parametrize(
    ("field", "raw", "stored"),
    [
        ("email", "  Jane.Doe@Example.COM ", "jane.doe@example.com"),
        ("phone", "+44 20 7946 0958", "+442079460958"),
        ("phone", "+1 (202) 555-0175", "+12025550175"),
        ("country", "de", "DE"),
        ("preferred_language", "pt-BR", "pt-BR"),
        ("date_of_birth", "1984-02-29", "1984-02-29"),
        ("postal_address", "1 Main St\nSpringfield", "1 Main St\nSpringfield"),
    ],
)
def test_values_are_normalised(field, raw, stored):
    assert normalise_value(INV.get(field), raw) == stored


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("email", "not-an-email"),
        ("phone", "12345"),
        ("phone", "020 7946 0958"),  # no country: ambiguous
        ("country", "XX"),
        ("preferred_language", "English!"),
        ("date_of_birth", "29/02/1984"),
        ("date_of_birth", "2999-01-01"),
        ("full_name", "bell\x07"),
        ("full_name", "x" * 201),
        ("full_name", ["a list"]),
        ("full_name", True),
    ],
)
def test_invalid_values_are_refused_with_the_field(field, raw):
    with pytest.raises(InvalidFieldValue) as caught:
        normalise_value(INV.get(field), raw)
    assert caught.value.field == field


def test_required_field_missing_or_removed():
    with pytest.raises(MissingRequiredField) as caught:
        validate_profile(INV, {"email": "a@example.com"})
    assert caught.value.field == "full_name"
    with pytest.raises(MissingRequiredField):
        validate_profile(INV, {"full_name": None}, existing={"full_name": "A"})
    assert validate_profile(INV, {"email": None}, existing={"full_name": "A"}) == {"email": None}
