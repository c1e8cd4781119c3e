"""Readiness fails closed on the keys, with either provider: ``/readyz`` says ``keys``
failed when the key file or the HSM cannot be used, and ok again once it can."""

from __future__ import annotations

import pytest
from django.test import Client

from trustdesk.vault import health, keys, providers
from trustdesk.vault.errors import KeyProviderUnavailable

pytestmark = pytest.mark.django_db


def _keys_check() -> str:
    response = Client().get("/readyz")
    assert response.status_code == (200 if response.json()["checks"]["keys"] == "ok"
                                    else 503)
    return response.json()["checks"]["keys"]


def _break(provider_name: str, settings) -> None:
    if provider_name == "local":
        (settings.DATA_DIR / "kek.json").chmod(0o644)
    else:
        settings.VAULT_PKCS11_PIN = "wrong-pin"
    providers.reset()
    keys.forget()


def test_keys_are_ready_while_the_provider_unwraps(provider_name, make_customer):
    assert _keys_check() == "ok"  # before any KEK exists: the provider's own probe
    make_customer(full_name="Ada Lovelace")  # the first data key: a KEK now exists
    assert [k.state for k in providers.keystore().keks()] == ["active"]
    health.check()
    assert _keys_check() == "ok"


def test_keys_are_not_ready_when_the_provider_fails(provider_name, settings, make_customer):
    make_customer(full_name="Ada Lovelace")
    _break(provider_name, settings)
    with pytest.raises(KeyProviderUnavailable):
        health.check()
    assert _keys_check() == "failed"
