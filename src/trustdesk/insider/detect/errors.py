"""The insider detectors' errors: each says where the mistake is."""

from __future__ import annotations


class InsiderError(Exception):
    pass


class MalformedEvent(InsiderError):
    """An export line that cannot be read: the whole replay fails, naming the line."""

    def __init__(self, line: int | None, problem: str, *, lines: tuple[int, ...] = ()) -> None:
        self.line, self.problem = line, problem
        self.lines = lines or ((line,) if line is not None else ())
        super().__init__(problem if line is None else f"line {line}: {problem}")

    @classmethod
    def many(cls, errors: list[MalformedEvent]) -> MalformedEvent:
        if len(errors) == 1:
            return errors[0]
        text = "; ".join(str(e) for e in errors)
        return cls(None, f"{len(errors)} lines cannot be read: {text}",
                   lines=tuple(e.line for e in errors))


class ConfigError(InsiderError):
    """A mistake in the detectors' YAML configuration, with its file and line."""
