"""Passwords, API keys and tokens, private keys: things nobody should ever paste into a
ticket, and that are worthless to an attacker only once rotated."""

from __future__ import annotations

import base64
import binascii
import json
import re

from trustdesk.pii.recognizers.base import (
    AnchoredRecognizer,
    PatternRecognizer,
    ScanOptions,
    lead_regex,
    words_regex,
)

# Words that follow "password:" in sentences about passwords rather than in passwords.
_NOT_PASSWORDS = frozenset((
    "reset", "resets", "expired", "expires", "expiry", "incorrect", "wrong", "invalid", "not",
    "and", "the", "for", "was", "is", "are", "please", "again", "changed", "change", "required",
    "manager", "field", "policy", "because", "still", "now", "correct", "does", "doesn't",
    "didn't", "isn't", "won't", "can't", "cannot", "never", "always", "also", "too", "has", "had",
    "have", "will", "would", "should", "could", "must", "my", "your", "our", "their", "its",
    "this", "that", "these", "those", "when", "which", "what", "who", "how", "with", "without",
    "from", "into", "about", "after", "before", "during", "until", "while", "same", "different",
    "new", "old", "forgotten", "forgot", "lost", "locked", "blank", "empty", "missing", "hint",
    "hints", "recovery", "requirements", "rules", "strength", "strong", "weak", "length",
    "characters", "protected", "protection", "box", "prompt", "page", "screen", "link", "email",
    "sent", "reset-link", "here", "there", "below", "above", "attached", "same-as"
))
_SEPARATED = re.compile(r"[:=：]")
_MASKED = "*•●·xX#."
_TRAILING = ".,;)。，；）"  # sentence punctuation after the value, not part of it


class PasswordRecognizer(AnchoredRecognizer):
    """The value after "password", "pwd", "passcode", "密码"…, read only when a
    separator (":", "=", "is", "是") follows the word. After "is" the value must look
    like a password (a digit, a symbol or mixed case) so that "my password is expired"
    stays prose; after ":" or "=" any token that is not a common word counts."""

    name = "password"
    entities = ("PASSWORD",)
    score = 0.8
    needles_ci = ("pass", "pwd", "pw", "密码", "口令", "kennwort", "contraseña")
    anchor = words_regex(("password", "passwords", "passwd", "pwd", "pw", "passcode",
                          "passphrase", "pass word", "new password", "temp password",
                          "密码", "口令", "passwort", "kennwort", "mot de passe",
                          "contraseña"))
    value = re.compile(
        r"(?P<sep>\s*(?:(?:is|was|would be|will be|=|:|：|是|为)\s*){1,2})[\"'“‘`]?"
        r"(?P<value>[^\s\"'”’`。，；！？、]{4,128})", re.IGNORECASE)

    def accept(self, text, m, start, end, opts):
        value = m.group("value").rstrip(_TRAILING)
        if (len(value) < 4 or value.lower() in _NOT_PASSWORDS
                or not value.rstrip("!?！？").strip(_MASKED)):
            return None  # prose, or an already masked "********"
        if not _SEPARATED.search(m.group("sep")) and not _looks_secret(value):
            return None
        return self.score

    def find(self, text: str, opts: ScanOptions):
        # The value may lose trailing sentence punctuation: recompute the end.
        for f in super().find(text, opts):
            value = text[f.start:f.end].rstrip(_TRAILING)
            yield self.finding(f.start, f.start + len(value), f.score)


def _looks_secret(value: str) -> bool:
    has_digit = any(c.isdigit() for c in value)
    has_symbol = any(not c.isalnum() for c in value)
    mixed = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return has_digit or has_symbol or mixed or not value.isascii()


