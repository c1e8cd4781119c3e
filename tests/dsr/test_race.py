"""Two downloads of one link at the same moment (PostgreSQL, where they truly run at
once): one gets the copy, the other is told the link was used."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from trustdesk.audit.models import AuditEvent
from trustdesk.core.actor import Actor
from trustdesk.dsr import export_download
from trustdesk.dsr.export import fulfil_access

from .conftest import EXPORT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_downloads_at_once_release_one_copy(make_customer, make_ticket, officer,
                                                access_request):
    customer = make_customer()
    make_ticket(customer, body="Only once.")
    fulfil_access(actor=officer, request_id=access_request(customer).pk)
    token = EXPORT.search(mail.outbox[-1].body).group(1).split("/")[3]
    actor = Actor.customer(customer.id)
    start, got, used, errors = threading.Barrier(2), [], [], []

    def fetch():
        try:
            start.wait()
            download = export_download.export_download(actor=actor, token=token)
            got.append(b"".join(download.chunks()))
        except export_download.LinkUsed:
            used.append(True)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(got) == 1 and len(used) == 1 and got[0].startswith(b"PK")
    assert AuditEvent.objects.filter(action="privacy_request.export_download").count() == 1
