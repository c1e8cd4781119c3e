"""The shared counters (lockout, search limit) on the database or on Redis, for tests
that run against both."""

from __future__ import annotations

import os
import socket
import uuid

import pytest


def redis_url() -> str | None:
    """``TRUSTDESK_TEST_REDIS_URL``, or the local server's database 15 if one answers."""
    if url := os.environ.get("TRUSTDESK_TEST_REDIS_URL"):
        return url
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return "redis://127.0.0.1:6379/15"
    except OSError:
        return None


def environment(kind: str) -> dict[str, str]:
    """The environment that points a ``trustdesk serve`` process's counters at ``kind``
    ("database" or "redis"); skips the test without a Redis server. A fresh prefix per
    test: Redis outlives it."""
    if kind != "redis":
        return {}
    if not (url := redis_url()):
        pytest.skip("no Redis server (set TRUSTDESK_TEST_REDIS_URL)")
    return {"TRUSTDESK_REDIS_URL": url,
            "TRUSTDESK_REDIS_PREFIX": f"trustdesk-test:{uuid.uuid4()}:"}


def use(kind: str, settings) -> None:
    """Point this process's counters at ``kind``, as ``environment`` does a server's."""
    env = environment(kind)
    settings.REDIS_URL = env.get("TRUSTDESK_REDIS_URL")
    if env:
        settings.REDIS_PREFIX = env["TRUSTDESK_REDIS_PREFIX"]