class ApiKeyRecognizer(PatternRecognizer):
    """Credentials with a published, distinctive prefix: AWS access key ids, GitHub,
    Slack, Stripe, Google, SendGrid, OpenAI-style keys and JSON Web Tokens. The prefix
    makes a false positive rare; a JWT must also decode to a header with ``alg``."""

    name = "api_key"
    entities = ("API_KEY",)
    score = 0.95
    needles = ("AKIA", "ASIA", "gh", "github_pat_", "xox", "sk_", "rk_", "AIza", "eyJ",
               "SG.", "sk-")
    # Starts with one character set, then checks what came before (see DIGIT_START).
    pattern = re.compile(
        r"[AgxsreS](?<![A-Za-z0-9_/+=-].)(?:"
        r"(?<=A)(?:KIA|SIA|BIA|CCA)[0-9A-Z]{16}"
        r"|(?<=g)h[pousr]_[A-Za-z0-9]{36,251}"
        r"|(?<=g)ithub_pat_[A-Za-z0-9_]{22,255}"
        r"|(?<=x)ox[baprse]-[A-Za-z0-9-]{10,250}"
        r"|(?<=[sr])k_(?:live|test)_[0-9A-Za-z]{16,247}"
        r"|(?<=A)Iza[0-9A-Za-z_-]{35}"
        r"|(?<=S)G\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"
        r"|(?<=s)k-(?:proj-|ant-)?[A-Za-z0-9_-]{32,200}"
        r"|(?<=e)(?P<jwt>yJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})"
        r")(?![A-Za-z0-9_-])")

    def accept(self, text, m, start, end, opts):
        if m.group("jwt") and not _jwt_header("e" + m.group("jwt")):
            return None
        return self.score


def _jwt_header(token: str) -> bool:
    head = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and "alg" in header


class SecretAssignmentRecognizer(AnchoredRecognizer):
    """``api_key = …``, ``client_secret: …``, ``aws_secret_access_key=…``: a long,
    mixed token assigned to a name that says it is secret."""

    name = "secret_assignment"
    entities = ("API_KEY",)
    score = 0.75
    needles_ci = ("key", "secret", "token", "bearer")
    anchor = lead_regex((
        ("a", r"pi[_ -]?key|pikey|ccess[_ -]?token|uth[_ -]?token"
              r"|ws[_ -]?secret[_ -]?access[_ -]?key", True),
        ("s", r"ecret[_ -]?key|ecret", True),
        ("c", r"lient[_ -]?secret", True),
        ("b", r"earer", True),
        ("r", r"efresh[_ -]?token", True),
        ("p", r"rivate[_ -]?token", True),
        ("t", r"oken", True)))
    value = re.compile(r"[\"']?\s*[:=]\s*[\"']?(?P<value>[A-Za-z0-9_\-./+=]{16,512})"
                       r"|\s+(?P<bearer>[A-Za-z0-9_\-.~+/]{20,512}=*)")

    def find(self, text: str, opts: ScanOptions):
        for a in self.anchor.finditer(text):
            m = self.value.match(text, a.end())
            if m is None:
                continue
            group = "value" if m.group("value") else "bearer"
            if group == "bearer" and not a.group().lower().startswith("bearer"):
                continue
            token = m.group(group)
            if _mixed(token):
                yield self.finding(m.start(group), m.end(group), self.score)


def _mixed(token: str) -> bool:
    kinds = (any(c.isdigit() for c in token) + any(c.islower() for c in token)
             + any(c.isupper() for c in token))
    return kinds >= 2 and len(set(token)) >= 8


class PrivateKeyRecognizer(PatternRecognizer):
    """PEM and OpenSSH private-key blocks, also when pasted without their END line."""

    name = "private_key"
    entities = ("PRIVATE_KEY",)
    score = 1.0
    needles = ("PRIVATE KEY",)
    pattern = re.compile(
        r"-----BEGIN[A-Z0-9 ]{0,20} PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[A-Za-z0-9+/=\s:,.()-]{0,16000}?"
        r"-----END[A-Z0-9 ]{0,20} PRIVATE KEY(?: BLOCK)?-----"
        r"|(?:[ \t]*\r?\n(?:[A-Za-z0-9-]+:[^\n]*|[A-Za-z0-9+/=]{8,}))+)")
