"""Data keys: one per subject (a customer), created on first use, wrapped by the current
key-encryption key, unwrapped on demand and cached in memory only briefly."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time

from django.conf import settings

from trustdesk.vault import crypto
from trustdesk.vault.errors import KeyProviderUnavailable, SubjectErased, VaultError
from trustdesk.vault.keystore import WrappedKey
from trustdesk.vault.providers import keystore, provider

log = logging.getLogger("trustdesk.vault")

_lock = threading.Lock()
# (subject, version) -> (key, expires at); subject -> (current version, expires at)
_keys: dict[tuple[str, int], tuple[bytes, float]] = {}
_current: dict[str, tuple[int, float]] = {}


def wrap_aad(subject: str, version: int) -> bytes:
    # Binds a wrapped key to its subject and version: a wrapped key copied onto another
    # customer's row fails to unwrap.
    return f"trustdesk-data-key|{subject}|v{version}".encode()


def current_kek() -> str:
    """The KEK that new data keys are wrapped with: the newest active one. Not cached, so
    that no process keeps wrapping with a KEK that a rotation has retired."""
    active = [k for k in keystore().keks() if k.state == "active"]
    if active:
        return active[-1].id
    p = provider()
    kek_id = getattr(p, "fixed_kek", None) or new_kek_id(p.name)
    p.create_kek(kek_id)
    keystore().add_kek(kek_id, p.name)
    return [k for k in keystore().keks() if k.state == "active"][-1].id


def new_kek_id(provider_name: str) -> str:
    return f"{provider_name}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def unwrap(wrapped: WrappedKey) -> bytes:
    return provider().unwrap(wrapped.kek_id, wrapped.wrapped,
                             wrap_aad(wrapped.subject, wrapped.version))


def _remember(subject: str, version: int, key: bytes) -> None:
    ttl = settings.VAULT_KEY_CACHE_SECONDS
    if ttl > 0:
        with _lock:
            _keys[(subject, version)] = (key, time.monotonic() + ttl)


def data_key(subject: str, version: int) -> bytes:
    """The unwrapped key ``version`` of ``subject``. Raises ``SubjectErased`` if it was
    destroyed, ``VaultError`` if the keystore or provider cannot give it."""
    now = time.monotonic()
    with _lock:
        cached = _keys.get((subject, version))
    if cached and cached[1] > now:
        return cached[0]
    wrapped = keystore().get(subject, version)
    if wrapped is None:
        if keystore().is_shredded(subject) or not keystore().versions(subject):
            raise SubjectErased(detail=f"no key for {subject}")
        raise VaultError(detail=f"key version {version} of {subject} is missing")
    key = unwrap(wrapped)
    _remember(subject, version, key)
    return key


def new_version(subject: str) -> int:
    """Create the next key version of ``subject`` and make it current."""
    if keystore().is_shredded(subject):
        raise SubjectErased(detail=f"{subject} was shredded; no new key")
    for _ in range(5):
        versions = keystore().versions(subject)
        version = (versions[-1].version if versions else 0) + 1
        key = crypto.new_key()
        kek = current_kek()
        wrapped = provider().wrap(kek, key, wrap_aad(subject, version))
        if keystore().insert(WrappedKey(subject, version, kek, wrapped, dt.datetime.now(dt.UTC))):
            _remember(subject, version, key)
            with _lock:
                _current.pop(subject, None)
            return version
    raise KeyProviderUnavailable(detail=f"could not create a key for {subject}")


def current_version(subject: str) -> int:
    """The version new ciphertexts of ``subject`` use (creating version 1 if needed)."""
    now = time.monotonic()
    with _lock:
        cached = _current.get(subject)
    if cached and cached[1] > now:
        return cached[0]
    versions = keystore().versions(subject)
    version = versions[-1].version if versions else new_version(subject)
    # Short-lived: a data-key rotation elsewhere makes a newer version current.
    with _lock:
        _current[subject] = (version, now + min(5, settings.VAULT_KEY_CACHE_SECONDS))
    return version


def forget(subject: str | None = None) -> None:
    """Drop cached keys (of one subject, or all)."""
    with _lock:
        if subject is None:
            _keys.clear()
            _current.clear()
            return
        _current.pop(subject, None)
        for cache_key in [k for k in _keys if k[0] == subject]:
            del _keys[cache_key]


def shred(subject: str) -> int:
    """Destroy every key of ``subject`` for good; returns how many versions went."""
    destroyed = keystore().shred(subject)
    forget(subject)
    log.info("vault: shredded %s (%d key versions)", subject, destroyed)
    return destroyed
