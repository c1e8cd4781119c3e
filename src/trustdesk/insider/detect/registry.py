"""Which detectors run, with which parameters: the built-ins, each overridable (or
switched off) from the YAML configuration."""

from __future__ import annotations

from collections.abc import Iterable

from trustdesk.insider.detect.base import Alert, Detector
from trustdesk.insider.detect.config import Settings
from trustdesk.insider.detect.detectors import BUILTIN
from trustdesk.insider.detect.errors import ConfigError
from trustdesk.insider.detect.events import Event
from trustdesk.insider.detect.world import World

KNOWN: dict[str, type[Detector]] = {d.name: d for d in BUILTIN}


class Registry:
    def __init__(self, detectors: Iterable[Detector] = ()) -> None:
        self._detectors: list[Detector] = []
        for d in detectors:
            self.add(d)

    @classmethod
    def from_settings(cls, settings: Settings) -> Registry:
        return cls(KNOWN[name](**settings.detectors.get(name, {}))
                   for name in KNOWN if name not in settings.disabled)

    def add(self, detector: Detector) -> None:
        if any(d.name == detector.name for d in self._detectors):
            raise ConfigError(f"a detector named {detector.name!r} is already registered")
        self._detectors.append(detector)

    @property
    def detectors(self) -> tuple[Detector, ...]:
        return tuple(self._detectors)

    def run(self, events: list[Event], settings: Settings) -> list[Alert]:
        """Every detector's alerts scoring at least ``settings.min_score``, in time
        order."""
        world = World(events, settings)
        alerts = [a for d in self._detectors for a in d.run(world)
                  if a.score >= settings.min_score]
        return sorted(alerts, key=lambda a: (a.first_at, a.detector, a.actor))
