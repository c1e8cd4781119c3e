"""Secrets that sign a customer in — cookies, Authorization values, session ids, JWTs —
are removed on intake from bodies, text and JSON attachments (HAR files included); JSON,
XML and CSV files get the card withholding text files get."""

from __future__ import annotations

import base64
import json

import pytest

from planted import PAN
from trustdesk.audit.models import AuditEvent
from trustdesk.core.actor import Actor
from trustdesk.tickets import selectors, services
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Attachment

pytestmark = pytest.mark.django_db
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9."
       "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0")
BEARER = "ya29.a0AfH6SMBx7Kq9Zr2LmN4pQ8sT1uV3wX5yZ7"
SESSION = "8f2k3j4h5g6f7d8s9a0q"
PHPSESSID = "el4ukv0kqbvoirg7nkp4dncpk3"
SECRETS = (JWT, BEARER, SESSION, PHPSESSID, "dXNlcjpodW50ZXIy", "s%3Aconnect0123456789")


def _har() -> dict:
    return {"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "128"},
                    "entries": [{
        "startedDateTime": "2026-11-30T10:00:00.000Z", "time": 120,
        "request": {
            "method": "POST", "url": f"https://shop.example.com/api/cart?sid={SESSION}&x=1",
            "httpVersion": "HTTP/2",
            "headers": [{"name": "Host", "value": "shop.example.com"},
                        {"name": "Authorization", "value": f"Bearer {BEARER}"},
                        {"name": "Cookie", "value": f"PHPSESSID={PHPSESSID}; theme=dark"},
                        {"name": "X-Trace", "value": "abc"}],
            "cookies": [{"name": "PHPSESSID", "value": PHPSESSID},
                        {"name": "theme", "value": "dark"}],
            "queryString": [{"name": "sid", "value": SESSION}, {"name": "x", "value": "1"}],
            "postData": {"mimeType": "text/plain",
                         "text": f"token={JWT}\nAuthorization: Basic dXNlcjpodW50ZXIy"},
            "headersSize": -1, "bodySize": 10},
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/2",
            "headers": [{"name": "Set-Cookie",
                         "value": "connect.sid=s%3Aconnect0123456789; Path=/; HttpOnly"},
                        {"name": "Content-Type", "value": "application/json"}],
            "cookies": [{"name": "connect.sid", "value": "s%3Aconnect0123456789",
                         "path": "/", "httpOnly": True}],
            "content": {"size": 40, "mimeType": "application/json",
                        "text": json.dumps({"access_token": JWT, "card": PAN})},
            "redirectURL": "", "headersSize": -1, "bodySize": 40},
        "cache": {}, "timings": {"send": 0, "wait": 100, "receive": 20}}]}}


def _inbound(make_ticket, *files, team=None, body="see attached"):
    ticket = make_ticket(team=team)
    message = services.ticket_add_inbound(actor=Actor.system("tests"), ticket_id=ticket.pk,
                                          body=body, attachments=list(files))
    return ticket, message


def _content(system, attachment) -> bytes:
    return selectors.attachment_get(actor=system, attachment_id=attachment.pk).content


def test_a_har_file_loses_its_cookies_authorization_session_ids_and_jwts_and_stays_json(
        make_ticket, system):
    har = json.dumps(_har(), indent=2).encode()
    ticket, message = _inbound(make_ticket, NewAttachment("session.har",
                                                          "application/octet-stream", har))
    stored = Attachment.objects.get(message__ticket=ticket)
    data = _content(system, stored)
    for secret in SECRETS:
        assert secret.encode() not in data, secret
    assert PAN.encode() not in data
    doc = json.loads(data)  # still valid JSON, same shape
    entry = doc["log"]["entries"][0]
    headers = {h["name"]: h["value"] for h in entry["request"]["headers"]}
    assert headers["Host"] == "shop.example.com" and headers["X-Trace"] == "abc"
    assert headers["Authorization"] == "Bearer [HTTP_AUTHORIZATION removed]"
    assert headers["Cookie"] == "[HTTP_COOKIE removed]"
    assert [c["value"] for c in entry["request"]["cookies"]] == ["[HTTP_COOKIE removed]"] * 2
    assert entry["request"]["queryString"][1] == {"name": "x", "value": "1"}
    assert "sid=[SESSION_ID removed]&x=1" in entry["request"]["url"]
    assert entry["response"]["cookies"][0]["path"] == "/"
    assert entry["response"]["status"] == 200 and entry["timings"]["wait"] == 100
    # What was removed is said on the message and in the audit trail, never the values.
    assert {"HTTP_AUTHORIZATION", "HTTP_COOKIE", "SESSION_ID", "API_KEY",
            "CREDIT_CARD"} <= set(message.redactions)
    event = AuditEvent.objects.get(action="pii.redact", object_type="message",
                                   object_id=str(message.pk))
    assert event.context["entities"] == message.redactions
    assert not any(s in json.dumps(event.context) for s in SECRETS)


