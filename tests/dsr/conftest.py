"""Fulfilment's fixtures: exports in the test's own directory, a privacy officer, access
requests whose requester's identity was confirmed, a client signed in to the portal by
a real link, and the copy itself read back from a download."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from django.test import Client

from trustdesk.core import clock
from trustdesk.customers.models import DataRequest

SIGNIN = re.compile(r"https://help\.example\.com(/help/link/[^/\s]+/)")
EXPORT = re.compile(r"https://help\.example\.com(/help/export/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _export_settings(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.PUBLIC_URL = "https://help.example.com"
    settings.PORTAL_ANSWER_SECONDS = 0


@pytest.fixture
def officer(make_user, as_actor):
    return as_actor(make_user("privacy_officer"))


@pytest.fixture
def access_request(db):
    """``access_request(customer, verified=True, kind="access")`` → an open request."""
    def make(customer, *, verified: bool = True, kind: str = "access") -> DataRequest:
        now = clock.now()
        return DataRequest.objects.create(
            customer_id=customer.id, kind=kind, created_at=now,
            identity_verified_at=now if verified else None,
            identity_method="portal_link" if verified else "")
    return make


def link_in(pattern: re.Pattern, message) -> str:
    found = pattern.search(message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def portal_client(db):
    """``portal_client(customer)`` → a client signed in to the portal as ``customer``."""
    def make(customer):
        client = Client()
        before = len(mail.outbox)
        assert client.post("/help/", {"email": customer.profile["email"]}).status_code == 200
        assert len(mail.outbox) == before + 1
        assert client.post(link_in(SIGNIN, mail.outbox[-1])).status_code == 302
        return client
    return make


def export_path() -> str:
    """The download link of the last export mailed."""
    for message in reversed(mail.outbox):
        if EXPORT.search(message.body):
            return link_in(EXPORT, message)
    raise AssertionError("no export link was mailed")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


class Copy:
    """A downloaded copy, opened: ``data`` (data.json), ``html``, ``names``, ``text``."""

    def __init__(self, content: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(content))
        self.names = self.zip.namelist()
        self.raw_json = self.zip.read("data.json").decode()
        self.data = json.loads(self.raw_json)
        self.html = self.zip.read("report.html").decode()
        self.text = self.raw_json + self.html

    def file(self, name: str) -> bytes:
        return self.zip.read(name)


@pytest.fixture
def download(portal_client):
    """``download(customer)`` → the ``Copy`` the last mailed link gives ``customer``."""
    def fetch(customer, client=None) -> Copy:
        client = client or portal_client(customer)
        response = client.post(export_path())
        assert response.status_code == 200, response.content
        return Copy(body_of(response))
    return fetch
