"""The copy streams: a history of several megabytes is built and downloaded in a small,
bounded amount of memory, never whole."""

from __future__ import annotations

import base64
import os
import tracemalloc

import pytest

from trustdesk.dsr.export import fulfil_access
from trustdesk.dsr.models import Export

from .conftest import Copy, export_path
from .helpers import attach, messages

pytestmark = pytest.mark.django_db


def _peak(run):
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_copy_is_built_and_downloaded_in_bounded_memory(
        make_customer, make_ticket, officer, access_request, portal_client):
    customer = make_customer()
    ticket = make_ticket(customer)
    # Incompressible text, so the ZIP is as large as what it holds.
    written = messages(ticket, (base64.b64encode(os.urandom(6000)).decode()
                                for _ in range(300)))
    for i, message in enumerate(written[:40]):
        attach(message, filename=f"photo{i}.jpg", data=os.urandom(200_000))
    request = access_request(customer)
    client = portal_client(customer)

    issued, built = _peak(lambda: fulfil_access(actor=officer, request_id=request.pk))
    size = Export.objects.get(pk=issued.export_id).size
    assert size > 11_000_000
    assert built < size / 4, (built, size)

    def fetch():
        response = client.post(export_path())
        assert response.status_code == 200
        total = 0
        for chunk in response.streaming_content:
            total += len(chunk)
        return total
    total, downloaded = _peak(fetch)
    assert total == size
    assert downloaded < size / 4, (downloaded, size)


def test_the_streamed_copy_is_a_sound_zip(make_customer, make_ticket, officer,
                                          access_request, download):
    customer = make_customer()
    ticket = make_ticket(customer)
    messages(ticket, [f"message {i}" for i in range(120)])
    fulfil_access(actor=officer, request_id=access_request(customer).pk)
    copy = download(customer)
    assert copy.zip.testzip() is None
    assert len(copy.data["conversations"][0]["messages"]) == 121
    assert isinstance(copy, Copy)
