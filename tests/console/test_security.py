"""Browser-facing protections of the console: headers, cookies, and templates that keep
working under a strict Content-Security-Policy (no inline script, handlers or styles)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import trustdesk.console
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(trustdesk.console.__file__).parent / "templates"


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        if part.strip():
            name, *values = part.split()
            directives[name] = values
    return directives


@pytest.fixture
def console_pages(ticket, customer):
    return [
        reverse("console:tickets"), reverse("console:ticket", args=[ticket.pk]),
        reverse("console:customers"), reverse("console:customer", args=[customer.id]),
        reverse("console:customer_new"), reverse("console:agents"),
        reverse("console:tokens"), reverse("console:datamap"),
    ]


def test_security_headers_on_console_pages(agent_client, console_pages):
    for url in console_pages:
        response = agent_client.get(url)
        assert response.status_code == 200, url
        csp = _csp(response)
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["default-src"] == ["'none'"], url
        assert csp["frame-ancestors"] == ["'none'"], url
        assert csp["form-action"] == ["'self'"], url
        assert csp["base-uri"] == ["'none'"], url
        header = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in header, url
        assert "'unsafe-eval'" not in header, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_security_headers_on_the_login_page_and_errors(client, agent_client):
    for response in (client.get(reverse("account_login")), agent_client.get("/no-such-page/")):
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert _csp(response)["script-src"] == ["'self'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, agent):
    page = client.get(reverse("account_login"))
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Strict"

    response = client.post(reverse("account_login"), {"login": agent.email, "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == ""  # a browser-session cookie: gone when the browser closes

    # CSRF rotates on sign-in; the new cookie keeps the same protections.
    rotated = response.cookies[settings.CSRF_COOKIE_NAME]
    assert rotated["httponly"] is True
    assert rotated["samesite"] == "Strict"


def test_static_assets_are_served_from_our_origin(agent_client):
    html = agent_client.get(reverse("console:tickets")).content.decode()
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert sources
    for src in sources:
        assert src.startswith(settings.STATIC_URL), src


# --- Template scan -------------------------------------------------------------------------

_COMMENT = re.compile(r"\{#.*?#\}|<!--.*?-->", re.S)
_TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b([^<>]*)>", re.S)
_EVENT_HANDLER = re.compile(r"(?:^|\s)(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
_STYLE_ATTR = re.compile(r"(?:^|\s)style\s*=", re.I)
_SRC_ATTR = re.compile(r"(?:^|\s)src\s*=", re.I)
_JS_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)


def csp_problems(source: str) -> list[str]:
    """What in this template would need 'unsafe-inline' (or break under our CSP)."""
    # Template code is replaced by a space so that an attribute inside {% if %} still counts.
    text = _TEMPLATE_CODE.sub(" ", _COMMENT.sub("", source))
    problems = []
    for match in _TAG.finditer(text):
        name, attrs = match.group(1).lower(), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        if name == "script" and not _SRC_ATTR.search(attrs):
            problems.append(f"line {line}: inline <script> without src")
        if name == "style":
            problems.append(f"line {line}: inline <style> element")
        for handler in _EVENT_HANDLER.findall(attrs):
            problems.append(f"line {line}: inline event handler {handler}=")
        if _STYLE_ATTR.search(attrs):
            problems.append(f"line {line}: style= attribute on <{name}>")
        if _JS_URL.search(attrs):
            problems.append(f"line {line}: javascript: URL on <{name}>")
    return problems


@pytest.mark.parametrize("snippet", [
    "<script>alert(1)</script>",
    '<script type="module">import "x"</script>',
    '<button onclick="go()">Go</button>',
    '<body\n  onload="init()">',
    '<div {% if x %}style="color: red"{% endif %}>',
    '<p class="x" STYLE="margin:0">',
    "<style>p { color: red }</style>",
    '<a href="javascript:void(0)">x</a>',
    '<form hx-on::after-request="reset()">',
])
def test_the_scanner_finds_inline_code(snippet):
    assert csp_problems(snippet), snippet


@pytest.mark.parametrize("snippet", [
    '<script src="/static/console/app.js" defer></script>',
    '<input data-shortcut="/" name="online">',
    '<p>Click on the button = done</p>',
    '<td class="muted small" title="{{ t.when|date:\'Y-m-d H:i\' }}">',
    '<div data-style="x" data-onclick="y">',
])
def test_the_scanner_allows_clean_markup(snippet):
    assert csp_problems(snippet) == [], snippet


def test_templates_have_no_inline_script_handlers_or_styles():
    templates = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert len(templates) >= 15, "the console templates were not found"
    found = {
        str(path.relative_to(TEMPLATES_DIR)): problems
        for path in templates if (problems := csp_problems(path.read_text()))
    }
    assert found == {}
