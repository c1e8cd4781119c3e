"""The language signal: what the message asks the reader to do, in English and Chinese.

Phishing asks the reader for something (their password, a payment to a new account) and
presses them for time. The phrase tables (``data/phrases.yaml``) are written as requests
to the reader ("verify your account", "验证您的账户"), never as bare words, and a phrase
right after "I", "my" or a negation does not count: a customer writing "I forgot my
password" or "我的账户已被冻结" asks the helpdesk for help, and "we will never ask you to
confirm your password" is a bank's footer. Categories combine: urgency alone is weak, a
credential request with a link or form is strong.
"""

from __future__ import annotations

import re

from trustdesk.mailgateway.analysis.message import html_to_text
from trustdesk.mailgateway.analysis.phishing import owners, urls
from trustdesk.mailgateway.analysis.phishing.base import Context, MailView, Reason, Signal
from trustdesk.mailgateway.analysis.phishing.phrases import Table, normalise, table

MAX_TEXT = 200_000
RISKY = 10  # a link's URL faults from this many points make it a risky link
_QUOTED = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_BLOCKQUOTE = re.compile(r"<blockquote\b.*?</blockquote\s*>", re.IGNORECASE | re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?;:\n。！？；：]")
_WORD = re.compile(r"[\w']+")
_WORD_START = re.compile(r"(?<!\w)\w")
# Quotation marks: “…”, "…", 「…」, 『…』 and '…' (an apostrophe inside a word is not one).
_QUOTE = re.compile("\u201c[^\u201d\n]{1,300}\u201d|\"[^\"\n]{1,300}\"|"
                    "\u300c[^\u300d\n]{1,300}\u300d|\u300e[^\u300f\n]{1,300}\u300f|"
                    "(?<!\\w)'[^\n]{1,300}?'(?!\\w)")
_CALL_LINE = re.compile(r"(?:^|\n)([^\n:：]{1,24})[:：] ?(?:https?|hxxps?)://", re.IGNORECASE)
WHAT = {
    "credential": "asks the reader to sign in or confirm their account or password",
    "account_threat": "warns that the reader's account or mailbox is locked, expiring or "
                      "being misused",
    "payment": "asks for a payment or for payment or bank card details",
    "bank_change": "says the sender's bank account has changed",
    "urgency": "presses for time",
    "action": "tells the reader to click a link or open an attachment",
    "lure": "offers a shared document, message, invoice, parcel, pay rise or prize",
    "pressure": "asks for discretion or to move the conversation elsewhere, as "
                "impostors of a manager do",
}


def _guarded(text: str, start: int, chinese: bool, t: Table) -> bool:
    before = text[max(0, start - 60):start]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end():]
    if chinese:
        near = before[-8:].replace("我们", "")  # "we": the fake company's own voice
        return any(g in near for g in t.guards_zh) or any(n in before for n in t.negations_zh)
    words = _WORD.findall(before)
    return any(w in t.guards_en for w in words[-3:]) or any(w in t.negations_en for w in words)


def _reported(text: str, t: Table) -> list[tuple[int, int]]:
    """Spans quoted as someone else's words: "it keeps saying 'we couldn't verify your
    payment'", "提示“账户存在风险，请验证身份”" — a customer quoting an error message or a
    mail they received, not a request to the reader."""
    spans = []
    for match in _QUOTE.finditer(text):
        before = text[max(0, match.start() - 30):match.start()]
        if any(w in before for w in t.reporting_zh) or any(
                w in t.reporting_en for w in _WORD.findall(before)[-4:]):
            spans.append(match.span())
    return spans


def find(text: str, t: Table | None = None) -> dict[str, dict[str, int]]:
    """category → {phrase: weight} of the phrases found in ``text`` (already normalised)."""
    t = t or table()
    found: dict[str, dict[str, int]] = {}
    reported = _reported(text, t)

    def at(start: int, candidates, chinese: bool):
        if reported and any(a <= start < b for a, b in reported):
            return
        for pattern, index in candidates:
            phrase = t.phrases[index]
            if pattern.match(text, start) and (phrase.category in t.unguarded
                                               or not _guarded(text, start, chinese, t)):
                found.setdefault(phrase.category, {})[phrase.text] = phrase.weight

    for match in _WORD_START.finditer(text):
        start = match.start()
        at(start, t.english.get(text[start:start + 2], ()), False)
    for match in t.chinese_starts.finditer(text):
        at(match.start(), t.chinese[match.group(0)], True)
    return found


