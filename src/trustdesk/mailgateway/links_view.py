"""Links in mail the gateway found suspicious, as the console shows them: defanged
(``hxxps://example[.]com/path``) so that neither a click nor a copy opens them, the real
target on hover, and a click leading to an interstitial page (``/links/``) first.

Which mail: a message whose ``InboundMail.checks["phishing"]["verdict"]`` is
``suspicious`` or ``phishing`` (phishing is held; a released one reaches a ticket). Other
messages render as before: their URLs are plain text, never links.

The interstitial's address carries the target and a keyed digest of it with the ticket
(the vault's blind index under a scope of its own), so it is no open redirector: only a
URL rendered here, in that ticket, has a valid one. Viewing it is audited with the host
only; a full URL can carry a sign-in or reset token.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.urls import reverse

from trustdesk import vault
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.mailgateway.models import InboundMail
from trustdesk.tickets.selectors import visible_tickets
from trustdesk.tickets.withhold import Part

SCOPE = "mail.link"
SIG_CHARS = 32  # 128 bits
FLAGGED = frozenset({"suspicious", "phishing"})
OPENABLE = frozenset({"http", "https"})
# Longer targets (a data: URL with a page in it) are shown defanged but not linked: they
# would not fit in the interstitial's address.
MAX_LINK_CHARS = 2048
TITLE_CHARS = 300

# A URL in text: any scheme with an authority ("hxxp://" and "ms-word://" included, so
# that they are defanged too), a bare "www." host, or a scheme that runs code or carries
# content by itself. Not after a word character: "metadata:x" is no data: URL.
_URL = re.compile(
    r"(?<![\w@.+-])(?:[a-z][a-z0-9+.-]{0,30}://|www\.|(?:javascript|vbscript|data|file|blob):)"
    r"[^\s<>\"`\x00-\x1f\x7f]+", re.IGNORECASE)
_SPLIT = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*):(?P<slashes>//)?(?P<authority>[^/?#\\]*)"
                    r"(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_TRAILING = ".,;:!?'\"*_~"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp"}


def defang(url: str) -> str:
    """``url`` made inert for display: ``https://example.com/a`` → ``hxxps://example[.]com/a``;
    a scheme without an authority keeps its name (``javascript[:]…``), its colon
    bracketed; a bare ``www.`` host has its dots bracketed."""
    match = None if _bare(url) else _SPLIT.match(url)
    if match is None:  # www.example.com/…
        host, sep, rest = url.partition("/")
        return host.replace(".", "[.]") + sep + rest
    scheme = match.group("scheme")
    if not match.group("slashes"):
        return f"{scheme}[:]{url[len(scheme) + 1:]}"
    shown = _SCHEMES.get(scheme.lower(), scheme)
    return f"{shown}://{match.group('authority').replace('.', '[.]')}{match.group('rest')}"


def _trim(url: str) -> str:
    """Without the punctuation that ends a sentence or closes brackets around the URL
    (intake writes an HTML link as ``text (target)``); a closer the URL opened stays."""
    counts = {c: url.count(c) for c in (*_CLOSERS, *_CLOSERS.values())}  # counted once
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _CLOSERS and counts[_CLOSERS[last]] < counts[last]:
            counts[last] -= 1
        elif last not in _TRAILING:
            break
        end -= 1
    return url[:end]


def find(text: str) -> list[tuple[int, int, str]]:
    """Each URL in ``text``: (start, end, the URL as written)."""
    found = []
    for m in _URL.finditer(text):
        url = _trim(m.group(0))
        if _has_body(url):
            found.append((m.start(), m.start() + len(url), url))
    return found


def _has_body(url: str) -> bool:
    # "http://" or "www." alone is no link.
    return bool(re.sub(r"^(?:[a-z][a-z0-9+.-]*:(?://)?|www\.)", "", url, flags=re.I))


def _bare(url: str) -> bool:
    return url[:4].lower() == "www."  # "www.example.com:8080" has no scheme "www.example.com"


def target_of(url: str) -> str:
    """Where ``url`` leads: a bare ``www.`` host goes where a mail client would send it."""
    return f"http://{url}" if _bare(url) else url


def _sig(ticket_id: int, url: str) -> str:
    return vault.blind_index(SCOPE, f"{int(ticket_id)}\x00{url}")[:SIG_CHARS]


def interstitial_url(ticket_id: int, url: str) -> str:
    query = urlencode({"to": url, "ticket": int(ticket_id), "sig": _sig(ticket_id, url)})
    return f"{reverse('console:link')}?{query}"


@dataclass(frozen=True)
class Link:
    """A URL in a body, as a suspicious message shows it: ``text`` defanged, ``target``
    the real one (the hover title), ``href`` its interstitial ("" if too long)."""

    text: str
    target: str
    href: str
    defanged: bool = True

    @property
    def title(self) -> str:
        if len(self.target) <= TITLE_CHARS:
            return self.target
        return f"{self.target[:TITLE_CHARS]}… ({len(self.target)} characters)"


def split(text: str, *, ticket_id: int) -> list[str | Link]:
    """``text`` cut into plain strings and defanged ``Link``s."""
    out: list[str | Link] = []
    pos = 0
    for start, end, url in find(text):
        if start > pos:
            out.append(text[pos:start])
        target = target_of(url)
        href = interstitial_url(ticket_id, target) if len(target) <= MAX_LINK_CHARS else ""
        out.append(Link(text=defang(url), target=target, href=href))
        pos = end
    if pos < len(text):
        out.append(text[pos:])
    return out


def flagged(message_ids: Iterable[int]) -> set[int]:
    """Those of ``message_ids`` that came by mail the phishing check rated suspicious or
    phishing."""
    rows = InboundMail.objects.filter(message_id__in=list(message_ids)).values_list(
        "message_id", "checks")
    return {mid for mid, checks in rows
            if ((checks or {}).get("phishing") or {}).get("verdict") in FLAGGED}


def defang_messages(messages, *, ticket_id: int) -> None:
    """Replace the text parts of each flagged message's rendered ``parts`` (see
    ``tickets.withhold``) by plain text and defanged links; values stay as they are."""
    messages = list(messages)
    marked = flagged(m.pk for m in messages)
    for message in messages:
        if message.pk not in marked:
            continue
        parts = []
        for part in message.parts:
            if part.entity:
                parts.append(part)
            else:
                parts += [Part(piece) if isinstance(piece, str) else piece
                          for piece in split(part.text, ticket_id=ticket_id)]
        message.parts = parts


@dataclass(frozen=True)
class Interstitial:
    url: str
    defanged: str
    scheme: str
    host: str
    host_ascii: str  # the host as DNS sees it (punycode), when it has non-ASCII letters
    openable: bool
    ticket_id: int


@transaction.atomic
def link_view(*, actor: Actor, url: str, ticket_id: str, sig: str) -> Interstitial:
    """The interstitial for ``url`` from ticket ``ticket_id``: refused as not found unless
    ``sig`` is the one this ticket's page rendered and the actor may see that ticket.
    Recorded with the host only."""
    policy.require(actor, "ticket.view")
    try:
        ticket = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not url or not sig or not hmac.compare_digest(_sig(ticket, url).encode(),
                                                     sig.encode("utf-8", "replace")):
        raise NotFound()
    if not visible_tickets(actor).filter(pk=ticket).exists():
        raise NotFound()
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
    except ValueError:  # a malformed authority ("http://[::1"): shown, never opened
        scheme, host = url.partition(":")[0].lower()[:20], ""
    host_ascii = host
    if not host.isascii():
        try:
            host_ascii = host.encode("idna").decode("ascii")
        except UnicodeError:
            host_ascii = host
    record(actor=actor, action="mail.link.view", object_type="ticket", object_id=ticket,
           context={"host": host_ascii[:253], "scheme": scheme[:20]})
    return Interstitial(url=url, defanged=defang(url), scheme=scheme, host=host,
                        host_ascii=host_ascii, openable=scheme in OPENABLE and bool(host),
                        ticket_id=ticket)


__all__ = ["FLAGGED", "Interstitial", "Link", "defang", "defang_messages", "find",
           "flagged", "interstitial_url", "link_view", "split"]
