"""Who runs each recipient of the record of processing activities, declared in YAML
(``TRUSTDESK_PROCESSORS_PATH``) because no setting can say it::

    processors:
      - name: smtp_relay          # the recipient it describes (RECIPIENTS below)
        company: Example Mail Ltd # who processes the data for the controller
        country: US               # two letters (ISO 3166-1), where they process it
        contact: dpa@mail.example # optional
        safeguard: Standard contractual clauses (2021/914)   # optional, for a transfer

A declaration describes a recipient; it never adds one. The record lists only what the
settings configure, so a declared SMS provider with no SMS adapter configured is left out
(docs/processing.md). Mistakes are reported with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from trustdesk.core import yamllist
from trustdesk.core.errors import ConfigurationError

# Every recipient the record can list, in the order it lists them.
RECIPIENTS = (
    "hosting", "database", "keystore", "key_provider", "redis", "smtp_relay", "sms",
    "clamav", "audit_syslog", "verification_facts", "dnsbl",
)
_KEYS = {"name", "company", "country", "contact", "safeguard"}
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class ProcessorsError(ConfigurationError):
    """The processors file is wrong; ``message`` names the file and the line."""

    code = "processors_invalid"


@dataclass(frozen=True, slots=True)
class Processor:
    name: str  # a key of RECIPIENTS
    company: str
    country: str
    contact: str = ""
    safeguard: str = ""


def _fail(where: str, node: yaml.Node, problem: str):
    yamllist.fail(ProcessorsError, where, node, problem)


def _text(where: str, node: yaml.Node, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        _fail(where, node, f"'{key}' must be a non-empty value")
    return " ".join(str(node.value).split())[:254]


def _one(where: str, node: yaml.Node) -> Processor:
    fields = yamllist.mapping(node, where=where, error=ProcessorsError, noun="processor",
                              keys=_KEYS, required=("name", "company", "country"),
                              example="name:, company:, country: …")
    name = _text(where, fields["name"], "name")
    if name not in RECIPIENTS:
        _fail(where, fields["name"], f"{name!r} is no recipient TrustDesk has; use one of "
              + ", ".join(RECIPIENTS))
    country = _text(where, fields["country"], "country").upper()
    if not _COUNTRY.match(country):
        _fail(where, fields["country"], f"country {country!r} must be two letters, like DE")
    return Processor(name=name, company=_text(where, fields["company"], "company"),
                     country=country,
                     **{k: _text(where, fields[k], k) for k in ("contact", "safeguard")
                        if k in fields})


def parse_processors(source: str, *, where: str = "<processors>") -> tuple[Processor, ...]:
    return tuple(yamllist.parse_list(source, where=where, key="processors", noun="processor",
                                     error=ProcessorsError, one=_one))


def load_processors(path: Path | str) -> tuple[Processor, ...]:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProcessorsError(f"{path}: cannot read: {exc}") from None
    return parse_processors(source, where=str(path))


@cache
def _cached(path: str, mtime_ns: int) -> tuple[Processor, ...]:
    return load_processors(path)


def declared() -> dict[str, Processor]:
    """The processors the settings' file declares, by recipient (none without a file)."""
    from django.conf import settings

    path = getattr(settings, "PROCESSORS_PATH", None)
    if not path:
        return {}
    try:
        mtime = Path(path).stat().st_mtime_ns
    except OSError as exc:
        raise ProcessorsError(f"{path}: cannot read: {exc.strerror}") from None
    return {p.name: p for p in _cached(str(path), mtime)}
