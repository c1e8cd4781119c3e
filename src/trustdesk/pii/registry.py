"""Which recognizers a scanner runs. A registry is built once (built-ins, then custom
YAML files) and only read while scanning, so one instance serves every thread."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from trustdesk.pii import custom
from trustdesk.pii.errors import RecognizerConfigError, UnknownEntity
from trustdesk.pii.recognizers import BUILTIN, Recognizer

# Names other tools use for the same thing; selecting either selects ours.
ALIASES = {
    "US_PASSPORT": "PASSPORT",
    "US_DRIVER_LICENSE": "DRIVER_LICENSE",
    "SECRET": "API_KEY",
    "CN_MOBILE": "PHONE_NUMBER",
}
NER_ENTITIES = frozenset({"PERSON", "LOCATION"})


class Registry:
    def __init__(self, recognizers: Iterable[Recognizer] = ()) -> None:
        self._recognizers: list[Recognizer] = []
        for rec in recognizers:
            self.add(rec)

    @classmethod
    def default(cls) -> Registry:
        return cls(rec() for rec in BUILTIN)

    def add(self, recognizer: Recognizer) -> None:
        """Appends ``recognizer``; it loses ties to every one registered before it."""
        if any(r.name == recognizer.name for r in self._recognizers):
            raise RecognizerConfigError(f"a recognizer named {recognizer.name!r} is "
                                        "already registered")
        recognizer.priority = len(self._recognizers)
        self._recognizers.append(recognizer)

    def remove(self, name: str) -> None:
        self._recognizers = [r for r in self._recognizers if r.name != name]

    def load_yaml(self, path: str | Path) -> list[Recognizer]:
        """Adds the recognizers declared in ``path`` (see ``custom``); raises
        ``RecognizerConfigError`` naming the file and line of a mistake."""
        loaded = custom.load_file(path)
        for rec in loaded:
            self.add(rec)
        return list(loaded)

    @property
    def recognizers(self) -> tuple[Recognizer, ...]:
        return tuple(self._recognizers)

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(e for r in self._recognizers for e in r.entities)

    def resolve(self, entities: Iterable[str] | None) -> frozenset[str] | None:
        """The canonical names of ``entities`` (aliases mapped), or None for "all";
        raises ``UnknownEntity`` for a name neither a recognizer nor NER produces."""
        if entities is None:
            return None
        if isinstance(entities, str):
            entities = [entities]
        known = self.entities | NER_ENTITIES
        wanted = set()
        for name in entities:
            canon = ALIASES.get(name.upper(), name.upper())
            if canon not in known:
                raise UnknownEntity(
                    f"unknown entity {name!r}; known: {', '.join(sorted(known))}",
                    field="entities")
            wanted.add(canon)
        return frozenset(wanted)

    def select(self, wanted: frozenset[str] | None) -> list[Recognizer]:
        if wanted is None:
            return list(self._recognizers)
        return [r for r in self._recognizers if wanted.intersection(r.entities)]
