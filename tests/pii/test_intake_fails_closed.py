"""Intake fails closed: a file it cannot scan is quarantined, never stored as if clean;
reading a PDF is bounded and happens before the write transaction."""

from __future__ import annotations

import base64
import threading
import time

import pytest
from django.db import connection, connections
from django.urls import reverse

from pdfs import encrypted_pdf, shared_stream_bomb, text_pdf
from trustdesk.api.schemas import QuarantineReason
from trustdesk.audit.models import AuditEvent
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.tickets import quarantine, scanning, selectors, services
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Attachment, Quarantine

pytestmark = pytest.mark.django_db
CARD = "4111 1111 1111 1111"
LATIN1 = f"Grüße, meine Karte: {CARD}\n".encode("latin-1")  # one byte (ü, ß) not UTF-8
# Every field visible or revealable for supervisors: they may then see every field.
EVERY_FIELD = {"supervisor": {"*": "revealable", "category:financial": "revealable",
                              "type:card_number": "revealable", "email": "revealable",
                              "phone": "revealable"}}


@pytest.fixture
def team(make_team):
    return make_team()


def _inbound(make_ticket, team, *files):
    ticket = make_ticket(team=team)
    services.ticket_add_inbound(actor=Actor.system("tests"), ticket_id=ticket.pk,
                                body="see attached", attachments=list(files))
    return ticket, list(Attachment.objects.filter(message__ticket=ticket))


def _download(client, attachment):
    response = client.get(f"/api/v1/attachments/{attachment.pk}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def test_a_latin1_text_file_is_quarantined_and_an_agent_cannot_download_it(
        make_ticket, team, make_user, api_client, console_client):
    ticket, (stored,) = _inbound(make_ticket, team,
                                 NewAttachment("notes.txt", "text/plain", LATIN1))
    assert stored.quarantine == Quarantine.NOT_UTF8
    assert CARD.encode() not in bytes(stored.data)  # sealed like every attachment
    agent = make_user("agent", teams=[team])
    status, body = _download(api_client(agent), stored)
    assert status == 404 and CARD.encode() not in body
    console = console_client(agent)
    assert console.get(reverse("console:attachment", args=[stored.pk])).status_code == 404
    # The ticket says why, and offers no link.
    html = console.get(reverse("console:ticket", args=[ticket.pk])).content.decode()
    assert "Quarantined" in html and "not plain UTF-8" in html
    assert reverse("console:attachment", args=[stored.pk]) not in html
    api = api_client(agent).get(f"/api/v1/tickets/{ticket.pk}").json()
    listed = api["messages"][-1]["attachments"][0]
    assert listed["quarantined"] is True and listed["quarantine_reason"] == "not_utf8"
    assert listed["downloadable"] is False


@pytest.mark.parametrize("role", ["agent", "senior_agent", "supervisor", "billing", "admin"])
def test_with_the_shipped_policy_no_ticket_role_downloads_a_quarantined_file(
        make_ticket, team, make_user, api_client, role):
    _, (stored,) = _inbound(make_ticket, team, NewAttachment("notes.txt", "text/plain", LATIN1))
    user = make_user(role, teams=[team])
    assert _download(api_client(user), stored)[0] == 404


def test_a_role_that_may_see_every_field_downloads_it_whole_and_is_audited(
        settings, make_ticket, team, make_user, api_client, console_client):
    settings.ACCESS_FIELD_POLICY = EVERY_FIELD
    ticket, (stored,) = _inbound(make_ticket, team,
                                 NewAttachment("notes.txt", "text/plain", LATIN1))
    supervisor = make_user("supervisor")
    response = api_client(supervisor).get(f"/api/v1/attachments/{stored.pk}")
    assert response.status_code == 200 and response.content == LATIN1
    assert response["X-TrustDesk-Quarantine"] == "not_utf8"
    event = AuditEvent.objects.filter(action="attachment.download").latest("id")
    assert event.object_id == str(stored.pk) and event.context["quarantine"] == "not_utf8"
    assert event.actor_user_id == supervisor.pk
    html = console_client(supervisor).get(
        reverse("console:ticket", args=[ticket.pk])).content.decode()
    assert "Quarantined" in html and "Download the unscanned file" in html


