"""The vault's recipes: the only way the rest of TrustDesk encrypts, decrypts, indexes or
destroys customer data.

    sealed = vault.seal(subject, purpose, plaintext)
    plaintext = vault.open(subject, purpose, sealed)
    vault.shred(subject)
    token = vault.blind_index(scope, normalised_value)

``subject`` names whose key is used ("customer:<uuid>"); ``purpose`` names where the value
lives ("field:email", "message.body:<uid>"). Both, and the key version, are bound to the
ciphertext as associated data, so a ciphertext copied to another customer, field or row
fails to open. Every failure refuses: nothing falls back to plaintext.
"""

from __future__ import annotations

import logging

from trustdesk.vault import crypto, keys
from trustdesk.vault.errors import CiphertextInvalid, VaultError

log = logging.getLogger("trustdesk.vault")

BLIND_INDEX_SUBJECT = "system:blind-index"


def _aad(subject: str, purpose: str, version: int) -> bytes:
    return f"trustdesk|{subject}|{purpose}|v{version}".encode()


def seal(subject: str, purpose: str, plaintext: bytes | str) -> bytes:
    if isinstance(plaintext, str):
        plaintext = plaintext.encode("utf-8")
    version = keys.current_version(subject)
    key = keys.data_key(subject, version)
    return crypto.pack(version, crypto.aead_seal(key, plaintext, _aad(subject, purpose, version)))


def open(subject: str, purpose: str, sealed: bytes) -> bytes:
    try:
        version, body = crypto.unpack(sealed)
        return crypto.aead_open(keys.data_key(subject, version), body,
                                _aad(subject, purpose, version))
    except CiphertextInvalid as exc:
        log.error("vault: ciphertext for %s %s failed authentication: %s", subject, purpose,
                  exc.detail)
        raise
    except VaultError as exc:
        log.error("vault: cannot open %s %s: %s", subject, purpose, exc.detail)
        raise


def seal_text(subject: str, purpose: str, text: str) -> bytes:
    return seal(subject, purpose, text.encode("utf-8"))


def open_text(subject: str, purpose: str, sealed: bytes) -> str:
    return open(subject, purpose, sealed).decode("utf-8")


def version_of(sealed: bytes) -> int:
    """The key version a ciphertext was sealed with (read from its header, not decrypted)."""
    return crypto.unpack(sealed)[0]


def shred(subject: str) -> int:
    """Crypto-shred ``subject``: destroy its keys so none of its ciphertexts, anywhere
    (database, dumps, backups, exports), can be opened again."""
    return keys.shred(subject)


def blind_index(scope: str, value: str) -> str:
    """A keyed digest of a normalised value for exact-match lookup without decrypting:
    equal values in one ``scope`` (a field name) give equal tokens; the key is the vault's
    own, separate from every customer's."""
    key = keys.data_key(BLIND_INDEX_SUBJECT, keys.current_version(BLIND_INDEX_SUBJECT))
    return crypto.keyed_digest(key, f"{scope}\x00{value}".encode())


def search_tokens(scope: str, terms) -> list[int]:
    """The search index's tokens of ``terms`` in ``scope``: the blind index's keyed
    digest (one key fetch for all of them), its first 64 bits as a signed integer."""
    key = keys.data_key(BLIND_INDEX_SUBJECT, keys.current_version(BLIND_INDEX_SUBJECT))
    prefix = f"search:{scope}\x00".encode()
    out = []
    for term in terms:
        digest = crypto.keyed_digest(key, prefix + term.encode())
        out.append(int.from_bytes(bytes.fromhex(digest[:16]), "big", signed=True))
    return out
