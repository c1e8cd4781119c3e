"""The field policy: shipped defaults, fail-closed resolution, overrides, masking."""

from __future__ import annotations

import pytest

from trustdesk.access import fields as fp
from trustdesk.access import masking
from trustdesk.access.roles import ROLE_LABELS
from trustdesk.core.errors import ConfigurationError
from trustdesk.privacy.inventory import get_inventory


@pytest.fixture
def policy():
    return fp.FieldPolicy(get_inventory().fields)


def test_every_role_and_field_has_a_decision(policy):
    for role in ROLE_LABELS:
        for field in get_inventory().names:
            assert policy.decide(role, field) in fp.DECISIONS


def test_shipped_defaults_are_least_privilege(policy):
    d = policy.decide
    assert d("agent", "full_name") == fp.VISIBLE
    assert d("agent", "email") == d("agent", "phone") == fp.MASKED
    assert d("agent", "account_number") == d("agent", "postal_address") == fp.REVEALABLE
    assert d("agent", "payment_card") == fp.HIDDEN
    assert d("senior_agent", "email") == fp.REVEALABLE
    assert d("billing", "payment_card") == fp.REVEALABLE
    assert d("billing", "date_of_birth") == fp.HIDDEN
    # An admin manages the installation, not customers' cards (seed 000 §2).
    assert d("admin", "payment_card") == fp.HIDDEN
    assert all(d("auditor", f) == fp.HIDDEN for f in get_inventory().names)
    assert all(d("security_officer", f) == fp.HIDDEN for f in get_inventory().names)
    assert d("privacy_officer", "payment_card") == fp.REVEALABLE


def test_unknown_roles_and_fields_are_hidden(policy):
    assert policy.decide("intern", "full_name") == fp.HIDDEN
    assert policy.decide("agent", "shoe_size") == fp.HIDDEN


class Spec:
    def __init__(self, name, type="string", category="contact", sensitivity="internal"):
        self.name, self.type, self.category, self.sensitivity = (
            name, type, category, sensitivity)


def test_a_new_field_gets_its_kind_s_answer_without_a_rule_of_its_own():
    policy = fp.FieldPolicy([Spec("iban", category="financial", sensitivity="restricted"),
                             Spec("loyalty_tier")])
    assert policy.decide("agent", "iban") == fp.HIDDEN  # category:financial
    assert policy.decide("billing", "iban") == fp.REVEALABLE
    assert policy.decide("agent", "loyalty_tier") == fp.MASKED  # "*"
    assert policy.restricted("iban") and not policy.restricted("loyalty_tier")


def test_overrides_narrow_or_widen_one_role(policy):
    changed = fp.FieldPolicy(get_inventory().fields,
                             overrides={"agent": {"email": "revealable"}})
    assert changed.decide("agent", "email") == fp.REVEALABLE
    assert changed.decide("agent", "phone") == fp.MASKED
    with pytest.raises(ConfigurationError):
        fp.FieldPolicy(get_inventory().fields, overrides={"agent": {"email": "shown"}})


def test_the_setting_reaches_the_compiled_policy(settings, db):
    from trustdesk.customers.visibility import field_policy

    assert field_policy().decide("agent", "email") == fp.MASKED
    settings.ACCESS_FIELD_POLICY = {"agent": {"email": "visible"}}
    assert field_policy().decide("agent", "email") == fp.VISIBLE


@pytest.mark.parametrize(("type_", "value", "masked"), [
    ("email", "jane.doe@example.com", "j***@example.com"),
    ("phone", "+442079460958", "•••• 0958"),
    ("phone", "12345", "••••"),
    ("card_number", "4111111111111111", "411111••••••1111"),
    ("card_number", "411111••••••1111", "411111••••••1111"),  # stored tokenized already
    ("date", "1815-12-10", "••••-••-••"),
    ("string", "AC-123456789", "••••••••6789"),
    ("string", "AC-1729", "•••••29"),
    ("string", "Bob", "••••"),
    ("text", "", ""),
])
def test_masking_by_type(type_, value, masked):
    assert masking.mask(type_, value) == masked


def test_a_masked_value_keeps_at_most_a_third():
    for n in range(1, 40):
        value = "x" * (n - 1) + "Z"  # "x" also never appears: only the kept tail
        shown = masking.mask("string", value).replace(masking.DOT, "")
        assert len(shown) <= n // 3
        assert not shown if n < 6 else True
