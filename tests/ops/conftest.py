"""Fixtures for the operability tests."""

from __future__ import annotations

import pytest

from scraped import samples


@pytest.fixture
def scrape(client):
    """``scrape()`` → the samples of ``GET /metrics`` from loopback (allowed by default)."""
    def get() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics")
        assert response.status_code == 200
        return samples(response.content.decode())
    return get
