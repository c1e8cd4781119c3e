"""The one-time link: only the customer's own session, once, before it expires; then the
file is gone and its key shredded. Tried as an attacker would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from conftest import SYSTEM
from trustdesk import vault
from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.customers import services as customers
from trustdesk.dsr import export_download, export_store
from trustdesk.dsr.export import fulfil_access
from trustdesk.dsr.jobs import export_cleanup
from trustdesk.dsr.models import Export
from trustdesk.vault.errors import KeyProviderUnavailable, SubjectErased

from .conftest import Copy, body_of, export_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(make_customer, make_ticket, officer, access_request):
    customer = make_customer()
    make_ticket(customer, body="Mine.")
    issued = fulfil_access(actor=officer, request_id=access_request(customer).pk)
    return customer, issued


def test_the_link_page_asks_first_and_the_download_works_once(issued, portal_client):
    customer, result = issued
    path = export_path()
    client = portal_client(customer)
    home = client.get("/help/").content.decode()
    assert "Your copy is ready — download once, until" in home and path in home
    page = client.get(path)
    assert page.status_code == 200 and b"data-export" in page.content
    assert Export.objects.get(pk=result.export_id).used_at is None  # GET changes nothing

    response = client.post(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    copy = Copy(body_of(response))
    assert "Mine." in copy.text
    event = AuditEvent.objects.get(action="privacy_request.export_download")
    assert event.object_id == str(result.request_id)

    # Used: the file is gone, the key shredded, the link says so, the list forgets it.
    export = Export.objects.get(pk=result.export_id)
    assert export.used_at is not None and export.removed_at is not None
    assert not export_store.path_for(export.pk).exists()
    with pytest.raises(SubjectErased):
        vault.seal(export_store.subject_for(export.pk), "x", b"x")
    again = client.post(path)
    assert again.status_code == 410 and b'data-state="used"' in again.content
    assert client.get(path).status_code == 410
    assert "Your copy is ready" not in client.get("/help/").content.decode()


def test_strangers_and_other_customers_learn_nothing(issued, make_customer, portal_client):
    _customer, result = issued
    path = export_path()
    export_id, nonce = path.split("/")[3].split(".")
    other = portal_client(make_customer())
    unknown = f"/help/export/{export_id}.{'A' * len(nonce)}/"
    guesses = [path, unknown, f"/help/export/{'0' * 32}.{nonce}/", "/help/export/x/",
               "/help/export/..%2F..%2Fsecret_key/", f"/help/export/{export_id}/"]
    answers = {(r.status_code, r.content.count(b"Not found")) for r in
               (other.post(g) for g in guesses)}
    assert answers == {(404, 2)}  # all alike: the same page as an unknown link
    assert Export.objects.get(pk=result.export_id).used_at is None
    # No session: a sign-in first, for any link, sound or not.
    routed = [g for g in (path, *guesses) if "%2F" not in g]  # the router's own 404
    assert {Client().post(g)["Location"] for g in routed} == {"/help/?lang=en"}
    # Staff sessions are nobody in the portal; and no console or API door exists.
    assert not [p for p in ("/privacy/requests/1/export/", "/api/v1/privacy/requests/1/export")
                if Client().get(p).status_code == 200]


def test_two_downloads_at_once_release_one_copy(issued, portal_client, monkeypatch):
    customer, _result = issued
    path = export_path()
    token = path.split("/")[3]
    from trustdesk.core.actor import Actor

    actor = Actor.customer(customer.id)
    # The second request read the row before the first claimed it (a race): its
    # checks passed, and only the conditional UPDATE stands between it and the file.
    stale = export_download.export_link(actor=actor, token=token)
    first = export_download.export_download(actor=actor, token=token)
    monkeypatch.setattr(export_download, "export_link", lambda **kw: stale)
    monkeypatch.setattr(export_store, "verify", lambda export_id: 1)
    with pytest.raises(export_download.LinkUsed):
        export_download.export_download(actor=actor, token=token)
    assert b"".join(first.chunks())
    assert AuditEvent.objects.filter(action="privacy_request.export_download").count() == 1


def test_an_expired_link_answers_expired_and_the_job_removes_it(issued, portal_client):
    customer, result = issued
    path = export_path()
    client = portal_client(customer)
    Export.objects.filter(pk=result.export_id).update(
        expires_at=clock.now() - dt.timedelta(seconds=1))
    response = client.post(path)
    assert response.status_code == 410 and b'data-state="expired"' in response.content
    assert export_store.path_for(result.export_id).exists()
    assert export_cleanup.call() >= 1
    export = Export.objects.get(pk=result.export_id)
    assert export.removed_at is not None and export.used_at is None
    assert not export_store.path_for(export.pk).exists()
    assert export_cleanup.call() == 0  # idempotent
    after = client.post(path)  # removed by the job: still "expired", not "used"
    assert after.status_code == 410 and b'data-state="expired"' in after.content


def test_the_link_lifetime_is_a_setting(make_customer, officer, access_request, settings):
    settings.EXPORT_LINK_HOURS = 2
    result = fulfil_access(actor=officer, request_id=access_request(make_customer()).pk)
    assert result.expires_at - clock.now() <= dt.timedelta(hours=2)
    assert "until" in mail.outbox[-1].body


def test_an_erased_customers_copy_is_gone(issued, django_capture_on_commit_callbacks):
    customer, result = issued
    path = export_path()
    with django_capture_on_commit_callbacks(execute=True):
        customers.customer_erase(actor=SYSTEM, customer_id=customer.id, reason="asked")
    assert not export_store.path_for(result.export_id).exists()
    assert Export.objects.get(pk=result.export_id).removed_at is not None
    response = Client().post(path)
    assert response.status_code == 410 and b'data-state="erased"' in response.content


def test_a_vault_failure_releases_nothing_and_keeps_the_link(issued, portal_client,
                                                             monkeypatch):
    customer, result = issued
    path = export_path()
    client = portal_client(customer)
    real = vault.open

    def failing(subject, purpose, sealed):
        if subject.startswith("export:"):
            raise KeyProviderUnavailable(detail="test: the HSM is away")
        return real(subject, purpose, sealed)
    monkeypatch.setattr(export_store.vault, "open", failing)
    response = client.post(path)
    assert response.status_code == 503 and b'data-state="unavailable"' in response.content
    assert response["Content-Type"].startswith("text/html")
    assert Export.objects.get(pk=result.export_id).used_at is None
    monkeypatch.setattr(export_store.vault, "open", real)
    assert client.post(path).status_code == 200


def test_a_tampered_file_is_refused_whole(issued, portal_client):
    customer, result = issued
    path = export_store.path_for(result.export_id)
    data = bytearray(path.read_bytes())
    data[len(export_store.MAGIC) + 40] ^= 1
    path.write_bytes(bytes(data))
    response = portal_client(customer).post(export_path())
    assert response.status_code == 503
    assert Export.objects.get(pk=result.export_id).used_at is None


def test_a_download_that_finds_the_file_gone_says_used(issued, monkeypatch):
    customer, _result = issued
    token = export_path().split("/")[3]
    from trustdesk.core.actor import Actor

    actor = Actor.customer(customer.id)
    stale = export_download.export_link(actor=actor, token=token)
    b"".join(export_download.export_download(actor=actor, token=token).chunks())
    monkeypatch.setattr(export_download, "export_link", lambda **kw: stale)
    with pytest.raises(export_download.LinkUsed):
        export_download.export_download(actor=actor, token=token)


def test_the_pages_speak_the_customers_language(issued, portal_client):
    customer, _result = issued
    client = portal_client(customer)
    page = client.get(export_path() + "?lang=zh-hans").content.decode()
    assert "您的数据副本" in page and "下载" in page
    assert "您的副本已准备好" in client.get("/help/?lang=zh-hans").content.decode()


def test_guessing_links_is_limited_per_client(issued, settings):
    settings.PORTAL_CONFIRMS_PER_IP = 3
    client = Client()
    answers = [client.post(f"/help/export/{'0' * 32}.guess{i}/").status_code
               for i in range(5)]
    assert answers[:3] == [302, 302, 302] and answers[3:] == [429, 429]


def test_the_portal_opens_while_the_vault_is_away(issued, portal_client, monkeypatch):
    customer, _result = issued
    client = portal_client(customer)
    real = vault.open

    def failing(subject, purpose, sealed):
        if subject.startswith("export:"):
            raise KeyProviderUnavailable(detail="test")
        return real(subject, purpose, sealed)
    monkeypatch.setattr(export_download.vault, "open_text",
                        lambda s, p, b: failing(s, p, b).decode())
    home = client.get("/help/")
    assert home.status_code == 200 and "Your copy is ready" in home.content.decode()
    assert "/help/export/" not in home.content.decode()


def test_the_job_removes_a_crashed_builds_file_and_leaves_others_alone(db, settings):
    import os
    import uuid

    directory = export_store.export_dir()
    stray = directory / f"{uuid.uuid4().hex}.partial"
    fresh = directory / f"{uuid.uuid4().hex}.partial"
    foreign = directory / "notes.txt"
    for path in (stray, fresh, foreign):
        path.write_bytes(b"x")
    day_ago = clock.now().timestamp() - 2 * 86400
    os.utime(stray, (day_ago, day_ago))
    os.utime(foreign, (day_ago, day_ago))
    assert export_cleanup.call() == 1
    assert not stray.exists() and fresh.exists() and foreign.exists()
    assert not AuditEvent.objects.filter(action="privacy_request.export_remove").exists()


def test_a_removal_by_the_job_is_audited(issued):
    _customer, result = issued
    Export.objects.filter(pk=result.export_id).update(
        expires_at=clock.now() - dt.timedelta(seconds=1))
    export_cleanup.call()
    event = AuditEvent.objects.get(action="privacy_request.export_remove")
    assert event.context == {"export": str(result.export_id)}