def test_a_body_with_an_authorization_header_is_redacted(make_ticket, system):
    body = (f"curl says:\n> GET /v1/me HTTP/1.1\n> Authorization: Bearer {BEARER}\n"
            f"> Cookie: sessionid={SESSION}\n< HTTP/1.1 401\n")
    ticket, message = _inbound(make_ticket, body=body)
    opened = selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages[-1]
    assert BEARER not in opened.body and SESSION not in opened.body
    assert "Authorization: Bearer [HTTP_AUTHORIZATION removed]" in opened.body
    assert "Cookie: [HTTP_COOKIE removed]" in opened.body
    assert message.redactions == {"HTTP_AUTHORIZATION": 1, "HTTP_COOKIE": 1}


def test_a_log_with_set_cookie_jwt_and_session_urls_is_redacted(make_ticket, system):
    log = (f"10:00 Set-Cookie: JSESSIONID={SESSION}; Path=/; Secure\n"
           f"10:01 GET /app;jsessionid={SESSION}?x=1\n10:02 id_token {JWT}\n").encode()
    ticket, message = _inbound(make_ticket, NewAttachment("app.log", "text/plain", log))
    data = _content(system, Attachment.objects.get(message__ticket=ticket))
    assert SESSION.encode() not in data and JWT.encode() not in data
    assert data.count(b"\n") == 3  # line structure kept
    assert message.redactions == {"API_KEY": 1, "HTTP_COOKIE": 1, "SESSION_ID": 1}


def test_plain_json_values_are_redacted_by_name_and_by_content(make_ticket, system):
    doc = {"user": "ada", "password": "hunter2", "headers": {"Authorization": f"Bearer {JWT}"},
           "sessionId": SESSION, "card_as_number": int(PAN), "nested": [[{"note": f"card {PAN}"}]]}
    ticket, message = _inbound(make_ticket, NewAttachment("dump.json", "application/json",
                                                          json.dumps(doc).encode()))
    data = _content(system, Attachment.objects.get(message__ticket=ticket))
    out = json.loads(data)
    assert out["user"] == "ada" and out["password"] == "[PASSWORD removed]"
    assert out["headers"]["Authorization"] == "Bearer [HTTP_AUTHORIZATION removed]"
    assert out["sessionId"] == "[SESSION_ID removed]"
    assert PAN not in json.dumps(out) and "hunter2" not in json.dumps(out)
    assert message.redactions["CREDIT_CARD"] == 2


def test_json_that_does_not_parse_is_scanned_as_text(make_ticket, system):
    broken = f'{{"Authorization": "Bearer {BEARER}", '.encode()
    ticket, message = _inbound(make_ticket, NewAttachment("x.json", "application/json", broken))
    assert BEARER.encode() not in _content(system, Attachment.objects.get(message__ticket=ticket))
    assert message.redactions == {"HTTP_AUTHORIZATION": 1}


