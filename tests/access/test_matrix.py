"""Role × endpoint matrix: no response of any console page or API endpoint carries a value
the field policy withholds from the role.

Endpoints come from the URL configuration (console) and the OpenAPI schema (API), so a
new endpoint is covered without touching this file. A path parameter gets a real id; a
parameter this file does not know fails the test instead of skipping the endpoint.
Every role is checked as the most favoured member of it: in the team the customer's
ticket is routed to (need-to-know satisfied), freshly re-authenticated in the console.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tasks_db.models import DBTaskResult

import sample_jobs
from planted import PAN, PROFILE
from trustdesk.access import fields as fp
from trustdesk.access.roles import ROLE_LABELS, ROLE_PERMISSIONS
from trustdesk.accounts import services as accounts
from trustdesk.api.app import api
from trustdesk.customers.visibility import field_policy
from trustdesk.jobs import registry
from trustdesk.mailgateway import routes as mail_routes
from trustdesk.mailgateway import services as mail
from trustdesk.tickets import services as tickets
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.vault.models import PiiToken

pytestmark = pytest.mark.django_db
ROLES = sorted(ROLE_LABELS)
# Besides the customer's own profile, forms of the phone number and card that a
# careless renderer could print.
EXTRA_FORMS = {"phone": ["2079460958"], "payment_card": [PAN, "411111••••••1111"]}
REASON = "Matrix check of every endpoint"
_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.lookup_str


def console_routes() -> list[str]:
    """Every page TrustDesk itself serves outside the API (console and health). The API
    is taken from its schema below; allauth's own pages show no customer data."""
    return sorted({route for route, view in _walk(get_resolver().url_patterns)
                   if view.startswith("trustdesk.") and not route.startswith("api/")})


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return sorted((method.upper(), path) for path, ops in schema["paths"].items()
                  for method in ops)


def test_the_matrix_sees_the_endpoints_that_matter():
    routes, ops = console_routes(), api_operations()
    assert "customers/<uuid:customer_id>/" in routes
    assert "customers/<uuid:customer_id>/fields/<slug:field>/reveal/" in routes
    assert ("POST", "/api/v1/customers/{customer_id}/reveal") in ops
    assert ("GET", "/api/v1/tickets/{ticket_id}") in ops
    assert ("POST", "/api/v1/tickets/{ticket_id}/reveal") in ops
    assert ("PATCH", "/api/v1/mail/routes/{route_id}") in ops
    assert "mail/routes/<int:route_id>/" in routes
    assert "tickets/<int:ticket_id>/tokens/<str:token>/reveal/" in routes
    assert {"healthz", "readyz", "metrics"} <= set(routes)
    assert "mail/lists/<int:entry_id>/remove/" in routes
    assert ("DELETE", "/api/v1/mail/lists/{entry_id}") in ops
    assert ("POST", "/api/v1/tickets/bulk") in ops
    assert ("GET", "/api/v1/channels") in ops
    assert ("DELETE", "/api/v1/channels/{channel_id}") in ops
    assert {"channels/<int:channel_id>/delete/", "trust/",
            ".well-known/security.txt"} <= set(routes)
    assert ("GET", "/api/v1/views/{view_id}/tickets") in ops
    assert ("GET", "/api/v1/privacy/requests") in ops
    assert {("GET", "/api/v1/privacy/requests/{request_id}"),
            ("POST", "/api/v1/privacy/requests/{request_id}/identity"),
            ("POST", "/api/v1/privacy/requests/{request_id}/fulfil"),
            ("POST", "/api/v1/privacy/requests/{request_id}/refuse"),
            ("POST", "/api/v1/privacy/restrictions/{customer_id}/lift")} <= set(ops)
    assert {"privacy/requests/<int:request_id>/",
            "privacy/requests/<int:request_id>/fulfil/",
            "privacy/requests/<int:request_id>/refuse/",
            "privacy/requests/<int:request_id>/identity/",
            "privacy/requests/<int:request_id>/lift-restriction/"} <= set(routes)
    assert {("GET", "/api/v1/privacy/processing-record"),
            ("GET", "/api/v1/privacy/processing-record/html"),
            ("GET", "/api/v1/privacy/processing-record/pdf")} <= set(ops)
    assert {"privacy/processing/", "privacy/processing/download/"} <= set(routes)
    assert {"privacy/requests/", "help/", "help/tickets/<int:ticket_id>/",
            "help/link/<str:token>/", "help/confirm/<str:token>/", "help/data/",
            "help/verify/", "help/verify/answer/", "help/export/<str:token>/"} <= set(routes)
    assert "tickets/views/<int:view_id>/delete/" in routes
    # Consents and objections (reads and writes), and the portal's page.
    assert {("GET", "/api/v1/customers/{customer_id}/consents"),
            ("POST", "/api/v1/customers/{customer_id}/consents"),
            ("POST", "/api/v1/customers/{customer_id}/consents/{consent_id}/withdraw"),
            ("POST", "/api/v1/customers/{customer_id}/objections")} <= set(ops)
    assert {"customers/<uuid:customer_id>/consents/give/",
            "customers/<uuid:customer_id>/consents/<int:consent_id>/withdraw/",
            "customers/<uuid:customer_id>/objections/", "help/consents/"} <= set(routes)
    # Retention: the preview, approval and run status; legal holds (reads and writes).
    assert {("POST", "/api/v1/privacy/retention/preview"),
            ("GET", "/api/v1/privacy/retention/runs"),
            ("GET", "/api/v1/privacy/retention/runs/{run_id}"),
            ("POST", "/api/v1/privacy/retention/runs/{run_id}/approve"),
            ("GET", "/api/v1/privacy/holds"), ("POST", "/api/v1/privacy/holds"),
            ("POST", "/api/v1/privacy/holds/{hold_id}/release")} <= set(ops)
    assert {"privacy/retention/", "privacy/retention/preview/",
            "privacy/retention/runs/<int:run_id>/approve/", "privacy/holds/",
            "privacy/holds/<int:hold_id>/release/"} <= set(routes)
    # Incidents and bulletins.
    assert {("GET", "/api/v1/incidents"), ("POST", "/api/v1/incidents"),
            ("GET", "/api/v1/incidents/{incident_id}"),
            ("POST", "/api/v1/incidents/{incident_id}/steps/{step_id}/act"),
            ("POST", "/api/v1/incidents/{incident_id}/notices/{clock}"),
            ("GET", "/api/v1/incidents/{incident_id}/report/{fmt}"),
            ("POST", "/api/v1/bulletins/{bulletin_id}/acknowledge")} <= set(ops)
    assert {"incidents/", "incidents/<int:incident_id>/",
            "incidents/<int:incident_id>/steps/<int:step_id>/act/",
            "incidents/<int:incident_id>/report/<slug:fmt>/", "bulletins/",
            "bulletins/<int:bulletin_id>/"} <= set(routes)
    assert len(routes) >= 25 and len(ops) >= 20