def score(found: dict[str, dict[str, int]], has_link: bool, t: Table | None = None, *,
          risky: bool = False) -> int:
    """The points of what ``find`` found; ``has_link``: the mail has a link or form,
    ``risky``: one of its links hides where it goes (both only count in combinations)."""
    t = t or table()
    reassured = bool(t.reassurance & set(found))
    found = {c: p for c, p in found.items() if c not in t.reassurance}
    total = 0
    for phrases in found.values():
        weights = sorted(phrases.values(), reverse=True)
        total += weights[0] + min(t.extra_max, t.extra * (len(weights) - 1))
    present = set(found) | ({"link"} if has_link else set()) | (
        {"risky_link"} if has_link and risky else set())
    total += sum(bonus for when, bonus in t.combinations if when <= present)
    if set(found) <= t.weak_alone:
        total = min(total, t.weak_alone_max)
    if reassured:  # "if this was you, you can ignore this message": a real notice's words
        total = min(total, t.reassured_max)
    if has_link:
        return min(total, t.cap)
    # Without a link, one kind of request stays under "suspicious" however it is worded;
    # two of the strong kinds together (a new bank account and a request to pay, a wire
    # and "keep this confidential") may reach it.
    strong = len(set(found) & t.strong)
    return min(total, t.cap_without_link_combined if strong >= 2 else t.cap_without_link)


def _text(mail: MailView) -> str:
    """The subject and what the message says itself: quoted lines ("> …") and quoted
    HTML (``<blockquote>``, as mail clients quote a reply) are what someone wrote before,
    often the helpdesk's own reply, not this sender's words."""
    text = mail.text or ""
    parts = [mail.parsed.subject if mail.parsed is not None else ""]
    if mail.html:
        markup = mail.html[:MAX_TEXT]
        shown = html_to_text(markup)
        own = html_to_text(_BLOCKQUOTE.sub(" ", markup)) if _BLOCKQUOTE.search(markup) \
            else shown
        if text.strip() == shown.strip():
            text = ""  # the text is the HTML's: read it without its quotes
        if own and (not text or own[:200] not in text):
            parts.append(own)  # an HTML part that says something else than the text
    parts.append(text)
    return normalise(_QUOTED.sub("", "\n".join(parts)[:MAX_TEXT]))


def calls(mail: MailView, text: str) -> set[str]:
    """Calls to act that are a link's own words: an HTML link reading "Verify" or "去验证",
    or "Sign in: https://…" in plain text."""
    t = table()
    said = {normalise(link.text).strip(" :：>»→") for link in mail.links if link.text}
    said |= {m.group(1).strip() for m in _CALL_LINE.finditer(text)}
    return {f"\u201c{c}\u201d link" for c in said if c in t.calls}


def risky_link(mail: MailView, context: Context) -> bool:
    """A link that hides where it goes (``urls.faults``: a free host, a bare IP address,
    a shortener, an open redirect…), not to the helpdesk's own domains."""
    ours, brands = owners.own_orgs(context), owners.brand_orgs(context)
    sender, labels = owners.sender_org(mail), owners.brand_labels(context)
    for link in mail.links[:100]:
        if link.host and urls.org(link.host) in ours:
            continue
        if sum(p for p, _ in urls.faults(link.href, brands, sender, labels)) >= RISKY:
            return True
    return False


def has_link(mail: MailView, context: Context | None = None) -> bool:
    """A link to the web (not to the helpdesk's own domains: a request to sign in there is
    the company's own) or a form."""
    ours = owners.own_orgs(context) if context is not None else frozenset()
    return any((link.host and urls.org(link.host) not in ours)
               or link.href.lower().startswith(("data:", "javascript:"))
               for link in mail.links) or bool(
        mail.html and re.search(r"<\s*(form|input)\b", mail.html, re.IGNORECASE))


class Language(Signal):
    name = "language"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        text = _text(mail)
        found = find(text)
        for call in calls(mail, text):
            found.setdefault("action", {})[call] = table().call_weight
        if not found:
            return []
        linked = has_link(mail, context)
        weight = score(found, linked, risky=linked and risky_link(mail, context))
        if weight <= 0 or not [c for c in found if c not in table().reassurance]:
            return []
        order = [c for c in WHAT if c in found and c not in table().reassurance]
        examples = [p for c in order for p in sorted(found[c], key=lambda p: -found[c][p])][:3]
        said = "; it ".join(WHAT[c] for c in order)
        quoted = ", ".join(f"\u201c{p}\u201d" for p in examples)
        tail = " and carries a link or form" if linked and order != ["urgency"] else ""
        return [Reason(self.name, weight, f"The message {said}{tail} ({quoted}).")]
