"""The record of processing activities: generated from the inventory and the settings,
never claiming what the configuration does not have; the same as the trust page; JSON,
HTML and PDF; read by the roles that hold ``processing_record.view``, every read audited."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape
from pypdf import PdfReader

from trustdesk.access.roles import ROLE_LABELS, ROLE_PERMISSIONS
from trustdesk.audit.models import AuditEvent
from trustdesk.channels import services as channels
from trustdesk.mailgateway import routes
from trustdesk.portal import words
from trustdesk.privacy import processing, processors
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.processing_pdf import RecordUnprintable, as_pdf
from trustdesk.privacy.processing_render import as_html, as_json

pytestmark = pytest.mark.django_db
ROLES = sorted(ROLE_LABELS)
HOLDERS = {"privacy_officer", "security_officer", "admin"}
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _inventory(settings, tmp_path, purpose: str) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(f"""version: 1
fields:
  - name: full_name
    type: string
    category: identity
    sensitivity: confidential
    purpose: "{purpose}"
    legal_basis: contract
    required: true
    retention: 2y
""", encoding="utf-8")
    settings.DATA_INVENTORY_PATH = path
    settings.DATA_INVENTORY_CUSTOM = True


def _processors(settings, tmp_path, text: str) -> None:
    path = tmp_path / "processors.yaml"
    path.write_text(text, encoding="utf-8")
    settings.PROCESSORS_PATH = path


def test_every_inventory_field_is_listed_with_its_purpose_basis_and_retention():
    record = processing.build()
    listed = {f.name: f for f in record.fields if f.subject == "customers"}
    inventory = get_inventory()
    assert list(listed) == list(inventory.names)
    for spec in inventory.fields:
        entry = listed[spec.name]
        assert (entry.purpose, entry.legal_basis, entry.retention, entry.retention_days) == (
            spec.purpose, spec.legal_basis, spec.retention, spec.retention_days)
    purposes = {p.purpose for p in record.purposes}
    assert {f.purpose for f in inventory.fields} <= purposes
    assert {s.key for s in record.subjects} == {"customers", "staff"}


def test_staff_retention_follows_the_settings(settings):
    settings.AUDIT_RETENTION_DAYS = 800
    audit = next(f for f in processing.build().fields if f.name == "staff_audit_trail")
    assert audit.subject == "staff" and audit.retention_days == 800


def test_measures_follow_the_settings_and_claim_nothing_else(settings):
    settings.VAULT_KEY_PROVIDER, settings.CLAMD_ADDRESS = "local", None
    settings.REQUIRE_MFA, settings.ACCESS_NEED_TO_KNOW = "privileged", True
    before = processing.build()
    assert before.measure("key_provider").state == "local"
    assert before.measure("attachment_scanning").state == "built_in"
    assert "ClamAV" not in before.measure("attachment_scanning").description
    assert before.measure("mfa").state == "privileged"
    assert before.measure("tls").state == "off"  # development settings send no HSTS
    keys = {r.key for r in before.recipients}
    assert not keys & {"key_provider", "clamav", "redis", "smtp_relay", "sms"}

    settings.VAULT_KEY_PROVIDER, settings.VAULT_PKCS11_MODULE = "pkcs11", "/usr/lib/p11.so"
    settings.CLAMD_ADDRESS = "127.0.0.1:3310"
    settings.REQUIRE_MFA, settings.ACCESS_NEED_TO_KNOW = "all", False
    settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT = 63072000, True
    after = processing.build()
    assert after.measure("key_provider").state == "pkcs11"
    assert "hardware security module" in after.measure("key_provider").description
    assert after.measure("attachment_scanning").state == "clamav"
    assert after.measure("mfa").state == "all"
    assert after.measure("need_to_know").state == "off"
    assert after.measure("tls").state == "hsts"
    recipients = {r.key: r for r in after.recipients}
    assert recipients["clamav"].location == "127.0.0.1:3310"
    assert "/usr/lib/p11.so" in recipients["key_provider"].location


def test_recipients_name_hosts_never_credentials(settings):
    settings.REDIS_URL = "redis://:s3cret-pass@cache.internal:6380/2"
    settings.VAULT_KEYSTORE_URL = "postgres://vault:kspass@keys.internal:5432/keys"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "relay.example.net", 587
    settings.SMS_BACKEND = "acme.sms.Adapter"
    text = as_json(processing.build())
    found = {r["key"]: r["location"] for r in json.loads(text)["recipients"]}
    assert found["redis"] == "cache.internal:6380"
    assert found["keystore"] == "PostgreSQL at keys.internal:5432"
    assert found["smtp_relay"] == "relay.example.net:587"
    assert found["sms"] == "adapter acme.sms.Adapter"
    assert "s3cret" not in text and "kspass" not in text


def test_transfers_come_from_declared_processors_of_configured_recipients(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "relay.example.net", 587
    _processors(settings, tmp_path, """processors:
  - name: smtp_relay
    company: Example Mail Inc.
    country: us
    safeguard: Standard contractual clauses
  - name: hosting
    company: Example Hosting GmbH
    country: DE
  - name: sms
    company: Texts Ltd
    country: GB
