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


def use(kind: str, settings) -> None:
    """Point the counters at ``kind`` ("database" or "redis"); skips without Redis."""
    if kind == "redis":
        if not (url := redis_url()):
            pytest.skip("no Redis server (set TRUSTDESK_TEST_REDIS_URL)")
        settings.REDIS_URL = url
        settings.REDIS_PREFIX = f"trustdesk-test:{uuid.uuid4()}:"  # Redis outlives the test
    else:
        settings.REDIS_URL = None
