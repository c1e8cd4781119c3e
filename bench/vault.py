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
from _setup import compare, django_in_tmp, interleaved, make_customers, timed_get, token_client

django_in_tmp()


from trustdesk import vault  # noqa: E402
from trustdesk.core.actor import Actor  # noqa: E402
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
    client = token_client("agent", "bench@example.com")
    sealed_ids = make_customers(300)
    with _PlainText():
        plain_ids = make_customers(300)
    keys.forget()
    rng = random.Random(7)

    def sealed() -> float:
        return timed_get(client, f"/api/v1/customers/{rng.choice(sealed_ids)}")[0]

    def plain() -> float:
        with _PlainText():
            return timed_get(client, f"/api/v1/customers/{rng.choice(plain_ids)}")[0]

    base, measured = interleaved(plain, sealed, requests, warmup=100)
    return {"customer_view_requests": requests,
            **compare("customer_view", "plain", "vault", base, measured)}


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
    ids = make_customers(customers)
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
