"""One audit event as the detectors see it, read from one line of
``trustdesk audit export --format jsonl`` (``audit/export.py``).

Lenient about what it does not need (unknown keys are ignored, optional ones may be
missing or null), strict about what it does: a line that is not a JSON object, or lacks
a readable time, action or actor, raises ``MalformedEvent`` naming the line. Nothing is
dropped silently: a trail the detectors cannot read whole is not judged at all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from trustdesk.insider.detect.errors import MalformedEvent

# What the detectors count. Customer data read one customer at a time:
VIEWS = frozenset({"customer.view", "customer.reveal", "message.reveal"})
SEARCH = "customer.list"
DOWNLOAD = "attachment.download"
LOGIN = "auth.login"
REPLY_BLOCKED = "ticket.reply_blocked"
OVERRIDE = "customer.verification_override"
# Ticket work: what gives an agent a reason to read a customer.
TICKET_WORK = frozenset({"ticket.view", "ticket.reply", "ticket.note", "ticket.create",
                         "ticket.update", "ticket.follow", "ticket.tag", "ticket.hold",
                         "ticket.cc", "ticket.merge", "ticket.reply_blocked", "macro.apply",
                         "ticket.list", "attachment.download"})


def _text(value) -> str:
    return "" if value is None else str(value)


@dataclass(slots=True)
class Event:
    line: int
    at: dt.datetime
    action: str
    actor: str
    actor_kind: str = ""
    user_id: str = ""
    id: str = ""
    uid: str = ""
    object_type: str = ""
    object_id: str = ""
    outcome: str = "allowed"
    ip: str = ""
    user_agent: str = ""
    reason: str = ""
    fields: tuple[str, ...] = ()
    context: dict = field(default_factory=dict)
    local: dt.datetime | None = None  # set by ``World``: the time where the actor is

    @property
    def ref(self) -> str:
        """How evidence names this event: its uid, else its id, else its line."""
        return self.uid or (f"id:{self.id}" if self.id else f"line:{self.line}")

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"

    @property
    def customer(self) -> str:
        """The one customer concerned, if any."""
        if self.object_type == "customer" and self.object_id:
            return self.object_id
        return _text(self.context.get("customer"))

    @property
    def customers(self) -> list[str]:
        """Every customer the event names: the one concerned, or those listed."""
        one = self.customer
        if one:
            return [one]
        for key in ("customers", "ids") if self.object_type == "customer" else ("customers",):
            listed = self.context.get(key)
            if isinstance(listed, list):
                return [_text(c) for c in listed if c]
        return []

    @property
    def is_view(self) -> bool:
        return self.action in VIEWS and self.allowed

    @property
    def is_search(self) -> bool:
        """A search by value or words (a plain listing is not one)."""
        return self.action == SEARCH and bool(
            self.context.get("searched") or self.context.get("words")
            or self.context.get("match"))

    @property
    def is_export(self) -> bool:
        return self.action.endswith(".export") and self.allowed

    @property
    def is_read(self) -> bool:
        """Customer data read: views, reveals, searches, exports, downloads."""
        return (self.is_view or self.is_export or (self.action == DOWNLOAD and self.allowed)
                or self.action == SEARCH)

    @property
    def break_glass(self) -> bool:
        return bool(self.context.get("break_glass"))

    @property
    def overridden(self) -> bool:
        """A verification gate passed on a stated reason instead of verification."""
        return self.action == OVERRIDE or bool(self.context.get("verification_override"))


def _time(value, lineno: int) -> dt.datetime:
    if not isinstance(value, str) or not value:
        raise MalformedEvent(lineno, "'at' must be an ISO time")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedEvent(lineno, f"'at' is not an ISO time: {value[:40]!r}") from None
    if moment.tzinfo is None:
        raise MalformedEvent(lineno, "'at' has no time zone")
    return moment.astimezone(dt.UTC)


def parse_line(text: str, lineno: int) -> Event:
    """The event on one export line; raises ``MalformedEvent`` naming ``lineno``."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedEvent(lineno, f"not valid JSON ({exc.msg} at column "
                                     f"{exc.colno})") from None
    if not isinstance(data, dict):
        raise MalformedEvent(lineno, "not a JSON object")
    action = data.get("action")
    if not isinstance(action, str) or not action:
        raise MalformedEvent(lineno, "'action' is missing")
    actor = data.get("actor")
    if isinstance(actor, str):
        actor = {"label": actor}
    if not isinstance(actor, dict):
        raise MalformedEvent(lineno, "'actor' must be an object")
    label, user_id = _text(actor.get("label")), _text(actor.get("user_id"))
    if not label and not user_id:
        raise MalformedEvent(lineno, "'actor' has neither label nor user_id")
    obj = data.get("object") or {}
    if not isinstance(obj, dict):
        raise MalformedEvent(lineno, "'object' must be an object")
    context = data.get("context") or {}
    if not isinstance(context, dict):
        raise MalformedEvent(lineno, "'context' must be an object")
    fields = data.get("fields") or ()
    if not isinstance(fields, list | tuple):
        raise MalformedEvent(lineno, "'fields' must be a list")
    return Event(
        line=lineno, at=_time(data.get("at"), lineno), action=action,
        actor=label or f"user:{user_id}", actor_kind=_text(actor.get("kind")), user_id=user_id,
        id=_text(data.get("id")), uid=_text(data.get("uid")),
        object_type=_text(obj.get("type")), object_id=_text(obj.get("id")),
        outcome=_text(data.get("outcome")) or "allowed", ip=_text(data.get("ip")),
        user_agent=_text(data.get("user_agent")), reason=_text(data.get("reason")),
        fields=tuple(_text(f) for f in fields), context=context)


def read_events(lines: Iterable[str | bytes], *, max_errors: int = 20) -> list[Event]:
    """Every event of an export, in time order. Blank lines are skipped; any other line
    that cannot be read makes the whole read fail (``MalformedEvent``, listing up to
    ``max_errors`` lines)."""
    events, errors = [], []
    for lineno, text in enumerate(lines, 1):
        try:
            if isinstance(text, bytes):
                try:
                    text = text.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise MalformedEvent(lineno, f"not UTF-8 (byte {exc.start + 1})") from None
            if not text.strip():
                continue
            events.append(parse_line(text, lineno))
        except MalformedEvent as exc:
            errors.append(exc)
            if len(errors) >= max_errors:
                break
    if errors:
        raise MalformedEvent.many(errors)
    events.sort(key=lambda e: (e.at, e.line))
    return events


def iter_file(path) -> Iterator[bytes]:
    """The lines of an export file as bytes, split on LF only (the export escapes every
    other line break), so a stray byte is reported on its own line."""
    with open(path, "rb") as handle:
        for text in handle:
            yield text.rstrip(b"\r\n")
