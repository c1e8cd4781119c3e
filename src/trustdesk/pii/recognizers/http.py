"""What a browser or an API client sends to prove who it is: ``Cookie``/``Set-Cookie`` and
``Authorization`` header values, session ids and JSON Web Tokens.

Customers paste them without knowing: a HAR file, a ``curl -v`` transcript, a log line. In
the hands of anyone who reads the ticket they are the customer's signed-in session, so
they are found wherever they are written (a header line, a quoted header in JSON, a
query string, a cookie jar) and never kept.

``named_secret`` answers the same question for a value whose name is given apart, as
HAR files give headers, cookies and query parameters (``{"name": …, "value": …}``).
"""

from __future__ import annotations

import re

from trustdesk.pii.recognizers.base import PatternRecognizer, Recognizer, ScanOptions, lead_regex
from trustdesk.pii.recognizers.secrets import _jwt_header

AUTHORIZATION, COOKIE, SESSION_ID, API_KEY = (
    "HTTP_AUTHORIZATION", "HTTP_COOKIE", "SESSION_ID", "API_KEY")

# RFC 9110 token68: what Basic, Bearer and most single-value schemes carry.
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,39})[ \t]+")
# Schemes whose credentials are a list of parameters (Digest username="…", response="…"):
# everything after the scheme is the credential.
_PARAM_SCHEMES = frozenset({"digest", "aws4-hmac-sha256", "hoba", "mutual", "scram-sha-1",
                            "scram-sha-256", "oauth", "hawk", "mac", "vapid", "signature"})
_TOKEN_SCHEMES = frozenset({"basic", "bearer", "token", "jwt", "negotiate", "ntlm", "dpop",
                            "kerberos", "apikey", "api-key", "key", "ssws", "splunk"})
_TOKEN_HEADERS = frozenset({"x-api-key", "api-key", "x-auth-token", "x-access-token",
                            "x-amz-security-token", "x-goog-api-key"})
_SESSION_HEADERS = frozenset({"x-session-id", "x-session-token"})
# Names of session cookies and parameters: sessionid, JSESSIONID, PHPSESSID, connect.sid,
# ASP.NET_SessionId, ASPSESSIONIDxxxxxxxx, _session, laravel_session, _gh_sess, sid, SSID…
_SESSION_NAME = re.compile(
    r"[\w.:-]{0,40}?(?:sess(?:ion)?(?:[_.-]?(?:id|key|token))?|sid|aspsessionid[a-z]{0,16})",
    re.IGNORECASE)
_TOKEN_NAMES = frozenset({"access_token", "refresh_token", "id_token", "auth_token",
                          "session_token", "api_key", "apikey", "client_secret",
                          "private_token"})
_PASSWORD_NAMES = frozenset({"password", "passwd", "pwd", "passphrase"})


def authorization_credentials(value: str) -> tuple[int, int] | None:
    """The span of the credentials in an ``Authorization`` value: after the scheme,
    which stays readable ("Bearer [removed]"); the whole value if it has no scheme."""
    lead = len(value) - len(value.lstrip())
    m = _SCHEME.match(value, lead)
    if m is not None:
        start = m.end()
        if m.group(1).lower() in _PARAM_SCHEMES:
            end = len(value.rstrip())
            return (start, end) if end - start >= 4 else None
        cred = _TOKEN68.match(value, start)
        if cred is None:
            return None
        # A known scheme's credential may be short ("Basic dXNlcjpwYXNz"); after any other
        # word it must not look like prose.
        known = m.group(1).lower() in _TOKEN_SCHEMES
        if (known and len(cred.group()) >= 4) or _credential_like(cred.group()):
            return cred.span()
        return None
    cred = _TOKEN68.match(value, lead)
    if cred is not None and len(cred.group()) >= 8 and _credential_like(cred.group()):
        return cred.span()
    return None


def _credential_like(token: str) -> bool:
    # Not a word of prose ("Authorization: denied because…"): long enough, and not only
    # letters unless it is long.
    if len(token) < 6:
        return False
    return len(token) >= 20 or any(not c.isalpha() for c in token)


def _id_like(value: str) -> bool:
    """A session id, not "ssid=HomeWifi" or "session=new"."""
    return len(value) >= 8 and len(set(value)) >= 4 and (
        any(c.isdigit() for c in value) or len(value) >= 16)


_NOT_SESSIONS = frozenset({"ssid", "bssid", "essid"})  # Wi-Fi network names


def is_session_name(name: str) -> bool:
    name = name.strip()
    return name.lower() not in _NOT_SESSIONS and _SESSION_NAME.fullmatch(name) is not None


def named_secret(name: str, value: str, *, cookie: bool = False
                 ) -> tuple[str, int, int] | None:
    """(entity, start, end) of the secret in ``value`` given its ``name`` (a header, a
    cookie, a query or form parameter, a JSON key), or None. Every value of a cookie jar
    (``cookie``) is a secret: any cookie may carry the session."""
    if not value.strip():
        return None
    if cookie:
        return COOKIE, 0, len(value)
    key = name.strip().lower()
    if key in ("authorization", "proxy-authorization"):
        span = authorization_credentials(value)
        return (AUTHORIZATION, *span) if span else None
    if key in ("cookie", "set-cookie", "cookie2", "set-cookie2"):
        return COOKIE, 0, len(value)
    if key in _TOKEN_HEADERS or key in _TOKEN_NAMES:
        return API_KEY, 0, len(value)
    if key in _PASSWORD_NAMES:
        return "PASSWORD", 0, len(value)
    if (key in _SESSION_HEADERS or is_session_name(key)) and _id_like(value.strip()):
        return SESSION_ID, 0, len(value)
    return None