@pytest.fixture
def world(make_user, make_team, make_customer, system):
    team = make_team()
    customer = make_customer(**PROFILE)
    # The customer's own values in the conversation too: what a message says is shown
    # as the profile field would be (see test_conversation_policy.py).
    ticket = tickets.ticket_create(
        actor=system, customer_id=customer.id, subject="Card charged twice",
        body=f"Please look at my statement, SSN 536-22-8726, card {PAN}. Reach me at "
             f"{PROFILE['email']} or phone {PROFILE['phone']}, DOB: "
             f"{PROFILE['date_of_birth']}, address: {PROFILE['postal_address']}.",
        team_id=team.pk,
        attachments=[NewAttachment("note.txt", "text/plain",
                                   f"statement attached, phone {PROFILE['phone']}".encode())])
    tickets.ticket_reply(actor=system, ticket_id=ticket.pk, internal=True,
                         body=f"Refund to card {PAN}, confirmed with {PROFILE['email']}.")
    attachment = ticket.messages.first().attachments.first()
    # Real tokens from the messages, for the token reveal pages.
    tokens = sorted(PiiToken.objects.filter(subject=f"customer:{customer.id}").values_list(
        "token", flat=True))
    assert len(tokens) >= 5
    # A job in the dead-letter list, for the jobs pages and the retry endpoints.
    job = registry.enqueue(sample_jobs.broken, "matrix")
    DBTaskResult.objects.filter(pk=job.id).update(status="FAILED")
    # A mail gateway list entry, for the lists page's and API's remove endpoints.
    entry = mail.list_entry_add(actor=system, action="deny", kind="domain",
                                value="spam.example")
    # A support address with a DKIM key, for the mail gateway's route pages.
    route = mail_routes.route_create(actor=system, address="support@example.com",
                                     name="Support", team_id=team.pk)
    # Mail the gateway suspended, from the customer, for the mail queue's pages.
    held = _suspended_mail(route)
    # A ticket an agent reported as phishing (held out of the queues), for the reports.
    reported = tickets.ticket_create(actor=system, customer_id=customer.id,
                                     subject="Verify your account", body="Click here.",
                                     team_id=team.pk)
    from trustdesk.mailgateway import reports

    report = reports.report_phishing(actor=system, ticket_id=reported.pk)
    # A tag on the customer's ticket, and a shared view of the queue that finds it, for
    # the tag and view endpoints (each role's queue through the view stays its own).
    from trustdesk.accounts.actors import actor_for_user
    from trustdesk.tickets import saved_views, tagging

    tagging.ticket_tags_change(actor=system, ticket_id=ticket.pk, add=["refund"])
    lead = make_user("supervisor", teams=[team])
    view = saved_views.view_create(actor=actor_for_user(lead), name="Refunds", shared=True,
                                   filters={"tag": "refund", "status": "all"})
    # A shared macro asking for every profile field: applied by each role, it must fill in
    # none that the role may not see in full.
    from trustdesk.tickets import macros

    macro = macros.macro_save(
        actor=actor_for_user(lead), name="Everything", shared=True,
        body=" ".join(f"{{{{ customer.{f} }}}}" for f in PROFILE))
    from trustdesk.tickets import sla_settings

    admin = actor_for_user(make_user("admin"))
    sla = sla_settings.policy_save(actor=admin, name="Any", first_response_minutes=60)
    sla_settings.hours_set(actor=admin, team_id=team.pk, timezone="UTC",
                           schedule={"mon": [["09:00", "17:00"]]})
    from trustdesk.customers import organisations

    org = organisations.organisation_save(actor=actor_for_user(lead), name="Engines Ltd",
                                          domains=["engines.example"])
    organisations.customer_set_organisation(actor=actor_for_user(lead),
                                            customer_id=customer.id, organisation_id=org.pk)
    from trustdesk.tickets import csat
    from trustdesk.tickets.models import Survey

    survey = csat.token(Survey.objects.create(ticket=ticket))
    # A caller-verification challenge a colleague began (a question from the records),
    # for the answer endpoints: another person's challenge is not found.
    from trustdesk.verification import services as verification

    challenge = verification.challenge_start(actor=actor_for_user(lead),
                                             customer_id=customer.id, method_name="knowledge")
    # An official channel, for the registry's pages and endpoints (and the trust page).
    from trustdesk.channels import services as channels

    channel = channels.channel_create(actor=admin, kind="phone", value="+44 20 7946 0000",
                                      label="Billing line", may_ask=["order number"])
    # A privacy request the customer filed in the portal, in their own words (which no
    # staff page or endpoint shows: the list says kind, state and when).
    from trustdesk.core.actor import Actor
    from trustdesk.customers import requests as privacy_requests

    filed = privacy_requests.request_file(
        actor=Actor.customer(customer.id), kind="rectification",
        details=f"My card is {PAN}, my phone {PROFILE['phone']}, born "
                f"{PROFILE['date_of_birth']}, at {PROFILE['postal_address']}.")
    # A legal hold on the customer and a previewed retention run, for the retention
    # pages and endpoints (approve, release).
    from trustdesk.retention import holds as legal_holds
    from trustdesk.retention import services as retention

    hold = legal_holds.hold_set(actor=system, customer_id=customer.id,
                                ticket_id=ticket.pk, reason="Matrix case 7")
    run = retention.preview(actor=system)
    # Consent the customer gave, for the consent pages and endpoints (withdraw).
    from trustdesk.customers import consent

    given = consent.consent_give(actor=system, customer_id=customer.id,
                                 purpose="field:preferred_language", how="phone",
                                 wording=f"Agreed on {PROFILE['phone']}")
    # The customer's copy of their data, issued: its link is filled into every route
    # that takes a token, and no staff session may fetch it (there is no staff door).
    export_token = _export_for(customer, make_user)
    # An incident affecting the customer, opened from an alert and naming the ticket, and
    # a bulletin about it, for the incident and bulletin pages and endpoints (the matrix
    # posts to every step; each acting one refuses an empty list of people).
    from trustdesk.access.models import Alert
    from trustdesk.grc import bulletins
    from trustdesk.grc import services as incidents

    officer = make_user("security_officer")
    alert = Alert.objects.create(kind=Alert.Kind.SEARCH_BURST, actor_label="matrix",
                                 reason="40 exact-match customer searches")
    incident = incidents.incident_open(
        actor=system, kind="data_breach", severity="high", title="Matrix breach",
        owner_id=officer.pk, aware_at=dt.datetime.now(dt.UTC), categories=["contact"],
        high_risk=True, alert_ids=[alert.pk], ticket_ids=[ticket.pk],
        customer_ids=[customer.id])
    bulletin = bulletins.bulletin_publish(actor=system, title="Matrix bulletin",
                                          body="Watch out for calls asking for codes.",
                                          incident_id=incident.pk)
    # An insider-threat alert about an agent, its evidence an audit event about the
    # customer, for the insider pages and endpoints (acknowledge, dismiss, incident).
    from trustdesk.audit.models import AuditEvent
    from trustdesk.core import clock
    from trustdesk.insider.models import InsiderAlert

    seen = AuditEvent.objects.filter(customer=str(customer.id)).order_by("id").first()
    insider_alert = InsiderAlert.objects.create(
        dedup_key="no_ticket:matrix", detector="no_ticket", actor_label=lead.email,
        actor_user_id=lead.pk, score=80, first_at=clock.now(), last_at=clock.now(),
        summary="7 reads of customers without a ticket of theirs in 7 days",
        evidence=[{"event": "matrix", "id": seen.pk if seen else None,
                   "what": "opened a customer with no ticket of theirs"}],
        created_at=clock.now(), updated_at=clock.now())
    return {"consent": given, "export_token": export_token, "incident": incident,
            "bulletin": bulletin, "insider_alert": insider_alert,
            "request": filed, "hold": hold, "run": run, "channel": channel, "challenge": challenge,
            "view": view, "macro": macro, "sla": sla, "org": org, "survey": survey, "team": team,
            "customer": customer, "ticket": ticket, "attachment": attachment,
            "tokens": tokens, "job": job, "list_entry": entry, "route": route,
            "mail": held, "report": report}


