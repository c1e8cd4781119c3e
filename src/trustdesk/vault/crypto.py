"""The only module that touches cryptographic primitives (pyca/cryptography).

Everything else uses the recipes in ``trustdesk.vault``; nothing outside ``vault/`` imports
``cryptography``. No cipher, MAC or random generator here is home-made.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from trustdesk.vault.errors import CiphertextInvalid

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96-bit random nonces.
# NIST SP 800-38D caps random-nonce use at 2**32 messages per key, which a data key per
# customer never approaches.
FORMAT = 1
_HEADER = struct.Struct(">BI")  # format, key version


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def aead_seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def aead_open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < NONCE_BYTES + 16:
        raise CiphertextInvalid(detail="ciphertext too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        raise CiphertextInvalid(detail="authentication tag mismatch") from None


def pack(version: int, body: bytes) -> bytes:
    return _HEADER.pack(FORMAT, version) + body


def unpack(blob: bytes) -> tuple[int, bytes]:
    """Split a stored value into (key version, nonce+ciphertext+tag)."""
    if not isinstance(blob, bytes | bytearray | memoryview) or len(blob) < _HEADER.size:
        raise CiphertextInvalid(detail="not a vault ciphertext")
    blob = bytes(blob)
    fmt, version = _HEADER.unpack_from(blob)
    if fmt != FORMAT:
        raise CiphertextInvalid(detail=f"unknown ciphertext format {fmt}")
    return version, blob[_HEADER.size:]


def keyed_digest(key: bytes, message: bytes) -> str:
    """HMAC-SHA256, hex: a blind index that equal inputs share and nobody without the key
    can compute or reverse."""
    return hmac.new(key, message, hashlib.sha256).hexdigest()
