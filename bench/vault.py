"""Vault benchmark: seal/open throughput against plain reads, the customer-view API
latency with the vault against the same view with encryption switched off, and KEK
rotation time for 100,000 customers. One JSON line on stdout."""

from __future__ import annotations

import json
import os
import random
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from _setup import django_in_tmp, percentiles

django_in_tmp()

from django.test import Client  # noqa: E402

from trustdesk import vault  # noqa: E402
from trustdesk.accounts import services as accounts  # noqa: E402
from trustdesk.core.actor import Actor  # noqa: E402
from trustdesk.customers import services  # noqa: E402
from trustdesk.vault import crypto, keys, rotation  # noqa: E402
from trustdesk.vault.providers import keystore, provider  # noqa: E402

SYSTEM = Actor.system("bench")
VALUE = "ada.lovelace@example.org"


def ops_per_second(fn, seconds: float = 1.5) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            fn()
        n += 200
    return round(n / elapsed)


def field_ops() -> dict:
    subject = f"customer:{uuid.uuid4()}"
    sealed = vault.seal_text(subject, "field:email", VALUE)
    stored = VALUE.encode()
    return {
        "seal_per_s": ops_per_second(lambda: vault.seal_text(subject, "field:email", VALUE)),
        "open_per_s": ops_per_second(lambda: vault.open_text(subject, "field:email", sealed)),
        "plain_read_per_s": ops_per_second(lambda: stored.decode("utf-8")),
    }


def _customers(n: int) -> list:
    return [services.customer_create(actor=SYSTEM, profile={
        "full_name": f"Person {i}", "email": f"p{i}@example.org", "phone": "+442079460958",
        "country": "GB", "company": "Initech", "account_number": f"AC-{i}",
        "postal_address": "1 Main Street\nSpringfield"}).id for i in range(n)]


def _get(client: Client, cid) -> float:
    start = time.perf_counter()
    response = client.get(f"/api/v1/customers/{cid}")
    took = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.content
    return took


class _PlainText:
    """The vault's text recipes replaced by plain UTF-8 (no keys, no cipher): the same
    view "with encryption switched off"."""

    def __enter__(self):
        self.real = vault.seal_text, vault.open_text
        vault.seal_text = lambda subject, purpose, text: text.encode()
        vault.open_text = lambda subject, purpose, sealed: bytes(sealed).decode()

    def __exit__(self, *exc):
        vault.seal_text, vault.open_text = self.real


def customer_view(requests: int = 800) -> dict:
    user = accounts.user_create(actor=SYSTEM, email="bench@example.com", full_name="Bench",
                                role="agent", password="a long bench passphrase")
    token = accounts.token_create(actor=SYSTEM, user=user, name="bench").secret
    client = Client(headers={"Authorization": f"Bearer {token}"})
    sealed_ids = _customers(300)
    with _PlainText():
        plain_ids = _customers(300)
    keys.forget()
    rng = random.Random(7)
    plain, sealed = [], []
    # Interleaved, so that drift on a noisy machine hits both sides alike.
    for i in range(requests + 100):
        with _PlainText():
            p = _get(client, rng.choice(plain_ids))
        s = _get(client, rng.choice(sealed_ids))
        if i >= 100:  # the first hundred warm both up
            plain.append(p)
            sealed.append(s)
    p_plain, p_vault = percentiles(plain), percentiles(sealed)
    return {
        "customer_view_requests": requests,
        "customer_view_plain": p_plain,
        "customer_view_vault": p_vault,
        "customer_view_ratio_p50": round(p_vault["p50_ms"] / p_plain["p50_ms"], 3),
        "customer_view_ratio_p95": round(p_vault["p95_ms"] / p_plain["p95_ms"], 3),
    }


def kek_rotation(customers: int) -> dict:
    ks, p = keystore(), provider()
    kek = keys.current_kek()
    start = time.perf_counter()
    rows = []
    for _ in range(customers):
        subject = f"customer:{uuid.uuid4()}"
        rows.append((subject, 1, kek, p.wrap(kek, crypto.new_key(), keys.wrap_aad(subject, 1))))
    conn = ks._conn()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO vault_data_key (subject, version, kek_id, wrapped, "
                     "created_at) VALUES (?, ?, ?, ?, '2025-01-01T00:00:00+00:00')", rows)
    conn.execute("COMMIT")
    setup = time.perf_counter() - start
    start = time.perf_counter()
    report = rotation.rotate_kek(grace_seconds=0, batch=1000)
    took = time.perf_counter() - start
    assert report.rewrapped >= customers and report.destroyed == [kek]
    return {"kek_rotation_customers": customers, "kek_rotation_s": round(took, 2),
            "kek_rotation_keys_per_s": round(report.rewrapped / took),
            "setup_wrap_and_store_s": round(setup, 2)}


def data_rotation(customers: int) -> dict:
    ids = _customers(customers)
    start = time.perf_counter()
    report = rotation.rotate_data(grace_seconds=0, batch=500)
    took = time.perf_counter() - start
    assert report.subjects >= len(ids)
    return {"data_rotation_customers": report.subjects, "data_rotation_s": round(took, 2),
            "data_rotation_values": report.resealed,
            "data_rotation_customers_per_s": round(report.subjects / took)}


if __name__ == "__main__":
    result = {"bench": "vault", "provider": provider().name}
    result.update(field_ops())
    result.update(customer_view())
    result.update(data_rotation(1000))
    result.update(kek_rotation(100_000))
    result["target_customer_view_ratio_max"] = 1.3
    print(json.dumps(result))