def _export_for(customer, make_user) -> str:
    from django.core import mail as outbox

    from trustdesk.accounts.actors import actor_for_user
    from trustdesk.core import clock
    from trustdesk.customers.models import DataRequest
    from trustdesk.dsr.export import fulfil_access

    asked = DataRequest.objects.create(customer_id=customer.id, kind="access",
                                       created_at=clock.now(),
                                       identity_verified_at=clock.now())
    fulfil_access(actor=actor_for_user(make_user("privacy_officer")), request_id=asked.pk)
    return re.search(r"/help/export/([^/\s]+)/", outbox.outbox[-1].body).group(1)


def _suspended_mail(route):
    from trustdesk.mailgateway import gateway, policy

    raw = (f"From: {PROFILE['full_name']} <{PROFILE['email']}>\r\nTo: {route.address}\r\n"
           f"Subject: Refund to card {PAN}, call {PROFILE['phone']}\r\n\r\n"
           f"My date of birth is {PROFILE['date_of_birth']}.\r\n").encode()
    decision = policy.Decision(action="suspend", reason="dmarc_quarantine",
                               text="Held for the matrix", checks={"from_domain": "example.org"})
    envelope = gateway.Envelope(peer_ip="192.0.2.1", helo="mx.example.org",
                                mail_from=PROFILE["email"], recipients=(route.address,))
    return gateway.store(envelope, raw, route=route, decision=decision)