class HttpHeaderRecognizer(Recognizer):
    """``Authorization: Bearer …``, ``Cookie: a=1; sid=…``, ``Set-Cookie: …`` and the
    usual API-key headers, on a header line, in a ``curl -H "…"`` argument, as a quoted
    key in JSON or a dict (``"Cookie": "…"``) or in ``document.cookie = "…"``. The value
    ends at the closing quote, or at the end of the line."""

    name = "http_header"
    entities = (AUTHORIZATION, COOKIE, API_KEY)
    score = 0.98
    needles_ci = ("authorization", "cookie", "x-api-key", "api-key", "-token")
    anchor = lead_regex((
        ("a", r"uthorization", True),
        ("a", r"pi-key", True),
        ("p", r"roxy-authorization", True),
        ("c", r"ookie2?", True),
        ("s", r"et-cookie2?", True),
        ("x", r"-(?:api-key|auth-token|access-token|amz-security-token|goog-api-key)", True),
    ))
    # "Name: value", "name=value", and HAR's pair {"name": "Cookie", "value": "…"} when a
    # truncated file is read as text.
    separator = re.compile(r"([\"']?)[ \t]*(?:[:=]|,[ \t]*[\"']value[\"'][ \t]*:)[ \t]*([\"']?)")

    def find(self, text: str, opts: ScanOptions):
        for a in self.anchor.finditer(text):
            sep = self.separator.match(text, a.end())
            if sep is None:
                continue
            before = text[a.start() - 1] if a.start() else ""
            quote = sep.group(2) or (before if before in "\"'" else "")
            start = sep.end()
            end = _value_end(text, start, quote)
            value = text[start:end]
            found = named_secret(a.group(), value)
            if found is None or (found[0] == COOKIE and "=" not in value):
                continue
            entity, s, e = found
            if entity == COOKIE:
                e = len(value.rstrip())
            elif entity == API_KEY:
                token = _TOKEN68.match(value)
                if token is None or len(token.group()) < 8:
                    continue
                e = token.end()
            if e > s:
                yield self.finding(start + s, start + e, self.score, entity)


def _value_end(text: str, start: int, quote: str, limit: int = 8192) -> int:
    stop = min(len(text), start + limit)
    i = start
    while i < stop:
        c = text[i]
        if c in "\r\n" or (quote and c == quote and text[i - 1] != "\\"):
            break
        i += 1
    return i


class SessionIdRecognizer(Recognizer):
    """``JSESSIONID=…``, ``PHPSESSID=…``, ``connect.sid=…``, ``?sid=…&``,
    ``;jsessionid=…`` and ``"sessionId": "…"``: a value that looks like an id (8+
    characters, a digit or 16+ characters) after a session cookie or parameter name."""

    name = "session_id"
    entities = (SESSION_ID,)
    score = 0.9
    # "sid" alone is in "inside", "consider", "president": ask for its separator too.
    needles_ci = ("sess", "sid=", 'sid"', "sid =", "sid:")
    core = re.compile(r"[sS](?:(?i:ess(?:ion)?(?:[_.-]?(?:id|key|token))?)|(?i:id))"
                      r"(?:(?i:[a-z]{0,16}))(?P<q>\"?)[ \t]*(?P<sep>[=:])[ \t]*(?P<open>\"?)")
    value = re.compile(r"[^\s;&,\"'<>()\[\]{}\\]{8,512}")

    def find(self, text: str, opts: ScanOptions):
        for m in self.core.finditer(text):
            begin = _name_start(text, m.start())
            name = text[begin:m.start("q")]
            if not is_session_name(name):
                continue
            if m.group("sep") == ":" and not (m.group("q") and begin and text[begin - 1] == '"'
                                              and m.group("open")):
                continue  # "Session: 2 of 3" is prose; only "sessionId": "…" is JSON
            v = self.value.match(text, m.end())
            if v is not None and _id_like(v.group()):
                yield self.finding(v.start(), v.end(), self.score)


def _name_start(text: str, i: int) -> int:
    stop = max(0, i - 40)
    while i > stop and (text[i - 1].isalnum() or text[i - 1] in "_.:-"):
        i -= 1
    return i


class JwtRecognizer(PatternRecognizer):
    """JSON Web Tokens the ``api_key`` recognizer leaves: encrypted ones (JWE, five
    parts), unsigned ones (``alg: none``, empty signature) and short signatures. The
    header must decode to JSON with ``alg`` or ``enc``."""

    name = "jwt"
    entities = (API_KEY,)
    score = 0.95
    needles = ("eyJ",)
    pattern = re.compile(r"e(?<![A-Za-z0-9_-].)yJ[A-Za-z0-9_-]{8,}"
                         r"(?:\.[A-Za-z0-9_-]*){2}(?:(?:\.[A-Za-z0-9_-]*){2})?(?![A-Za-z0-9_.-])")

    def accept(self, text, m, start, end, opts):
        token = m.group()
        if len(token) < 32 or not _jwt_header(token):
            return None
        return self.score
