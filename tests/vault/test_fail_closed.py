"""When keys are unavailable or a ciphertext fails its check, TrustDesk refuses: a clear
error (503 / a console page), a log line, never plaintext fallback, never a partial write."""

from __future__ import annotations

import logging

import pytest

from trustdesk.customers.models import Customer, CustomerField
from trustdesk.vault import keys, providers


def break_keys(provider_name: str, settings) -> None:
    """Make the configured key provider unusable, the way operators would: a key file
    whose permissions were widened, or an HSM PIN that no longer works."""
    if provider_name == "local":
        (settings.DATA_DIR / "kek.json").chmod(0o644)
    else:
        settings.VAULT_PKCS11_PIN = "wrong-pin"
    providers.reset()
    keys.forget()


@pytest.fixture
def customer(make_customer):
    return make_customer(full_name="Ada Lovelace", email="ada@example.org")


@pytest.mark.django_db
def test_api_read_fails_closed(provider_name, settings, make_user, api_client, customer,
                               caplog):
    client = api_client(make_user("agent"))
    assert client.get(f"/api/v1/customers/{customer.id}").status_code == 200
    break_keys(provider_name, settings)
    with caplog.at_level(logging.ERROR, logger="trustdesk.vault"):
        response = client.get(f"/api/v1/customers/{customer.id}")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "key_provider_unavailable"
    assert b"Ada" not in response.content and b"ada@" not in response.content
    assert any("cannot open" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_console_read_fails_closed(provider_name, settings, make_user, console_client,
                                   customer):
    client = console_client(make_user("agent"))
    break_keys(provider_name, settings)
    response = client.get(f"/customers/{customer.id}/")
    assert response.status_code == 503
    assert b"Protected data unavailable" in response.content
    assert b"Ada" not in response.content


@pytest.mark.django_db
def test_no_partial_write_without_keys(provider_name, settings, make_user, api_client,
                                       customer):
    client = api_client(make_user("agent"))
    break_keys(provider_name, settings)
    before = (Customer.objects.count(), CustomerField.objects.count())
    response = client.post("/api/v1/customers", {"profile": {"full_name": "Grace Hopper"}},
                           content_type="application/json")
    assert response.status_code == 503
    assert (Customer.objects.count(), CustomerField.objects.count()) == before


@pytest.mark.django_db
def test_tampered_ciphertext_is_refused_and_logged(make_user, api_client, customer, caplog):
    row = CustomerField.objects.get(customer_id=customer.id, name="email")
    tampered = bytearray(bytes(row.sealed))
    tampered[-1] ^= 0x80
    CustomerField.objects.filter(pk=row.pk).update(sealed=bytes(tampered))
    keys.forget()
    with caplog.at_level(logging.ERROR, logger="trustdesk.vault"):
        response = api_client(make_user("agent")).get(f"/api/v1/customers/{customer.id}")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "ciphertext_invalid"
    assert b"Ada" not in response.content
    assert any("failed authentication" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_value_moved_to_another_customer_does_not_open(make_user, api_client, customer,
                                                         make_customer):
    other = make_customer(full_name="Grace Hopper", email="grace@example.org")
    stolen = CustomerField.objects.get(customer_id=customer.id, name="email").sealed
    CustomerField.objects.filter(customer_id=other.id, name="email").update(sealed=stolen)
    response = api_client(make_user("agent")).get(f"/api/v1/customers/{other.id}")
    assert response.status_code == 503
    assert b"ada@example.org" not in response.content