def _ids(world, user, token_id) -> dict[str, list[str]]:
    return {
        "customer_id": [str(world["customer"].id)],
        "ticket_id": [str(world["ticket"].pk)],
        "attachment_id": [str(world["attachment"].pk)],
        "user_id": [str(user.pk)],
        "token_id": [str(token_id)],
        "role": ["agent"],
        "token": [*world["tokens"], world["export_token"]],
        "field": list(PROFILE),
        "job_id": [str(world["job"].id)],
        "entry_id": [str(world["list_entry"].pk)],
        "route_id": [str(world["route"].pk)],
        "mail_id": [str(world["mail"].uid)],
        "report_id": [str(world["report"].pk)],
        "view_id": [str(world["view"].pk)],
        "macro_id": [str(world["macro"].pk)],
        "policy_id": [str(world["sla"].pk)],
        "team_id": [str(world["team"].pk)],
        "organisation_id": [str(world["org"].pk)],
        "signed": [world["survey"]],
        "challenge_id": [str(world["challenge"].challenge_id)],
        "channel_id": [str(world["channel"].pk)],
        "hold_id": [str(world["hold"].pk)],
        "run_id": [str(world["run"].pk)],
        "request_id": [str(world["request"].id)],
        "consent_id": [str(world["consent"].pk)],
        "incident_id": [str(world["incident"].pk)],
        "step_id": [str(s.pk) for s in world["incident"].steps.all()],
        "clock": ["authority", "subjects"],
        "fmt": ["html", "pdf"],
        "bulletin_id": [str(world["bulletin"].id)],
        "alert_id": [str(world["insider_alert"].pk)],
    }


def _fill(route: str, ids: dict[str, list[str]], pattern) -> list[str]:
    urls = [route]
    for name in pattern.findall(route):
        name = name[1] if isinstance(name, tuple) else name
        assert name in ids, f"no real id for path parameter {name!r} in {route}"
        urls = [u for url in urls for u in (
            pattern.sub(lambda m, v=v, n=name: v if m.group("name") == n else m.group(0),
                        url, count=1) for v in ids[name])]
    return urls


_API_PARAM = re.compile(r"\{(?P<name>\w+)\}")


def _withheld(role: str) -> tuple[list[str], list[str]]:
    """(values that must appear nowhere, values that must not appear outside a reveal)."""
    policy = field_policy()
    hidden, not_clear = [], []
    for field, value in PROFILE.items():
        decision = policy.decide(role, field)
        forms = [value, *EXTRA_FORMS.get(field, [])]
        if decision == fp.HIDDEN:
            hidden += forms
        elif decision != fp.VISIBLE:
            not_clear += [f for f in forms if "•" not in f]
    return hidden, not_clear


def _leaks(body: str, values: list[str]) -> list[str]:
    return [v for v in values if v in body]


def _user(make_user, world, role):
    return make_user(role, teams=[world["team"]], mfa=True)


