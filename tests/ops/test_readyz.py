"""``GET /readyz``: 200 while the database, Redis (when used), the vault's keys and the
audit trail all work; 503 naming what failed, and no more, otherwise."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client

import counters_backend
from trustdesk.accounts import counters
from trustdesk.audit import chain
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.vault import keys, providers, signing

pytestmark = pytest.mark.django_db


def _ready(status: int = 200) -> dict:
    response = Client().get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "checks"}
    assert set(body["checks"].values()) <= {"ok", "failed"}
    assert body["status"] == ("ok" if status == 200 else "unavailable")
    return body["checks"]


@pytest.fixture
def own_keys(settings, tmp_path, make_customer):
    """A key file and keystore of this test's own, with a KEK in use."""
    settings.DATA_DIR = tmp_path
    settings.VAULT_KEYSTORE_URL = f"sqlite://{tmp_path / 'keystore.sqlite3'}"
    settings.VAULT_LOCAL_KEK = None
    providers.reset()
    keys.forget()
    make_customer(full_name="Ada Lovelace")  # creates the KEK and a data key
    assert (tmp_path / "kek.json").exists()
    yield tmp_path
    providers.reset()
    keys.forget()


@pytest.fixture
def redis_counters(settings):
    yield lambda kind: (counters_backend.use(kind, settings), counters.counters.cache_clear())
    counters.counters.cache_clear()


def test_ready_when_everything_works(own_keys):
    assert _ready() == {"database": "ok", "keys": "ok", "audit": "ok"}


def test_not_ready_without_the_database(monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused by 10.0.0.5")

    monkeypatch.setattr(connection, "cursor", broken)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failed"
    assert b"10.0.0.5" not in response.content and b"refused" not in response.content


def test_not_ready_when_the_key_file_is_unusable(own_keys, caplog):
    (own_keys / "kek.json").chmod(0o644)  # widened permissions: the provider refuses it
    providers.reset()
    keys.forget()
    checks = _ready(503)
    assert checks["keys"] == "failed" and checks["database"] == "ok"
    assert any("keys failed" in r.getMessage() for r in caplog.records)
    (own_keys / "kek.json").chmod(0o600)
    providers.reset()
    assert _ready()["keys"] == "ok"


def test_not_ready_when_the_current_kek_is_gone(own_keys):
    (own_keys / "kek.json").write_text('{"keys": {}}')
    (own_keys / "kek.json").chmod(0o600)
    providers.reset()
    keys.forget()
    assert _ready(503)["keys"] == "failed"


def test_not_ready_while_the_audit_chain_falls_behind(settings, own_keys):
    chain.chain_pending()
    settings.READY_AUDIT_LAG_SECONDS = 0
    assert _ready()["audit"] == "ok"  # nothing pending
    with transaction.atomic():
        record(actor=Actor.system("tests"), action="audit.test", object_type="test")
    assert _ready(503)["audit"] == "failed"
    chain.chain_pending()
    assert _ready()["audit"] == "ok"


def test_not_ready_without_the_audit_signing_key(settings, own_keys):
    settings.AUDIT_SIGNING_KEY = "not base64 of 32 bytes"
    signing.forget()
    try:
        assert _ready(503)["audit"] == "failed"
    finally:
        settings.AUDIT_SIGNING_KEY = None
        signing.forget()


def test_redis_is_checked_when_the_counters_use_it(own_keys, redis_counters, settings):
    redis_counters("redis")
    assert _ready() == {"database": "ok", "keys": "ok", "audit": "ok", "redis": "ok"}
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    counters.counters.cache_clear()
    assert _ready(503)["redis"] == "failed"


def test_readiness_takes_no_writes(client):
    assert client.post("/readyz").status_code == 405
