"""The customer portal's fixtures: a public URL for the links, no padding of answers
(the timing test sets its own), and a client signed in to the portal by a real link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

LINK = re.compile(r"https://help\.example\.com(/help/(?:link|confirm)/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _portal_settings(settings):
    settings.PUBLIC_URL = "https://help.example.com"
    settings.PORTAL_ANSWER_SECONDS = 0


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def portal_client(db):
    """``portal_client(customer)`` → a client signed in to the portal as ``customer``,
    through the sign-in form, the mailed link and its confirmation."""
    def make(customer, *, client: Client | None = None):
        client = client or Client()
        email = customer.profile["email"]
        before = len(mail.outbox)
        assert client.post("/help/", {"email": email}).status_code == 200
        assert len(mail.outbox) == before + 1
        path = link_in(mail.outbox[-1])
        response = client.post(path)
        assert response.status_code == 302, response.content
        return client
    return make