@pytest.mark.parametrize("role", ROLES)
def test_console_pages_never_show_withheld_values(role, world, make_user, console_client,
                                                  system):
    user = _user(make_user, world, role)
    token = accounts.token_create(actor=system, user=user, name="matrix")
    client: Client = console_client(user)
    hidden, not_clear = _withheld(role)
    ids = _ids(world, user, token.token.pk)
    urls = [("/" + u) for route in console_routes() for u in _fill(route, ids, _PARAM)]
    problems, statuses = [], {}
    for url in urls:  # every GET first: POSTs below may change state (erase, revoke)
        response = client.get(url)
        statuses[("GET", url)] = response.status_code
        body = _body(response)
        if leaked := _leaks(body, hidden + not_clear):
            problems.append(("GET", url, response.status_code, leaked))
    for url in urls:
        response = client.post(url, {"reason": REASON}, HTTP_HX_REQUEST="true")
        statuses[("POST", url)] = response.status_code
        if leaked := _leaks(_body(response), hidden):
            problems.append(("POST", url, response.status_code, leaked))
    assert not problems, problems
    assert len(statuses) == 2 * len(urls)
    # Not vacuous: whoever may see customers got the real pages.
    if "customer.view" in ROLE_PERMISSIONS[role]:
        assert statuses[("GET", f"/customers/{world['customer'].id}/")] == 200
        assert statuses[("GET", "/customers/")] == 200


@pytest.mark.parametrize("role", ROLES)
def test_api_endpoints_never_return_withheld_values(role, world, make_user, api_client,
                                                    console_client, system):
    user = _user(make_user, world, role)
    hidden, not_clear = _withheld(role)
    token = accounts.token_create(actor=system, user=user, name="matrix")
    ids = _ids(world, user, token.token.pk)
    problems = []
    # A bearer token, and the console session (which may reveal restricted fields).
    for client in (api_client(user), console_client(user)):
        for method, path in api_operations():
            for url in _fill(path, ids, _API_PARAM):
                if method == "GET":
                    response = client.get(url)
                    withheld = hidden + not_clear
                else:
                    bodies = ([{"field": f, "reason": REASON} for f in PROFILE]
                              if url.endswith("/reveal") else [{}])
                    for data in bodies[:-1]:
                        _check_post(client, method, url, data, hidden, problems)
                    response = _send(client, method, url, bodies[-1])
                    withheld = hidden
                if leaked := _leaks(_body(response), withheld):
                    problems.append((method, url, response.status_code, leaked))
    assert not problems, problems


def _send(client, method, url, data):
    return getattr(client, method.lower())(url, data=data, content_type="application/json")


def _check_post(client, method, url, data, hidden, problems):
    response = _send(client, method, url, data)
    if leaked := _leaks(_body(response), hidden):
        problems.append((method, url, data.get("field"), response.status_code, leaked))


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    text = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON escapes non-ASCII ("•" as \u2022): compare the decoded text as well.
        with contextlib.suppress(ValueError):
            text += json.dumps(json.loads(text), ensure_ascii=False)
    return text




# The customer portal: public too, but with forms (so POST is allowed). Whoever asks —
# nobody, or any member of staff — gets the same signed-out pages: a staff session
# is no portal session, and nothing from the desk is on them.
PORTAL_PAGES = ("/help/", "/help/contact/")
PORTAL_SIGNED_IN = ("/help/data/", "/help/new/", "/help/requests/new/", "/help/verify/",
                    "/help/consents/")


@pytest.mark.parametrize("role", [None, *ROLES])
def test_portal_pages_answer_staff_as_strangers_and_show_no_desk_data(
        role, world, make_user, console_client):
    client = Client() if role is None else console_client(_user(make_user, world, role))
    everything = [*PROFILE.values()] + [f for forms in EXTRA_FORMS.values() for f in forms]
    for url in PORTAL_PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = _body(response)
        assert not _leaks(body, everything), url
        assert str(world["customer"].id) not in body and "Card charged twice" not in body
        assert "script-src" not in response["Content-Security-Policy"]
        assert "default-src 'none'" in response["Content-Security-Policy"]
    for url in (*PORTAL_SIGNED_IN, f"/help/tickets/{world['ticket'].pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/help/?")
    # The customer's copy: a staff session is no portal session, and gets no copy.
    export = f"/help/export/{world['export_token']}/"
    for response in (client.get(export), client.post(export)):
        assert response.status_code == 302 and response["Location"].startswith("/help/?")
    from trustdesk.dsr.models import Export

    assert not Export.objects.filter(used_at__isnull=False).exists()


