"""fulfil_access: who may, which requests, and what it leaves behind."""

from __future__ import annotations

import pytest
from django.core import mail

from conftest import SYSTEM
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied
from trustdesk.customers import services as customers
from trustdesk.customers.models import DataRequest
from trustdesk.dsr import export_store as store
from trustdesk.dsr.export import fulfil_access
from trustdesk.dsr.models import Export

pytestmark = pytest.mark.django_db


def test_only_privacy_officers_fulfil(make_customer, make_user, as_actor, access_request):
    request = access_request(make_customer())
    for role in ("agent", "supervisor", "admin"):
        with pytest.raises(PermissionDenied):
            fulfil_access(actor=as_actor(make_user(role)), request_id=request.pk)
    assert not Export.objects.exists()


def test_the_request_must_be_an_open_verified_access_request(make_customer, officer,
                                                            access_request):
    customer = make_customer()
    for bad in (None, "x", -1, 0, 2**70, 999999):
        with pytest.raises(NotFound):
            fulfil_access(actor=officer, request_id=bad)
    with pytest.raises(Conflict, match="Only a request for a copy"):
        fulfil_access(actor=officer, request_id=access_request(customer, kind="erasure").pk)
    unverified = access_request(customer)
    unverified.identity_verified_at = None
    unverified.save()
    with pytest.raises(Conflict, match="identity must be confirmed first"):
        fulfil_access(actor=officer, request_id=unverified.pk)
    closed = access_request(make_customer())
    DataRequest.objects.filter(pk=closed.pk).update(status="closed")
    with pytest.raises(Conflict, match="closed"):
        fulfil_access(actor=officer, request_id=closed.pk)
    assert not Export.objects.exists()
    assert not list(store.export_dir().iterdir())


def test_an_erased_customers_request_is_refused(make_customer, officer, access_request):
    customer = make_customer()
    request = access_request(customer)
    customers.customer_erase(actor=SYSTEM, customer_id=customer.id, reason="asked")
    with pytest.raises(Conflict, match="erased"):
        fulfil_access(actor=officer, request_id=request.pk)
    assert not list(store.export_dir().iterdir())


def test_fulfilling_seals_mails_closes_and_audits(make_customer, make_ticket, officer,
                                                 access_request):
    customer = make_customer(full_name="Ada Lovelace", email="ada@example.org")
    make_ticket(customer, body="My order 1234 never came.")
    request = access_request(customer)
    issued = fulfil_access(actor=officer, request_id=request.pk)

    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "fulfilled")
    assert request.closed_at is not None and request.closed_by == officer.label
    export = Export.objects.get(pk=issued.export_id)
    assert export.request_id == request.pk and export.used_at is None
    assert issued.mailed and mail.outbox[-1].to == ["ada@example.org"]
    assert "/help/export/" in mail.outbox[-1].body
    # Only a keyed hash of the link's secret is stored.
    token = mail.outbox[-1].body.split("/help/export/")[1].split("/")[0]
    assert token.split(".")[1] not in export.secret

    path = store.path_for(export.pk)
    assert path.exists() and path.stat().st_mode & 0o077 == 0
    sealed = path.read_bytes()
    for plain in (b"Ada Lovelace", b"ada@example.org", b"1234 never came", b"data.json"):
        assert plain not in sealed

    event = AuditEvent.objects.get(action="privacy_request.fulfil")
    assert (event.object_type, event.object_id) == ("privacy_request", str(request.pk))
    context = event.context
    assert context["kind"] == "access" and context["counts"]["conversations"] == 1
    assert context["counts"]["messages"] == 1
    assert "Ada" not in str(event.detail) and "ada@" not in str(event.detail)


def test_without_an_email_on_file_the_portal_shows_the_link(make_customer, officer,
                                                           access_request):
    from trustdesk.core.actor import Actor
    from trustdesk.dsr.export_download import my_exports

    customer = make_customer(email="grace@example.org")
    request = access_request(customer)
    customers.customer_update(actor=SYSTEM, customer_id=customer.id, changes={"email": ""})
    before = len(mail.outbox)
    issued = fulfil_access(actor=officer, request_id=request.pk)
    assert not issued.mailed and len(mail.outbox) == before
    ready = my_exports(actor=Actor.customer(customer.id))
    assert [r.request_id for r in ready] == [request.pk]
    assert ready[0].url.startswith(f"/help/export/{issued.export_id}.")


def test_a_second_fulfilment_finds_the_request_closed(make_customer, officer,
                                                      access_request):
    request = access_request(make_customer())
    fulfil_access(actor=officer, request_id=request.pk)
    with pytest.raises(Conflict):
        fulfil_access(actor=officer, request_id=request.pk)
    assert Export.objects.count() == 1
    assert len(list(store.export_dir().iterdir())) == 1


def test_a_failed_transaction_leaves_no_file(make_customer, officer, access_request,
                                             monkeypatch):
    from trustdesk.audit.errors import AuditUnavailable
    from trustdesk.dsr import export

    request = access_request(make_customer())

    def broken(**kwargs):
        raise AuditUnavailable(detail="test")
    monkeypatch.setattr(export, "record", broken)
    with pytest.raises(AuditUnavailable):
        fulfil_access(actor=officer, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "open" and not Export.objects.exists()
    assert not list(store.export_dir().iterdir())


def test_an_unwritable_directory_is_unavailable_and_leaves_the_request_open(
        make_customer, officer, access_request, settings, tmp_path):
    from trustdesk.core.errors import Unavailable

    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the directory should be")
    settings.EXPORT_DIR = blocked
    request = access_request(make_customer())
    with pytest.raises(Unavailable):
        fulfil_access(actor=officer, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "open"


def test_a_vault_failure_while_building_leaves_nothing(make_customer, make_ticket, officer,
                                                      access_request, monkeypatch):
    from trustdesk.vault.errors import KeyProviderUnavailable

    customer = make_customer()
    make_ticket(customer)
    request = access_request(customer)
    real = store.vault.seal

    def failing(subject, purpose, plaintext):
        if purpose.startswith("export.end"):
            raise KeyProviderUnavailable(detail="test")
        return real(subject, purpose, plaintext)
    monkeypatch.setattr(store.vault, "seal", failing)
    with pytest.raises(KeyProviderUnavailable):
        fulfil_access(actor=officer, request_id=request.pk)
    assert not list(store.export_dir().iterdir())
    request.refresh_from_db()
    assert request.status == "open" and not Export.objects.exists()
