"""Choosing the key provider and the keystore from settings, once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from trustdesk.vault.errors import KeyProviderUnavailable
from trustdesk.vault.keystore import KeyStore, keystore_from_url
from trustdesk.vault.providers.base import KeyProvider

PROVIDERS = ("local", "pkcs11")


@cache
def provider() -> KeyProvider:
    name = settings.VAULT_KEY_PROVIDER
    if name == "local":
        from trustdesk.vault.providers.local import LocalKeyProvider

        return LocalKeyProvider(Path(settings.DATA_DIR) / "kek.json",
                                env_key=settings.VAULT_LOCAL_KEK)
    if name == "pkcs11":
        from trustdesk.vault.providers.pkcs11 import Pkcs11KeyProvider

        return Pkcs11KeyProvider(module=settings.VAULT_PKCS11_MODULE,
                                 token_label=settings.VAULT_PKCS11_TOKEN,
                                 pin=settings.VAULT_PKCS11_PIN)
    raise KeyProviderUnavailable(
        detail=f"TRUSTDESK_KEY_PROVIDER must be one of {', '.join(PROVIDERS)}, not {name!r}")


@cache
def keystore() -> KeyStore:
    try:
        return keystore_from_url(settings.VAULT_KEYSTORE_URL,
                                 Path(settings.DATA_DIR) / "keystore.sqlite3")
    except ValueError as exc:
        raise KeyProviderUnavailable(detail=str(exc)) from exc


def reset() -> None:
    """Forget the configured provider and keystore (after a settings change in tests)."""
    if keystore.cache_info().currsize:
        keystore().close()
    if provider.cache_info().currsize:
        provider().close()
    provider.cache_clear()
    keystore.cache_clear()


def check_configuration() -> None:
    """Startup check: the provider is known and configured, the keystore URL parses."""
    provider()
    keystore()
