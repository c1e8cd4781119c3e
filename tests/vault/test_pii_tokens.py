"""PII tokens: a value found in a message is sealed under its customer's key, bound to
its token, and dies with the customer."""

import pytest

from trustdesk import vault
from trustdesk.vault import rotation, tokens
from trustdesk.vault.errors import CiphertextInvalid, SubjectErased, TokenUnknown
from trustdesk.vault.models import PiiToken

pytestmark = pytest.mark.django_db
ADA, BOB = "customer:00000000-0000-0000-0000-00000000000a", \
    "customer:00000000-0000-0000-0000-00000000000b"
SSN = "536-22-8726"


def test_a_value_is_sealed_behind_a_recognisable_token():
    token = tokens.tokenize(ADA, "US_SSN", SSN)
    assert tokens.PATTERN.fullmatch(token) and token.startswith("pii_us_ssn_")
    row = PiiToken.objects.get(token=token)
    assert row.entity == "US_SSN" and row.subject == ADA
    assert b"8726" not in bytes(row.sealed_value) and "8726" not in token
    assert tokens.detokenize(ADA, token) == tokens.Detokenized(token, "US_SSN", SSN)
    assert tokens.tokenize(ADA, "US_SSN", SSN) != token  # random, not a hash of the value


def test_another_customers_token_is_unknown():
    token = tokens.tokenize(ADA, "IBAN_CODE", "DE89370400440532013000")
    with pytest.raises(TokenUnknown):
        tokens.detokenize(BOB, token)
    with pytest.raises(TokenUnknown):
        tokens.detokenize(ADA, "pii_iban_code_" + "0" * 32)


def test_a_sealed_value_moved_to_another_token_does_not_open():
    first = tokens.tokenize(ADA, "US_SSN", SSN)
    second = tokens.tokenize(ADA, "US_SSN", "123-45-6789")
    sealed = PiiToken.objects.get(token=first).sealed_value
    PiiToken.objects.filter(token=second).update(sealed_value=sealed)
    with pytest.raises(CiphertextInvalid):
        tokens.detokenize(ADA, second)


def test_shredding_the_customer_makes_tokens_unreadable_and_forget_removes_them():
    token = tokens.tokenize(ADA, "PASSPORT", "X1234567")
    kept = tokens.tokenize(BOB, "PASSPORT", "Y7654321")
    vault.shred(ADA)
    with pytest.raises(SubjectErased):
        tokens.detokenize(ADA, token)
    tokens.forget(ADA)
    assert not PiiToken.objects.filter(subject=ADA).exists()
    assert tokens.detokenize(BOB, kept).value == "Y7654321"


def test_data_key_rotation_reseals_tokens():
    token = tokens.tokenize(ADA, "US_SSN", SSN)
    rotation.rotate_data(grace_seconds=0)
    assert vault.version_of(bytes(PiiToken.objects.get(token=token).sealed_value)) == 2
    assert tokens.detokenize(ADA, token).value == SSN
