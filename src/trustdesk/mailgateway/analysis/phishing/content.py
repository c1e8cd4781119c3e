"""Signals on what a message shows and where its links go (``SIGNALS``, in the order the
registry runs them):

- ``link_text_mismatch``: a link's text shows a domain and the link goes to another
  organisation's (28 when the shown domain is the helpdesk's, a brand's or a sender's that
  failed DMARC; 22 otherwise; 8-12 for what newsletters do with their own domains);
- ``suspicious_url``: URLs built to hide their target (``urls.faults``: IP literals,
  shorteners, open redirects, punycode, user information, script and data URLs, free
  web hosts and form services, a brand named in another site's path, odd ports);
- ``html_form``: a form in the mail (5-8), a password field (+16) beside a user-name
  field (+4), hidden fields (+2), posting to another domain (+6);
- ``language`` (in ``language``): what the text asks of the reader.

Each gives at most one reason; the first three at most ``CAP`` (30) points, so none of
them alone makes a message suspicious, and any two strong ones together do.
"""

from __future__ import annotations

import contextlib
import html.parser
import re
import unicodedata

from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis.phishing import links, owners, urls
from trustdesk.mailgateway.analysis.phishing.base import Context, MailView, Reason, Signal
from trustdesk.mailgateway.analysis.phishing.language import Language

CAP = 30
_EACH_MORE = 2  # points for each further link with the same fault
# A domain (or URL) shown in a link's text. Not part of an address ("support@shop.com").
_SHOWN = re.compile(r"(?<![\w@.\-])((?:(?:https?|hxxps?)://)?(?:[\w\-]{1,63}\.)+"
                    r"[^\W\d_][\w\-]{1,62})(?![\w@\-])", re.IGNORECASE)
# Top-level domains that are also file extensions: "report.zip" in a link's text is a file.
_FILE_TLDS = {"zip", "mov"}


def _reason(signal: str, scored: list[tuple[int, str]], what: str) -> list[Reason]:
    if not scored:
        return []
    scored.sort(key=lambda item: -item[0])
    weight = min(CAP, scored[0][0] + _EACH_MORE * (len(scored) - 1))
    more = f" ({len(scored) - 1} more {what} like it)" if len(scored) > 1 else ""
    return [Reason(signal, weight, scored[0][1] + more)]


def shown_hosts(text: str) -> list[str]:
    """The hosts a link's visible text shows, normalised; [] for "click here"."""
    text = unicodedata.normalize("NFKC", text or "")[:links.MAX_TEXT]
    found = []
    for match in _SHOWN.finditer(text):
        token = match.group(1).rstrip(".")
        schemed = "://" in token
        host = links.parse(token if schemed else "//" + token).host
        if not host:
            continue
        if domains.organisational(host) is None:
            continue
        plainly_a_url = schemed or host.startswith("www.")
        # "Node.js", "version.txt": not a domain anyone registered. (domains has no public
        # accessor for "is this a known suffix", so the shared list is read directly.)
        if not plainly_a_url and domains._psl().publicsuffix(host, accept_unknown=False) is None:
            continue
        if not plainly_a_url and host.rpartition(".")[2] in _FILE_TLDS:
            continue
        found.append(host)
    return found


def _mismatch_weight(shown: set[str], final: links.Target, *, sender: str, spoofed: bool,
                     ours: frozenset[str], brands: dict[str, str]) -> int:
    """Points for a link whose text shows the organisations ``shown`` and which goes to
    ``final``; 0 when that is what ordinary mail does."""
    target = urls.org(final.host)
    if not target or target in shown or target in ours:
        return 0
    if any(brands.get(s) and brands.get(s) == brands.get(target) for s in shown):
        return 0  # apple.com shown, icloud.com linked: one brand
    senders_own = sender in shown and not spoofed
    # Ours, a brand's, or the sender's own when the sender's authentication failed.
    borrowed = any(s in ours or s in brands or (spoofed and s == sender) for s in shown)
    # A redirect (through the sender's own domain, a mail service's click tracker, or
    # anyone's when the sender shows its own site) that says it goes on to the shown
    # domain: a newsletter's click tracking.
    relay = target == sender or urls.is_tracker(final.host) or senders_own
    if relay and any(urls.org(links.parse(r).host) in shown for r in urls.redirects(final)):
        return 0
    if urls.is_tracker(final.host):  # where it goes next cannot be read
        return 0 if senders_own else 22 if borrowed else 8
    if borrowed:
        return 28
    if senders_own:
        return 8  # the sender's own domain shown, someone else's redirect linked
    return 12 if target == sender else 22