def test_may_see_every_field_is_every_field_visible_or_revealable_with_reveal(
        settings, make_customer, make_user, as_actor, make_ticket, team):
    customer = make_customer()
    assert quarantine.may_see_every_field(Actor.system("job"), customer.id)
    assert not quarantine.may_see_every_field(as_actor(make_user("supervisor")), customer.id)
    settings.ACCESS_FIELD_POLICY = {**EVERY_FIELD, "agent": EVERY_FIELD["supervisor"]}
    assert quarantine.may_see_every_field(as_actor(make_user("supervisor")), customer.id)
    # Need-to-know still applies: an agent without a ticket of this customer's has
    # locked fields; with one, every field is revealable.
    agent = as_actor(make_user("agent", teams=[team]))
    assert not quarantine.may_see_every_field(agent, customer.id)
    make_ticket(customer, team=team)
    assert quarantine.may_see_every_field(agent, customer.id)
    # Revealable without the permission to reveal is not seeing.
    settings.ACCESS_FIELD_POLICY = {"admin": EVERY_FIELD["supervisor"]}
    assert not quarantine.may_see_every_field(as_actor(make_user("admin")), customer.id)


def test_a_pdf_encrypted_with_an_empty_user_password_is_quarantined(
        make_ticket, team, make_user, api_client):
    pdf = encrypted_pdf(f"Card {CARD}")
    _, (stored,) = _inbound(make_ticket, team, NewAttachment("statement.pdf", "application/pdf",
                                                             pdf))
    assert stored.quarantine == Quarantine.PDF_ENCRYPTED
    assert _download(api_client(make_user("agent", teams=[team])), stored)[0] == 404


@pytest.mark.parametrize("data", [b"%PDF-1.7\n1 0 obj << /Type /Catalog", b"not a pdf at all",
                                  b"%PDF-1.4\n" + b"\xff" * 2000])
