"""Keys that make the audit trail tamper-evident, kept outside the database.

One secret — an Ed25519 seed in ``audit-signing.key`` (0600) in the data directory, or
``TRUSTDESK_AUDIT_SIGNING_KEY`` (base64 of 32 bytes) — gives:

- the signing key for checkpoints (Ed25519: anyone with the public key can check them);
- a MAC key, derived with HKDF, for each event row (HMAC-SHA256 is computed by the audit
  app with the standard library).

Replicas must share the secret (set the environment variable on each).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from trustdesk.core.secretfile import read_or_create
from trustdesk.vault.errors import KeyProviderUnavailable


def _seed(configured: str | None, data_dir: str) -> bytes:
    if value := configured:
        try:
            seed = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            seed = b""
        if len(seed) != 32:
            raise KeyProviderUnavailable(
                detail="TRUSTDESK_AUDIT_SIGNING_KEY must be the base64 encoding of 32 bytes")
        return seed
    path = Path(data_dir) / "audit-signing.key"
    try:
        raw = read_or_create(path, lambda: base64.b64encode(os.urandom(32)).decode())
    except OSError as exc:
        raise KeyProviderUnavailable(detail=f"{path} unreadable: {exc}") from exc
    if path.stat().st_mode & 0o077:
        raise KeyProviderUnavailable(detail=f"{path} is readable by others; chmod 600 it")
    try:
        seed = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyProviderUnavailable(detail=f"{path} unreadable: {exc}") from exc
    if len(seed) != 32:
        raise KeyProviderUnavailable(detail=f"{path} does not hold a 32-byte key")
    return seed


def _keys() -> tuple[Ed25519PrivateKey, bytes, str]:
    # Keyed by where the key comes from, so that the key always follows the settings
    # (a test's own data directory, a changed environment) instead of the first caller.
    return _derive(settings.AUDIT_SIGNING_KEY or None, str(settings.DATA_DIR))


@lru_cache(maxsize=8)
def _derive(configured: str | None, data_dir: str) -> tuple[Ed25519PrivateKey, bytes, str]:
    seed = _seed(configured, data_dir)
    private = Ed25519PrivateKey.from_private_bytes(seed)
    mac = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"trustdesk audit event mac").derive(seed)
    public = private.public_key().public_bytes(serialization.Encoding.Raw,
                                               serialization.PublicFormat.Raw)
    return private, mac, hashlib.sha256(public).hexdigest()[:16]


def mac_key() -> bytes:
    return _keys()[1]


def key_id() -> str:
    """A short fingerprint of the public key, recorded with each checkpoint."""
    return _keys()[2]


def public_key() -> bytes:
    return _keys()[0].public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)


def sign(data: bytes) -> bytes:
    return _keys()[0].sign(data)


def signature_valid(data: bytes, signature: bytes, public: bytes | None = None) -> bool:
    key = Ed25519PublicKey.from_public_bytes(public or public_key())
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def forget() -> None:
    _derive.cache_clear()