class LinkTextMismatch(Signal):
    """A link whose text shows a domain (``www.paypal.com``) and which goes to another
    organisation's domain. A link to the same organisational domain (its tracking
    subdomain ``click.shop.com``), to another domain of the same brand, or through a
    mail service's click tracker from a sender showing its own domain, is ordinary."""

    name = "link_text_mismatch"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        ours, brands = owners.own_orgs(context), owners.brand_orgs(context)
        sender, spoofed = owners.sender_org(mail), owners.dmarc_failed(mail)
        scored = []
        for link in mail.links:
            shown = shown_hosts(link.text) if link.text and link.host else []
            if not shown:
                continue
            final = links.parse(urls.unwrap(link.href))
            shown_orgs = {urls.org(h) for h in shown}
            weight = _mismatch_weight(shown_orgs, final, sender=sender, spoofed=spoofed,
                                      ours=ours, brands=brands)
            if weight:
                scored.append((weight, f"A link shows {links.defang(shown[0])} but goes to "
                                       f"{links.defang(final.host)}, a domain of another "
                                       f"organisation than {min(shown_orgs)}."))
        return _reason(self.name, scored, "links")


class SuspiciousUrl(Signal):
    """URLs built to hide where they lead. Links to the helpdesk's own domains are not
    judged; a link-protection filter's wrapping is taken off first."""

    name = "suspicious_url"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        ours, brands = owners.own_orgs(context), owners.brand_orgs(context)
        sender, labels = owners.sender_org(mail), owners.brand_labels(context)
        scored, seen = [], set()
        for link in mail.links:
            if link.href in seen or (link.host and urls.org(link.host) in ours):
                continue
            seen.add(link.href)
            faults = urls.faults(link.href, brands, sender, labels)
            if faults:
                faults.sort(key=lambda f: -f[0])
                points = min(CAP, sum(p for p, _ in faults))
                words = "; it ".join(w for _, w in faults[:3])
                scored.append((points, f"A link ({links.defang(link.href[:100])}) {words}."))
        return _reason(self.name, scored, "links")


_LOGIN_NAME = re.compile(r"user|email|e-mail|login|account|username|uid|邮箱|账号|帐号|用户",
                         re.IGNORECASE)


class _Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[str] = []  # their actions
        self.inputs: list[tuple[str, str]] = []  # (type, name or placeholder)

    def handle_starttag(self, tag, attrs):
        values = {k: (v or "") for k, v in attrs}
        if tag == "form" and len(self.forms) < 50:
            self.forms.append(values.get("action", ""))
        elif tag in ("input", "textarea", "select") and len(self.inputs) < 500:
            kind = values.get("type", "text").lower() if tag == "input" else tag
            label = " ".join(values.get(k, "") for k in ("name", "id", "placeholder"))
            self.inputs.append((kind, label))


class HtmlForm(Signal):
    """A form in the mail itself: mail has no business asking for a password in place."""

    name = "html_form"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        if not mail.html or not re.search(r"<\s*(form|input|textarea)\b", mail.html, re.I):
            return []
        parser = _Forms()
        with contextlib.suppress(Exception):  # hostile markup: judge what was read
            parser.feed(mail.html[:links.MAX_INPUT])
            parser.close()
        kinds = [kind for kind, _ in parser.inputs]
        if not parser.forms and not parser.inputs:
            return []
        asks = [k for k in kinds if k not in ("submit", "button", "radio", "checkbox",
                                               "hidden", "reset", "image", "select")]
        weight = 8 if asks else 5
        said = ["a form"]
        if "password" in kinds:
            weight += 16
            said.append("a password field")
            if any(k == "email" or (k == "text" and _LOGIN_NAME.search(label))
                   for k, label in parser.inputs):
                weight += 4
                said.append("a user-name or e-mail field beside it")
        if "hidden" in kinds:
            weight += 2
            said.append("hidden fields")
        allowed = owners.own_orgs(context) | {owners.sender_org(mail)}
        external = {links.parse(a).host for a in parser.forms}
        external = sorted(h for h in external if h and urls.org(h) not in allowed)
        text = "The message contains " + (
            ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else said[0]) + "."
        if external:
            weight += 6
            text += f" What is typed into it is sent to {links.defang(external[0])}."
        return [Reason(self.name, min(CAP, weight), text)]


SIGNALS = (LinkTextMismatch, SuspiciousUrl, HtmlForm, Language)