""")
    assert processing.build().transfers == ()  # no controller country: nothing is guessed
    settings.CONTROLLER_COUNTRY, settings.CONTROLLER_NAME = "DE", "Example AG"
    record = processing.build()
    assert record.controller.name == "Example AG"
    assert [(t.recipient, t.country, t.outside_eea, t.safeguard) for t in record.transfers] \
        == [("smtp_relay", "US", True, "Standard contractual clauses")]
    recipients = {r.key: r for r in record.recipients}
    assert recipients["hosting"].processor == "Example Hosting GmbH"
    assert "sms" not in recipients  # declared, but no SMS provider is configured


def test_a_wrong_processors_file_names_the_line():
    with pytest.raises(processors.ProcessorsError) as raised:
        processors.parse_processors("processors:\n  - name: fax\n    company: X\n"
                                    "    country: DE\n", where="p.yaml")
    assert "p.yaml line 2" in raised.value.message and "'fax'" in raised.value.message


def test_the_json_schema_is_stable():
    data = json.loads(as_json(processing.build()))
    assert data["schema_version"] == processing.SCHEMA_VERSION == 1
    assert set(data) == {"schema_version", "generated_at", "controller", "subjects", "fields",
                         "ticket_retention", "purposes", "recipients", "channels",
                         "transfers", "measures", "inventory"}
    assert set(data["ticket_retention"][0]) == {"channel", "status", "retention",
                                                "retention_days"}
    assert set(data["controller"]) == {"name", "contact", "country", "dpo_contact"}
    assert set(data["fields"][0]) == {"subject", "name", "label", "category", "sensitivity",
                                      "purpose", "legal_basis", "retention", "retention_days",
                                      "required", "source"}
    assert set(data["purposes"][0]) == {"purpose", "legal_bases", "fields", "subjects"}
    assert set(data["recipients"][0]) == {"key", "name", "receives", "location", "processor",
                                          "country", "setting"}
    assert set(data["measures"][0]) == {"key", "title", "state", "description", "settings"}
    assert set(data["subjects"][0]) == {"key", "description", "data_categories"}


def test_html_shows_a_purpose_as_text(settings, tmp_path):
    _inventory(settings, tmp_path, "Greet <script>alert(1)</script> & thank")
    html = as_html(processing.build())
    assert "<script>" not in html
    assert "Greet &lt;script&gt;alert(1)&lt;/script&gt; &amp; thank" in html


def _pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_pdf_parses_and_says_what_the_record_says():
    record = processing.build()
    text = " ".join(_pdf_text(as_pdf(record)).split())
    assert "Record of processing activities" in text
    for f in record.fields:
        assert " ".join(f.purpose.split()) in text
    assert "Multi-factor authentication" in text and "Official channels" in text


def test_the_built_in_font_refuses_text_it_cannot_show(settings, tmp_path):
    settings.PROCESSING_PDF_FONT = None
    _inventory(settings, tmp_path, "Ответить клиенту")
    with pytest.raises(RecordUnprintable) as raised:
        as_pdf(processing.build())
    assert "TRUSTDESK_PDF_FONT" in raised.value.message and "'Ответить'" in raised.value.message


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs the DejaVu fonts")
def test_a_configured_font_prints_other_scripts(settings, tmp_path):
    settings.PROCESSING_PDF_FONT = DEJAVU
    _inventory(settings, tmp_path, "Ответить клиенту")
    assert "Ответить клиенту" in _pdf_text(as_pdf(processing.build()))


def test_the_trust_page_shows_the_records_purposes_retention_and_measures(settings, system):
    channels.channel_create(actor=system, kind="phone", value="+442079460000", label="Line")
    routes.route_create(actor=system, address="support@example.com", name="Support",
                        dkim=False)
    for mfa, sentence in (("privileged", "administrative, supervisory"),
                          ("all", "Every staff account must sign in")):
        settings.REQUIRE_MFA = mfa
        record = processing.build()
        page = Client().get("/trust/").content.decode()
        for f in (f for f in record.fields if f.subject == "customers"):
            assert escape(f.purpose) in page and words.retention(f.retention) in page
        assert "Password hash" not in page and "Failed sign-in attempts" not in page
        assert record.measure("mfa").state == mfa and sentence in page
        assert {c.value for c in record.channels} == {"+44 20 7946 0000", "support@example.com"}
        assert "+44 20 7946 0000" in page and "support@example.com" in page
    signing = record.measure("mail_authentication").description
    assert "Replies from 0 of 1 support addresses are DKIM-signed" in signing


def test_the_command_writes_the_record_and_audits_it(tmp_path):
    for fmt in ("json", "html", "pdf"):
        out = tmp_path / f"record.{fmt}"
        call_command("processing-record", "--format", fmt, "-o", str(out), stderr=io.StringIO())
        assert os.stat(out).st_mode & 0o777 == 0o600
    assert json.loads((tmp_path / "record.json").read_text())["schema_version"] == 1
    assert (tmp_path / "record.pdf").read_bytes().startswith(b"%PDF")
    assert "<!DOCTYPE html>" in (tmp_path / "record.html").read_text()
    formats = [e.context.get("format") for e in
               AuditEvent.objects.filter(action="processing_record.export").order_by("id")]
    assert formats == ["json", "html", "pdf"]


ENDPOINTS = (("/privacy/processing/", "text/html"),
             ("/privacy/processing/download/?format=json", "application/json"),
             ("/privacy/processing/download/?format=html", "text/html"),
             ("/privacy/processing/download/?format=pdf", "application/pdf"),
             ("/api/v1/privacy/processing-record", "application/json"),
             ("/api/v1/privacy/processing-record/html", "text/html"),
             ("/api/v1/privacy/processing-record/pdf", "application/pdf"))


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role, make_user, console_client, api_client):
    allowed = "processing_record.view" in ROLE_PERMISSIONS[role]
    assert allowed == (role in HOLDERS)
    user = make_user(role, mfa=True)
    console, api = console_client(user), api_client(user)
    for url, content_type in ENDPOINTS:
        client = api if url.startswith("/api/") else console
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), (role, url)
        if allowed:
            assert response["Content-Type"].startswith(content_type), url
        write = client.post(url, {}, content_type="application/json")
        assert write.status_code in (403, 405), (role, url, write.status_code)
    events = AuditEvent.objects.filter(action__startswith="processing_record.")
    assert events.count() == (len(ENDPOINTS) if allowed else 0)
    if not allowed:
        assert AuditEvent.objects.filter(action="access.denied").count() >= len(ENDPOINTS)


def test_an_unknown_format_is_refused(make_user, console_client):
    response = console_client(make_user("privacy_officer")).get(
        "/privacy/processing/download/?format=docx", follow=True)
    assert b"The format must be one of json, html, pdf" in response.content


def test_settings_refuse_a_wrong_processors_file_or_country(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from trustdesk.config.processing import processing as read

    bad = tmp_path / "processors.yaml"
    bad.write_text("processors:\n  - name: smtp_relay\n    company: X\n    country: USA\n")
    with pytest.raises(ImproperlyConfigured, match="line 4"):
        read({"TRUSTDESK_PROCESSORS_PATH": str(bad)})
    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_CONTROLLER_COUNTRY"):
        read({"TRUSTDESK_CONTROLLER_COUNTRY": "Germany"})
    assert read({})["CONTROLLER_NAME"] == "" and read({})["PROCESSORS_PATH"] is None


def test_an_unprintable_pdf_is_a_conflict_at_the_api(settings, tmp_path, make_user,
                                                     api_client):
    settings.PROCESSING_PDF_FONT = None
    _inventory(settings, tmp_path, "回复客户")
    client = api_client(make_user("privacy_officer"))
    response = client.get("/api/v1/privacy/processing-record/pdf")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "record_unprintable"
    assert "回复客户" in client.get("/api/v1/privacy/processing-record").json()["fields"][0][
        "purpose"]



def test_the_tickets_retention_is_the_inventorys_rules():
    record = processing.build()
    rules = get_inventory().tickets
    assert rules, "the shipped inventory declares ticket retention"
    assert [(t.channel, t.status, t.retention_days) for t in record.ticket_retention] == [
        (r.channel, r.status, r.retention_days) for r in rules]
    html = as_html(record)
    assert html.count("data-ticket-retention") == len(rules)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(as_pdf(record))).pages)
    assert "Tickets and their messages" in text and rules[0].retention in text
