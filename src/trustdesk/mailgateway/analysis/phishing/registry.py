"""Which signals the analyser runs. A registry is built once (the built-in signals, then
custom YAML files, see ``custom``) and only read while analysing, so one instance serves
every thread.

The built-ins are this package's identity and attachment signals and, when the module
is installed, the content signals of ``phishing.content`` (links, forms, language):
every ``Signal`` subclass with a name defined there, in the order written.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterable
from pathlib import Path

from trustdesk.mailgateway.analysis.phishing import (
    attachments,
    custom,
    identity,
    pretext,
    requests,
    spam,
)
from trustdesk.mailgateway.analysis.phishing.base import Signal
from trustdesk.mailgateway.analysis.phishing.custom import SignalConfigError

log = logging.getLogger(__name__)
OPTIONAL_MODULES = ("trustdesk.mailgateway.analysis.phishing.content",)


def _signals_of(module) -> list[type[Signal]]:
    declared = getattr(module, "SIGNALS", None)
    if declared is not None:
        return list(declared)
    return [cls for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Signal) and cls is not Signal and cls.name
            and cls.__module__ == module.__name__]


def builtin() -> list[type[Signal]]:
    classes = [*identity.SIGNALS, *attachments.SIGNALS, *requests.SIGNALS, *pretext.SIGNALS,
               *spam.SIGNALS]
    for name in OPTIONAL_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            if exc.name == name:
                log.info("%s is not installed: its signals are not run", name)
            else:
                log.error("%s cannot be imported: its signals are not run", name,
                          exc_info=True)
            continue
        except Exception:  # a broken module costs its signals, not the analyser
            log.error("%s cannot be imported: its signals are not run", name, exc_info=True)
            continue
        classes += _signals_of(module)
    return classes


class Registry:
    def __init__(self, signals: Iterable[Signal] = ()) -> None:
        self._signals: list[Signal] = []
        for signal in signals:
            self.add(signal)

    @classmethod
    def default(cls) -> Registry:
        return cls(signal() for signal in builtin())

    def add(self, signal: Signal) -> None:
        if not signal.name:
            raise SignalConfigError(f"{type(signal).__name__} has no name")
        if any(s.name == signal.name for s in self._signals):
            raise SignalConfigError(f"a signal named {signal.name!r} is already registered")
        self._signals.append(signal)

    def remove(self, name: str) -> None:
        self._signals = [s for s in self._signals if s.name != name]

    def load_yaml(self, path: str | Path) -> list[Signal]:
        """Adds the signals declared in ``path`` (see ``custom``); raises
        ``SignalConfigError`` naming the file and line of a mistake."""
        loaded = custom.load_file(path)
        for signal in loaded:
            self.add(signal)
        return list(loaded)

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(self._signals)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._signals)