@pytest.mark.parametrize("role", ROLES)
def test_monitoring_endpoints_answer_no_role_and_show_no_customer_data(
        role, world, make_user, console_client, api_client, settings):
    """/metrics opens to its token or an allowed address, never to a role: every role's
    session and bearer token from elsewhere is refused. /readyz names its checks only."""
    user = _user(make_user, world, role)
    hidden, not_clear = _withheld(role)
    outside = "198.51.100.20"
    for client, bearer in ((console_client(user), False), (api_client(user), True)):
        for method in ("get", "post"):
            response = getattr(client, method)("/metrics", REMOTE_ADDR=outside)
            assert response.status_code in (404, 405), (method, response.status_code)
            assert b"trustdesk_" not in response.content
        # From loopback (allowed by default) the session reads them; an API token is no
        # metrics token, and a wrong token is refused wherever it comes from.
        allowed = client.get("/metrics")
        if bearer:
            assert allowed.status_code == 404 and b"trustdesk_" not in allowed.content
        else:
            assert allowed.status_code == 200
            assert b"trustdesk_http_requests_total" in allowed.content
        ready = client.get("/readyz", REMOTE_ADDR=outside)
        assert ready.status_code == 200, ready.content
        assert set(ready.json()["checks"]) == {"database", "keys", "audit"}
        assert client.post("/readyz").status_code == 405
        for response in (allowed, ready):
            assert not _leaks(_body(response), hidden + not_clear)
            assert str(world["customer"].id) not in _body(response)
            assert user.email not in _body(response)


# Pages anyone may read without signing in. Each answers the same to every role and to
# nobody, and shows nothing from the desk: no customer value, no agent, no ticket.
PUBLIC_PAGES = ("/trust/", "/.well-known/security.txt")


@pytest.mark.parametrize("role", [None, *ROLES])
def test_public_pages_answer_everyone_the_same_and_show_no_desk_data(
        role, world, make_user, console_client, settings):
    settings.SECURITY_CONTACT = "mailto:security@example.com"
    client = Client() if role is None else console_client(_user(make_user, world, role))
    everything = [*PROFILE.values()] + [f for forms in EXTRA_FORMS.values() for f in forms]
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = _body(response)
        assert not _leaks(body, everything), url
        assert str(world["customer"].id) not in body and "Card charged twice" not in body
        assert "@example.com>" not in body and "Agent" not in body
        assert "script-src" not in response["Content-Security-Policy"]
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert client.post(url).status_code == 405
    page = _body(client.get("/trust/"))
    assert "+44 20 7946 0000" in page and "support@example.com" in page


# --- the caller-verification gates, per role ---------------------------------------------
GATED_ROLES = sorted(r for r in ROLES if {"customer.update", "customer.reveal"}
                     & ROLE_PERMISSIONS[r])


@pytest.mark.verification_gates
@pytest.mark.parametrize("role", GATED_ROLES)
def test_gated_endpoints_refuse_an_unverified_caller(role, make_user, make_team,
                                                     make_customer, console_client, system):
    """Every role that may reveal or change a customer is refused at each gated endpoint,
    API and console, reads (reveals) and writes (contact, card, erasure), until the
    caller is verified: the gates are part of the matrix, not of one role's pages."""
    from helpers import stored_profile
    from trustdesk.audit.models import AuditEvent
    from trustdesk.customers.models import Customer

    team = make_team()
    customer = make_customer(**PROFILE)
    tickets.ticket_create(actor=system, customer_id=customer.id, subject="Refund",
                          body="Where is it?", team_id=team.pk)
    user = make_user(role, teams=[team], mfa=True)
    client = console_client(user)  # a session, freshly re-authenticated: the most favoured
    perms = ROLE_PERMISSIONS[role]
    policy = field_policy()
    revealable = [f for f in PROFILE if policy.decide(role, f) == fp.REVEALABLE]
    writable = [f for f in ("email", "phone", "payment_card")
                if policy.decide(role, f) != fp.HIDDEN]
    refusals = []

    def refused_api(method, url, data):
        response = _send(client, method, url, data)
        code = (response.json().get("error") or {}).get("code") \
            if response.get("Content-Type", "").startswith("application/json") else None
        if (response.status_code, code) != (403, "verification_required"):
            refusals.append((method, url, data, response.status_code, code))

    base = f"/api/v1/customers/{customer.id}"
    if "customer.reveal" in perms:
        assert revealable, role
        for field in revealable:
            refused_api("POST", f"{base}/reveal", {"field": field, "reason": REASON})
            page = client.post(f"/customers/{customer.id}/fields/{field}/reveal/",
                               {"reason": REASON})
            if page.status_code != 403 or b"Verify the caller first" not in page.content:
                refusals.append(("console reveal", field, page.status_code))
    if "customer.update" in perms:
        assert writable, role
        new = {"email": "new.owner@evil.example", "phone": "+442079460999",
               "payment_card": "4000056655665556"}
        for field in writable:
            refused_api("PATCH", base, {"profile": {field: new[field]}})
        page = client.post(f"/customers/{customer.id}/",
                           {"full_name": PROFILE["full_name"], "email": new["email"]})
        if page.status_code != 400 or b"Verify the caller first" not in page.content:
            refusals.append(("console update", page.status_code))
    if "customer.erase" in perms:
        refused_api("POST", f"{base}/erase", {"reason": "Customer asked to be forgotten"})
        page = client.post(f"/customers/{customer.id}/erase/",
                           {"reason": "Customer asked to be forgotten", "confirm": "on"},
                           follow=True)
        if b"Verify the caller first" not in page.content:
            refusals.append(("console erase", page.status_code))
    assert refusals == []
    # Nothing was revealed, changed or erased.
    assert Customer.objects.get(pk=customer.id).status == Customer.Status.ACTIVE
    assert stored_profile(customer.id)["email"] == PROFILE["email"]
    assert not AuditEvent.objects.filter(action__in=["customer.reveal", "customer.update",
                                                     "customer.erase"]).exists()


