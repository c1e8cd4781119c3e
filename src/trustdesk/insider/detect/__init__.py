"""The insider-threat detection core (pure: no Django). See docs/insider.md.

``replay(lines, settings)`` reads audit-export JSON lines (``events``), builds what the
detectors share about them (``world``), and runs every configured detector
(``registry``, ``detectors``); ``config`` reads the YAML settings."""

from __future__ import annotations

from collections.abc import Iterable

from trustdesk.insider.detect.base import Alert
from trustdesk.insider.detect.config import Settings
from trustdesk.insider.detect.config import load_file as _load_file
from trustdesk.insider.detect.errors import ConfigError, InsiderError, MalformedEvent
from trustdesk.insider.detect.events import Event, read_events
from trustdesk.insider.detect.registry import KNOWN, Registry

__all__ = ["KNOWN", "Alert", "ConfigError", "Event", "InsiderError", "MalformedEvent",
           "Registry", "Settings", "load_settings", "replay"]


def load_settings(path) -> Settings:
    return _load_file(path, detectors=KNOWN)


def replay(lines: Iterable[str | bytes], settings: Settings | None = None) -> list[Alert]:
    """The alerts over an export; raises ``MalformedEvent`` if any line cannot be read."""
    settings = settings or Settings()
    events = read_events(lines)
    return Registry.from_settings(settings).run(events, settings)
