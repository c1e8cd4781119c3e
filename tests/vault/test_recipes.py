import uuid

import pytest

from trustdesk import vault
from trustdesk.vault import crypto, keys
from trustdesk.vault.errors import CiphertextInvalid, SubjectErased


def subject() -> str:
    return f"customer:{uuid.uuid4()}"


def test_round_trip_and_fresh_nonces():
    s = subject()
    a, b = vault.seal(s, "field:email", "ada@example.org"), vault.seal(s, "field:email",
                                                                      "ada@example.org")
    assert a != b  # random nonce per ciphertext
    assert b"ada@example.org" not in a
    assert vault.open_text(s, "field:email", a) == "ada@example.org"


@pytest.mark.parametrize("move", ["other customer", "other field", "other version"])
def test_a_moved_ciphertext_does_not_open(move):
    s = subject()
    sealed = vault.seal(s, "field:email", "ada@example.org")
    with pytest.raises(CiphertextInvalid):
        if move == "other customer":
            other = subject()
            vault.seal(other, "field:email", "x")  # give the other customer a key
            vault.open(other, "field:email", sealed)
        elif move == "other field":
            vault.open(s, "field:phone", sealed)
        else:
            keys.new_version(s)
            version, body = crypto.unpack(sealed)
            vault.open(s, "field:email", crypto.pack(version + 1, body))


def test_every_flipped_byte_is_an_authentication_error():
    s = subject()
    sealed = vault.seal(s, "message.body:1", "The parcel never arrived.")
    for i in range(5, len(sealed)):  # every byte after the header
        tampered = bytearray(sealed)
        tampered[i] ^= 0x01
        with pytest.raises(CiphertextInvalid):
            vault.open(s, "message.body:1", bytes(tampered))
    with pytest.raises(CiphertextInvalid):
        vault.open(s, "message.body:1", sealed[:20])
    with pytest.raises(CiphertextInvalid):
        vault.open(s, "message.body:1", b"plain text")


def test_blind_index_is_keyed_scoped_and_stable():
    a = vault.blind_index("email", "ada@example.org")
    assert a == vault.blind_index("email", "ada@example.org")
    assert a != vault.blind_index("email", "grace@example.org")
    assert a != vault.blind_index("account_number", "ada@example.org")
    import hashlib

    assert a != hashlib.sha256(b"email\x00ada@example.org").hexdigest()
    assert len(a) == 64


def test_shredded_subject_is_gone_for_good():
    s = subject()
    sealed = vault.seal(s, "field:full_name", "Ada Lovelace")
    assert vault.shred(s) == 1
    with pytest.raises(SubjectErased):
        vault.open(s, "field:full_name", sealed)
    with pytest.raises(SubjectErased):  # no key is ever created for it again
        vault.seal(s, "field:full_name", "Ada Lovelace")


def test_keys_are_cached_only_briefly(settings):
    settings.VAULT_KEY_CACHE_SECONDS = 0
    s = subject()
    sealed = vault.seal(s, "field:x", "v")
    assert not keys._keys  # nothing kept in memory
    assert vault.open_text(s, "field:x", sealed) == "v"
    assert not keys._keys
