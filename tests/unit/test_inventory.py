"""The data inventory: declared fields only, and a broken file names its line."""

import subprocess
import sys
import textwrap

import pytest

from trustdesk.privacy.errors import InventoryError, UndeclaredField
from trustdesk.privacy.inventory import get_inventory, parse_inventory

GOOD = """\
version: 1
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
    retention: 18m
    searchable: true
"""


def test_shipped_inventory_is_valid_and_complete():
    inventory = get_inventory()
    assert "full_name" in inventory.required
    for spec in inventory.fields:
        assert spec.purpose and spec.legal_basis and spec.retention_days > 0
    assert {f.name for f in inventory.fields if f.searchable} >= {"email", "phone"}


def test_parse_good_inventory():
    inventory = parse_inventory(GOOD)
    assert inventory.names == ("full_name", "email")
    assert inventory.get("email").retention_days == 18 * 30
    assert inventory.get("email").searchable
    assert inventory.get("full_name").label == "Full name"


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("sensitivity: confidential\n    purpose: Reply",
          "sensitivity: secret\n    purpose: Reply"), 14, "sensitivity"),
        (("retention: 18m", "retention: forever"), 18, "retention"),
        (("required: false", "required: maybe"), 17, "true or false"),
        (("    searchable: true\n", "    searchable: true\n    colour: red\n"), 20,
         "unknown key 'colour'"),
        (("name: email", "name: full_name"), 11, "declared twice"),
        (("name: email", "name: E-Mail"), 11, "lower_snake_case"),
        (("  - name: email\n", "  - name: email\n   bad indent: [\n"), 12, ""),
    ],
)
def test_invalid_inventory_names_the_line(change, line, words):
    text = GOOD.replace(*change)
    with pytest.raises(InventoryError) as caught:
        parse_inventory(text, "inv.yaml")
    assert f"inv.yaml:{line}:" in caught.value.message
    assert words in caught.value.message


def test_missing_keys_are_listed():
    text = GOOD.replace("    legal_basis: contract\n    required: true\n", "")
    with pytest.raises(InventoryError, match=r"inv.yaml:3: field is missing legal_basis, required"):
        parse_inventory(text, "inv.yaml")


def test_broken_inventory_stops_startup(tmp_path):
    bad = tmp_path / "inventory.yaml"
    bad.write_text(GOOD.replace("retention: 3y", "retention: 0y"))
    code = textwrap.dedent("""
        import django
        django.setup()
    """)
    env = {"TRUSTDESK_INVENTORY_PATH": str(bad), "TRUSTDESK_DATA_DIR": str(tmp_path / "d"),
           "DJANGO_SETTINGS_MODULE": "trustdesk.config.settings", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert f"{bad}:10: retention '0y'" in result.stderr


def test_undeclared_field_error_names_the_field():
    from trustdesk.privacy.values import validate_profile

    with pytest.raises(UndeclaredField) as caught:
        validate_profile(parse_inventory(GOOD), {"full_name": "A B", "shoe_size": "44"})
    assert caught.value.field == "shoe_size"
    assert "'shoe_size' is not a declared customer data field" in caught.value.message