@pytest.mark.parametrize(("name", "ctype", "data"), [
    ("card.json", "application/json", json.dumps({"card": PAN}).encode()),
    ("card.xml", "application/xml", f"<payment><card>{PAN}</card></payment>".encode()),
    ("card.csv", "application/csv", f"name,card\nAda,{PAN}\n".encode()),
    ("card.csv", "text/csv", f"name,card\nAda,{PAN}\n".encode()),
    ("export.har", "application/octet-stream", json.dumps({"log": {"card": PAN}}).encode()),
])
@pytest.mark.parametrize(("role", "shown"), [("agent", False), ("admin", False),
                                             ("billing", True)])
def test_json_xml_and_csv_attachments_withhold_card_fragments_like_text(
        make_ticket, make_team, make_user, api_client, name, ctype, data, role, shown):
    team = make_team()
    ticket, _ = _inbound(make_ticket, NewAttachment(name, ctype, data), team=team)
    attachment = Attachment.objects.get(message__ticket=ticket)
    response = api_client(make_user(role, teams=[team])).get(
        f"/api/v1/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert PAN.encode() not in response.content
    assert (b"411111\xe2\x80\xa2" in response.content) is shown  # the masked BIN
    assert (b"[card number withheld]" in response.content) is not shown
    if name.endswith((".json", ".har")):
        json.loads(response.content)  # withholding keeps JSON valid


def test_json_bodies_inside_a_har_and_base64_bodies_are_redacted_too(make_ticket, system):
    login = json.dumps({"username": "ada", "password": "hunter2!"})
    answer = json.dumps({"access_token": "opaque-0123456789abcdef", "expires_in": 3600})
    echoed = base64.b64encode(f"Cookie: sessionid={SESSION}\ncard {PAN}".encode()).decode()
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00binary").decode()
    har = {"log": {"entries": [
        {"request": {"postData": {"mimeType": "application/json", "text": login}},
         "response": {"content": {"mimeType": "application/json", "text": answer}}},
        {"response": {"content": {"mimeType": "text/plain", "encoding": "base64",
                                  "text": echoed}}},
        {"response": {"content": {"mimeType": "image/png", "encoding": "base64",
                                  "text": png}}}]}}
    ticket, message = _inbound(make_ticket, NewAttachment("login.har", "application/json",
                                                          json.dumps(har).encode()))
    out = json.loads(_content(system, Attachment.objects.get(message__ticket=ticket)))
    first, second, third = out["log"]["entries"]
    assert json.loads(first["request"]["postData"]["text"]) == {
        "username": "ada", "password": "[PASSWORD removed]"}
    assert json.loads(first["response"]["content"]["text"])["access_token"] == \
        "[API_KEY removed]"
    decoded = base64.b64decode(second["response"]["content"]["text"]).decode()
    assert SESSION not in decoded and PAN not in decoded and "Cookie: [HTTP_COOKIE" in decoded
    assert "[card number withheld]" in decoded  # no BIN inside base64, for anyone
    assert third["response"]["content"]["text"] == png  # binary bodies are not rewritten
    assert message.redactions == {"PASSWORD": 1, "API_KEY": 1, "HTTP_COOKIE": 1,
                                  "CREDIT_CARD": 1}


def test_json_object_keys_are_redacted_like_values(make_ticket, system):
    """Only values were scanned: a map keyed by e-mail address or card number (an export
    "by customer") was stored, and downloaded, with every key in clear."""
    doc = {"by_email": {"grace.h@example.net": {"plan": "pro", "note": f"card {PAN}"}},
           "4111 1111 1111 1111": "refund", "plain": {"ok": 1}}
    ticket, message = _inbound(make_ticket, NewAttachment("export.json", "application/json",
                                                          json.dumps(doc).encode()))
    data = _content(system, Attachment.objects.get(message__ticket=ticket))
    out = json.loads(data)
    assert "grace.h@example.net" not in data.decode() and "4111 1111 1111 1111" not in data.decode()
    assert PAN not in data.decode()
    (inner,) = out["by_email"].values()
    assert inner["plan"] == "pro" and "[card" in inner["note"]
    assert "refund" in out.values() and out["plain"] == {"ok": 1}
    assert list(out)[-1] == "plain"  # the order of the keys is kept
    assert message.redactions == {"CREDIT_CARD": 2, "EMAIL_ADDRESS": 1}