def test_a_malformed_pdf_is_quarantined_not_a_server_error(
        make_customer, make_user, api_client, data):
    customer = make_customer()
    client = api_client(make_user("supervisor"))
    response = client.post("/api/v1/tickets", {
        "customer_id": str(customer.id), "subject": "Statement", "body": "attached",
        "reason": "Caller on the line",
        "attachments": [{"filename": "statement.pdf", "content_type": "application/pdf",
                         "content_base64": base64.b64encode(data).decode()}]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    listed = response.json()["messages"][0]["attachments"][0]
    assert listed["quarantined"] and listed["quarantine_reason"] == "pdf_malformed"
    assert Attachment.objects.get(pk=listed["id"]).quarantine == Quarantine.PDF_MALFORMED


def test_the_shared_content_stream_bomb_is_stopped_by_the_content_bound():
    bomb = shared_stream_bomb(pages=100, operators=20_000)  # 140 kB read 100 times
    assert len(bomb) < 20_000
    started = time.monotonic()
    text, reason = scanning.read_pdf(bomb)
    assert (text, reason) == ("", Quarantine.TOO_LARGE)
    assert time.monotonic() - started < 5  # counted before any page is parsed


def test_a_pdf_still_reading_at_the_deadline_is_killed_and_quarantined(settings):
    settings.INTAKE_PDF_MAX_CONTENT_BYTES = 10**9
    settings.INTAKE_SCAN_SECONDS = 1
    started = time.monotonic()
    assert scanning.read_pdf(shared_stream_bomb(pages=50)) == ("", Quarantine.TIMEOUT)
    assert time.monotonic() - started < 4


def test_a_reader_that_cannot_start_or_dies_quarantines(monkeypatch):
    import subprocess

    def no_process(*args, **kwargs):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(subprocess, "run", no_process)
    assert scanning.read_pdf(text_pdf("x")) == ("", Quarantine.SCAN_FAILED)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(
        a, 1, stdout=b"", stderr=b"Traceback ..."))
    assert scanning.read_pdf(text_pdf("x")) == ("", Quarantine.SCAN_FAILED)


def test_readers_wait_for_a_free_slot_within_their_deadline(settings, monkeypatch):
    import subprocess

    settings.INTAKE_SCAN_WORKERS, settings.INTAKE_SCAN_SECONDS = 1, 1
    started = threading.Event()
    real = subprocess.run

    def slow(*args, **kwargs):
        started.set()
        time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", slow)
    first = threading.Thread(target=scanning.read_pdf, args=(text_pdf("x"),))
    first.start()
    started.wait(5)
    # The only slot is taken for longer than this file's deadline.
    assert scanning.read_pdf(text_pdf("y")) == ("", Quarantine.TIMEOUT)
    first.join()


def test_too_many_pages_is_quarantined_and_within_bounds_is_read(settings):
    settings.INTAKE_PDF_MAX_PAGES = 2
    assert scanning.read_pdf(text_pdf("hello", pages=3)) == ("", Quarantine.TOO_MANY_PAGES)
    text, reason = scanning.read_pdf(text_pdf("hello", pages=2))
    assert reason == "" and text.count("hello") == 2


def test_a_file_over_the_scan_bound_is_quarantined(settings, make_ticket, team):
    settings.INTAKE_SCAN_MAX_BYTES = 100
    settings.INTAKE_UNSCANNED_IMAGES = frozenset({"png"})
    png = b"\x89PNG\r\n\x1a\n\x00" + b"\x01" * 200
    _, stored = _inbound(make_ticket, team,
                         NewAttachment("big.log", "text/plain", b"a line\n" * 20),
                         NewAttachment("big.bin", "", b"unlabelled text " * 20),
                         NewAttachment("big.pdf", "application/pdf", text_pdf("x" * 200)),
                         NewAttachment("big.png", "image/png", png))
    # What intake would read is quarantined; an image let through unscanned is not read
    # at any size.
    assert [a.quarantine for a in stored] == [Quarantine.TOO_LARGE] * 3 + [""]


@pytest.mark.django_db(transaction=True)
def test_pdfs_are_read_before_the_write_transaction_and_others_can_write_meanwhile(
        monkeypatch, make_ticket, make_customer):
    """SQLite has one write lock for the whole database: reading a PDF inside the
    transaction made every other writer wait for it, then fail with 'database is
    locked'."""
    ticket = make_ticket()
    real, seen = scanning.read_pdf, {}

    def observed(data):
        seen["in_transaction"] = connection.in_atomic_block

        def other_writer():
            try:
                seen["other"] = make_customer().id
            finally:
                connections.close_all()

        writer = threading.Thread(target=other_writer)
        writer.start()
        writer.join(30)
        return real(data)

    monkeypatch.setattr(scanning, "read_pdf", observed)
    message = services.ticket_add_inbound(
        actor=Actor.system("tests"), ticket_id=ticket.pk, body="attached",
        attachments=[NewAttachment("statement.pdf", "application/pdf",
                                   text_pdf(f"Card {CARD}"))])
    assert seen["in_transaction"] is False
    assert seen.get("other") is not None  # the other write went through, during the read
    assert message.redactions == {"CREDIT_CARD": 1}


def test_a_file_that_was_not_prepared_is_still_read_and_quarantined(make_ticket, system):
    # A caller that skips the early read (no decorator) still gets the same outcome.
    from trustdesk.tickets import intake

    files, counts = intake.redact_attachments(
        make_ticket().customer_id, [NewAttachment("a.txt", "text/plain", LATIN1)])
    assert files[0].quarantine == Quarantine.NOT_UTF8 and not counts


def test_utf16_text_and_nul_bytes_are_quarantined(make_ticket, team):
    utf16 = f"card {CARD}".encode("utf-16-le")  # valid UTF-8, a NUL after each character
    _, stored = _inbound(make_ticket, team, NewAttachment("a.txt", "text/plain", utf16),
                         NewAttachment("b.log", "text/plain", b"\xff\xfe" + utf16))
    assert [a.quarantine for a in stored] == [Quarantine.NOT_UTF8, Quarantine.NOT_UTF8]


def test_text_is_scanned_whatever_its_label(make_ticket, team, system):
    _, (stored,) = _inbound(make_ticket, team,
                            NewAttachment("photo.png", "image/png", f"{CARD}\n".encode()))
    assert not stored.quarantine
    opened = selectors.attachment_get(actor=system, attachment_id=stored.pk)
    assert CARD.encode() not in opened.content and b"[card 411111" in opened.content


def test_files_intake_cannot_read_are_quarantined(make_ticket, team):
    """An archive, an office document or an image cannot be scanned: a zipped HAR, a
    spreadsheet of card numbers or a screenshot of one reached every reader as sent."""
    png = b"\x89PNG\r\n\x1a\n\x00\x00" + CARD.encode()
    zipped = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(128, 256))
    docx = b"PK\x03\x04\x14\x00\x06\x00" + b"\xff\xfe word/document.xml"
    _, stored = _inbound(make_ticket, team, NewAttachment("photo.png", "image/png", png),
                         NewAttachment("session.har.gz", "application/gzip",
                                       b"\x1f\x8b\x08\x00" + bytes(range(128, 256))),
                         NewAttachment("cards.zip", "application/zip", zipped),
                         NewAttachment("report.docx", "application/vnd.openxmlformats-"
                                       "officedocument.wordprocessingml.document", docx))
    assert [a.quarantine for a in stored] == [Quarantine.NOT_SCANNABLE] * 4