# The privacy requests' writes (docs/dsr.md): each role × each operation, over a bearer
# token and a console session, against what the role's permissions say.
_DSR_WRITES = (("file", "privacy_request.file"), ("pause", "privacy_request.manage"),
               ("resume", "privacy_request.manage"), ("extend", "privacy_request.manage"),
               ("identity", "privacy_request.file"), ("close", "privacy_request.manage"),
               ("refuse", "privacy_request.manage"), ("fulfil", "privacy_request.manage"))


@pytest.mark.parametrize("role", ROLES)
def test_privacy_request_writes_follow_the_role(role, make_user, make_customer, api_client,
                                                console_client):
    from trustdesk.customers.models import DataRequest

    user = make_user(role, mfa=True)
    held = ROLE_PERMISSIONS[role]
    for client, base in ((api_client(user), "/api/v1/privacy/requests"),
                         (console_client(user), "/privacy/requests")):
        customer = make_customer(country="DE")
        api = base.startswith("/api/")
        for op, permission in _DSR_WRITES:
            row = DataRequest.objects.filter(customer_id=customer.id).first()
            if op in ("refuse", "fulfil"):  # each on a request of its own, still open
                from trustdesk.core.actor import Actor
                from trustdesk.customers import requests as privacy_requests

                row = DataRequest.objects.get(pk=privacy_requests.request_file(
                    actor=Actor.customer(customer.id),
                    kind="restriction" if op == "fulfil" else "erasure").id)
            if op == "file":
                url = base if api else f"{base}/file/"
                data = {"customer_id": str(customer.id), "kind": "access"}
            else:
                if row is None:  # filed by nobody in this role: file it as the portal does
                    from trustdesk.core.actor import Actor
                    from trustdesk.customers import requests as privacy_requests

                    privacy_requests.request_file(actor=Actor.customer(customer.id),
                                                  kind="access")
                    row = DataRequest.objects.get(customer_id=customer.id)
                # Confirmed at filing (the gates are off here); a clock pauses only for
                # an identity still awaited.
                if op in ("pause", "identity"):
                    DataRequest.objects.filter(pk=row.pk).update(identity_verified_at=None)
                url = f"{base}/{row.pk}/{op}" + ("" if api else "/")
                data = {"reason": REASON} if op == "extend" else \
                    {"exemption": "legal_claims", "reason": REASON} if op == "refuse" else {}
            response = (client.post(url, data=data, content_type="application/json") if api
                        else client.post(url, data))
            allowed = permission in held
            # Agents file only for customers they need to know: one they do not is not
            # found, as an unknown one is.
            unseen = op in ("file", "identity") and role in ("agent", "senior_agent")
            done = {200, 201} if api else {302}
            expected = ({404} if unseen else done) if allowed else ({403} if api else
                                                                    {302, 403})
            assert response.status_code in expected, (role, op, response.status_code)
            changed = DataRequest.objects.filter(customer_id=customer.id)
            if op == "close":
                assert changed.filter(status="closed").exists() == allowed, (role, op)
            if op == "pause" and allowed:
                assert changed.filter(paused_at__isnull=False).exists(), role
            if op == "identity" and not unseen:
                assert changed.filter(identity_verified_at__isnull=False).exists() == \
                    allowed, (role, op)
            if op == "refuse":
                assert changed.filter(outcome="refused").exists() == allowed, (role, op)
            if op == "fulfil":
                assert changed.filter(kind="restriction", outcome="fulfilled").exists() == \
                    allowed, (role, op)


# Consents (docs/privacy.md): each role × each write, over a bearer token and a console
# session, against what the role's permissions say; the read likewise.
_CONSENT_OPS = ("list", "give", "withdraw", "object")


