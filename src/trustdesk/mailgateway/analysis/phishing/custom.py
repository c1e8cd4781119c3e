"""Custom signals declared in YAML, so that a team can add "mail about wire transfers is
worth a look" or "this domain phished us last week" without code::

    signals:
      - name: wire_transfer           # unique, lower_snake
        weight: 20                    # points, -50..50 (negative: a good sign)
        explanation: The message asks for a wire transfer.   # shown to the agent
        words: [wire transfer, 电汇]   # whole words or phrases, any case
        regex: 'IBAN\\s*[A-Z]{2}\\d{2}' # Python syntax; either or both of words/regex
        in: [subject, body]           # optional, default both
        ignore_case: true             # optional, for regex (words always ignore case)
      - name: reported_domains
        weight: 40
        explanation: The sender's domain sent phishing before.
        sender_domains: [evil.example] # the From domain or a subdomain of one
        display_names: [IT Helpdesk]   # the display name contains one (any case)

A signal fires (once) when any of its conditions matches. Every mistake is reported with
the file and line it is on, since the person reading the error has that file open.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from trustdesk.core import yamllist
from trustdesk.core.errors import ConfigurationError
from trustdesk.mailgateway.analysis.phishing.base import Context, MailView, Reason, Signal

_KEYS = {"name", "weight", "explanation", "words", "regex", "in", "ignore_case",
         "sender_domains", "display_names"}
_MATCHERS = ("words", "regex", "sender_domains", "display_names")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_WHERE = ("subject", "body")
MAX_WEIGHT = 50


class SignalConfigError(ConfigurationError):
    """A custom-signal file is wrong; ``message`` names the file and the line."""

    code = "phishing_signal_config"


class CustomSignal(Signal):
    def __init__(self, *, name: str, weight: int, explanation: str,
                 patterns: tuple[re.Pattern, ...] = (), where: tuple[str, ...] = _WHERE,
                 sender_domains: tuple[str, ...] = (), display_names: tuple[str, ...] = ()):
        self.name, self.weight, self.explanation = name, weight, explanation
        self.patterns, self.where = patterns, where
        self.sender_domains = tuple(d.lower().strip(".") for d in sender_domains)
        self.display_names = tuple(n.lower() for n in display_names)

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        parsed = mail.parsed
        domain = parsed.from_address.rpartition("@")[2]
        hit = bool(domain) and any(domain == d or domain.endswith("." + d)
                                   for d in self.sender_domains)
        shown = parsed.from_name.lower()
        hit = hit or (bool(shown) and any(n in shown for n in self.display_names))
        if not hit and self.patterns:
            texts = ([parsed.subject] if "subject" in self.where else []) + (
                [mail.text[:200_000]] if "body" in self.where else [])
            hit = any(p.search(t) for p in self.patterns for t in texts)
        return [Reason(self.name, self.weight, self.explanation)] if hit else []


def load_file(path: str | Path) -> list[CustomSignal]:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SignalConfigError(f"{path}: cannot read: {exc}") from None
    return load_text(source, where=str(path))


def load_text(source: str, *, where: str = "<signals>") -> list[CustomSignal]:
    """Signals declared in ``source``; raises ``SignalConfigError`` naming ``where`` and
    the line of the first mistake."""
    return yamllist.parse_list(source, where=where, key="signals", noun="signal",
                               error=SignalConfigError, one=_one)


def _one(where: str, node: yaml.Node) -> CustomSignal:
    fields = yamllist.mapping(node, where=where, error=SignalConfigError, noun="signal",
                              keys=_KEYS, required=("name", "weight", "explanation"),
                              example="name:, weight:, explanation: …")
    if not any(key in fields for key in _MATCHERS):
        _fail(where, node, "signal needs at least one of " + ", ".join(_MATCHERS))
    name = _scalar(where, fields["name"], "name")
    if not _NAME.fullmatch(name):
        _fail(where, fields["name"], f"name {name!r} must be lower_snake_case")
    try:
        weight = int(_scalar(where, fields["weight"], "weight"))
    except ValueError:
        weight = MAX_WEIGHT + 1
    if not -MAX_WEIGHT <= weight <= MAX_WEIGHT:
        _fail(where, fields["weight"], f"weight must be a whole number from -{MAX_WEIGHT} "
              f"to {MAX_WEIGHT}")
    explanation = _scalar(where, fields["explanation"], "explanation")
    ignore_case = _bool(where, fields.get("ignore_case"), "ignore_case")
    patterns = []
    if "words" in fields:
        words = _list(where, fields["words"], "words")
        # Whole words where a word has edges; Chinese text has no spaces to mark them.
        patterns.append(re.compile("|".join(
            rf"(?<!\w){re.escape(w)}(?!\w)" if w.isascii() else re.escape(w)
            for w in words), re.IGNORECASE))
    if "regex" in fields:
        regex_text = _scalar(where, fields["regex"], "regex")
        try:
            compiled = re.compile(regex_text, re.IGNORECASE if ignore_case else 0)
        except re.error as exc:
            _fail(where, fields["regex"], f"regex does not compile: {exc}")
        if compiled.match(""):
            _fail(where, fields["regex"], "regex matches the empty string")
        patterns.append(compiled)
    where_ = _WHERE
    if "in" in fields:
        where_ = tuple(_list(where, fields["in"], "in"))
        for value in where_:
            if value not in _WHERE:
                _fail(where, fields["in"], f"'in' takes subject and body, not {value!r}")
    senders = tuple(_list(where, fields["sender_domains"], "sender_domains")) \
        if "sender_domains" in fields else ()
    shown = tuple(_list(where, fields["display_names"], "display_names")) \
        if "display_names" in fields else ()
    return CustomSignal(name=name, weight=weight, explanation=explanation,
                        patterns=tuple(patterns),
                        where=where_, sender_domains=senders, display_names=shown)


def _scalar(where: str, node: yaml.Node, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        _fail(where, node, f"{key} must be a non-empty value")
    return node.value.strip()


def _list(where: str, node: yaml.Node, key: str) -> list[str]:
    if not isinstance(node, yaml.SequenceNode) or not node.value or not all(
            isinstance(w, yaml.ScalarNode) and w.value.strip() for w in node.value):
        _fail(where, node, f"{key} must be a list of non-empty values")
    return [w.value.strip() for w in node.value]


def _bool(where: str, node: yaml.Node | None, key: str) -> bool:
    if node is None:
        return False
    value = _scalar(where, node, key).lower()
    if value not in ("true", "false", "yes", "no"):
        _fail(where, node, f"{key} must be true or false")
    return value in ("true", "yes")


def _fail(where: str, node: yaml.Node, problem: str):
    yamllist.fail(SignalConfigError, where, node, problem)