def test_an_installation_may_let_images_through_unscanned(settings, make_ticket, team,
                                                          system):
    settings.INTAKE_UNSCANNED_IMAGES = frozenset({"png", "jpeg"})
    png = b"\x89PNG\r\n\x1a\n\x00\x00" + CARD.encode()
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(128, 256))
    gif = b"GIF89a\x01\x00\x01\x00\x80" + bytes(range(128, 256))
    zip_as_png = b"PK\x03\x04\x14\x00" + bytes(range(128, 256))
    _, stored = _inbound(make_ticket, team, NewAttachment("a.png", "image/png", png),
                         NewAttachment("b.jpg", "image/jpeg", jpeg),
                         NewAttachment("c.gif", "image/gif", gif),
                         NewAttachment("d.png", "image/png", zip_as_png))
    # By their bytes, not their labels: the GIF is not let through, nor the zip dressed
    # as a PNG.
    assert [a.quarantine for a in stored] == ["", "", Quarantine.NOT_SCANNABLE,
                                              Quarantine.NOT_SCANNABLE]
    assert selectors.attachment_get(actor=system, attachment_id=stored[0].pk).content == png


def test_the_api_names_every_quarantine_reason():
    assert set(QuarantineReason.__args__) == set(Quarantine.values)


def test_quarantine_is_checked_before_anything_is_opened(make_ticket, team, make_user,
                                                         as_actor):
    _, (stored,) = _inbound(make_ticket, team, NewAttachment("notes.txt", "text/plain", LATIN1))
    with pytest.raises(NotFound):
        selectors.attachment_get(actor=as_actor(make_user("agent", teams=[team])),
                                 attachment_id=stored.pk)
    assert not AuditEvent.objects.filter(action="attachment.download").exists()


@pytest.mark.parametrize("internal", [True, False], ids=["note", "reply"])
def test_files_an_agent_attaches_to_a_note_or_reply_pass_intake_too(
        make_ticket, team, make_user, as_actor, api_client, internal):
    """An agent's file is the customer's data as much as the customer's own: a card in a
    text file attached to a note was stored and served in clear, and a Latin-1 file was
    never quarantined."""
    ticket = make_ticket(team=team)
    agent = make_user("agent", teams=[team])
    message = services.ticket_reply(
        actor=as_actor(agent), ticket_id=ticket.pk, body="See attached.", internal=internal,
        attachments=[NewAttachment("notes.txt", "text/plain", f"card {CARD}\n".encode()),
                     NewAttachment("l1.txt", "text/plain", LATIN1)])
    clear, latin1 = message.attachment_list
    assert message.redactions == {"CREDIT_CARD": 1}
    assert latin1.quarantine == Quarantine.NOT_UTF8
    admin = make_user("admin", teams=[team])
    for reader in (agent, admin):
        status, body = _download(api_client(reader), clear)
        assert status == 200 and CARD.encode() not in body
        assert _download(api_client(reader), latin1)[0] == 404


def test_a_file_name_is_redacted_like_a_subject(make_ticket, team, make_user, api_client,
                                               settings):
    """A file name is listed to every reader of the ticket and sent in the download's
    Content-Disposition: a card number or e-mail address in it was shown as written."""
    settings.INTAKE_UNSCANNED_IMAGES = frozenset({"png"})
    png = b"\x89PNG\r\n\x1a\n\x00\x00"
    ticket, (stored,) = _inbound(make_ticket, team, NewAttachment(
        f"card {CARD} grace@example.net.png", "image/png", png))
    admin = make_user("admin", teams=[team])
    listed = api_client(admin).get(f"/api/v1/tickets/{ticket.pk}").json()
    name = listed["messages"][-1]["attachments"][0]["filename"]
    assert CARD not in name and "grace@example.net" not in name
    assert name.endswith(".png") and "1111" in name
    response = api_client(admin).get(f"/api/v1/attachments/{stored.pk}")
    assert CARD not in response["Content-Disposition"]
    assert "grace@example.net" not in response["Content-Disposition"]
    assert stored.message.redactions == {"CREDIT_CARD": 1, "EMAIL_ADDRESS": 1}


def test_a_quarantined_files_digest_is_not_listed_to_who_may_not_download_it(
        make_ticket, team, make_user, api_client):
    """The SHA-256 of a file intake could not scan is a digest of its clear content: to
    a reader who may not download it, an offline test of guesses (a card number with
    known BIN and last four is 100,000 of them)."""
    ticket, _ = _inbound(make_ticket, team, NewAttachment("notes.txt", "text/plain", LATIN1))
    agent = make_user("agent", teams=[team])
    listed = api_client(agent).get(f"/api/v1/tickets/{ticket.pk}").json()
    attachment = listed["messages"][-1]["attachments"][0]
    assert attachment["quarantined"] and not attachment["downloadable"]
    assert attachment["sha256"] is None