@pytest.mark.parametrize("role", ROLES)
def test_consent_reads_and_writes_follow_the_role(role, make_user, make_customer,
                                                  make_team, api_client, console_client,
                                                  system):
    from trustdesk.customers import consent
    from trustdesk.customers.models import Consent, Objection

    team = make_team()
    user = make_user(role, teams=[team], mfa=True)
    held = ROLE_PERMISSIONS[role]
    for client, is_api in ((api_client(user), True), (console_client(user), False)):
        customer = make_customer()
        tickets.ticket_create(actor=system, customer_id=customer.id, subject="Help",
                              body="Hello", team_id=team.pk, channel="email")
        given = consent.consent_give(actor=system, customer_id=customer.id,
                                     purpose="field:preferred_language", how="phone")
        api_base = f"/api/v1/customers/{customer.id}"
        page_base = f"/customers/{customer.id}"
        for op in _CONSENT_OPS:
            if op == "list":
                if is_api:
                    response = client.get(f"{api_base}/consents")
                    ok = response.status_code == 200
                else:
                    response = client.get(f"{page_base}/")
                    ok = b"data-consents" in response.content
                # Every role holding consent.view sees customers: the page shows it too.
                assert ok == ("consent.view" in held), (role, op, is_api)
                continue
            url, data = {
                "give": (f"{api_base}/consents" if is_api else f"{page_base}/consents/give/",
                         {"purpose": "satisfaction_surveys", "how": "phone"}),
                "withdraw": (f"{api_base}/consents/{given.pk}/withdraw" if is_api
                             else f"{page_base}/consents/{given.pk}/withdraw/",
                             {"how": "phone"}),
                "object": (f"{api_base}/objections" if is_api else f"{page_base}/objections/",
                           {"purpose": "satisfaction_surveys", "how": "phone"}),
            }[op]
            response = (client.post(url, data=data, content_type="application/json") if is_api
                        else client.post(url, data))
            allowed = "consent.manage" in held
            if not allowed:
                assert response.status_code == 403, (role, op, is_api, response.status_code)
            elif op == "give":  # surveys rest on legitimate interests: nothing to give
                assert response.status_code in ((409,) if is_api else (302,)), (role, op)
            else:
                assert response.status_code in ((200, 201) if is_api else (302,)), (role, op)
        withdrawn = Consent.objects.get(pk=given.pk).withdrawn_at is not None
        objected = Objection.objects.filter(customer_id=customer.id).exists()
        assert withdrawn == objected == ("consent.manage" in held), (role, is_api)
# Incidents and bulletins (docs/incidents.md): each role's writes, over a bearer token and
# a freshly re-authenticated console session, against what the role's permissions say.
@pytest.mark.parametrize("role", ROLES)
def test_incident_writes_follow_the_role(role, make_user, api_client, console_client,
                                         system):
    from trustdesk.grc import bulletins
    from trustdesk.grc import services as incidents
    from trustdesk.grc.models import Incident

    user = make_user(role, mfa=True)
    held = ROLE_PERMISSIONS[role]
    owner = make_user("security_officer")
    target = make_user("agent")
    aware = dt.datetime.now(dt.UTC).isoformat()
    opened = {"kind": "phishing", "severity": "low", "title": "Fake invoice",
              "owner_id": owner.pk, "aware_at": aware}
    wrong = []

    def expect(response, allowed_status, permission, what):
        allowed = permission in held
        if (response.status_code == allowed_status) != allowed or (
                not allowed and response.status_code not in (302, 403)):
            wrong.append((what, response.status_code, allowed))

    api = api_client(user)
    expect(api.post("/api/v1/incidents", data=opened, content_type="application/json"),
           201, "incident.manage", "api open")
    incident = incidents.incident_open(actor=system, **opened)
    expect(api.patch(f"/api/v1/incidents/{incident.pk}", data={"severity": "high"},
                     content_type="application/json"), 200, "incident.manage", "api update")
    expect(api.get(f"/api/v1/incidents/{incident.pk}"), 200, "incident.view", "api view")
    expect(api.post("/api/v1/bulletins", data={"title": "T", "body": "B"},
                    content_type="application/json"), 201, "bulletin.publish", "api publish")
    bulletin = bulletins.bulletin_publish(actor=system, title="Heads up", body="Be careful.")
    expect(api.post(f"/api/v1/bulletins/{bulletin.id}/acknowledge"), 200, "bulletin.read",
           "api acknowledge")
    console = console_client(user)
    before = Incident.objects.count()
    response = console.post("/incidents/open/", {**opened, "aware_at": aware[:16]})
    created = Incident.objects.count() - before
    if bool(created) != ("incident.manage" in held):
        wrong.append(("console open", response.status_code))
    step = Incident.objects.get(pk=incident.pk).steps.get(action="password_reset")
    console.post(f"/incidents/{incident.pk}/steps/{step.pk}/act/", {"user_ids": [target.pk]})
    step.refresh_from_db()
    if (step.done_at is not None) != ("incident.act" in held):
        wrong.append(("console act", step.done_at))
    expect(console.get(f"/bulletins/{bulletin.id}/"), 200, "bulletin.publish",
           "console receipts")
    assert wrong == []
