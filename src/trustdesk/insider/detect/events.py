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

    # Derived once, read by every detector:
    customer: str = field(init=False, default="")  # the one customer concerned, if any
    is_view: bool = field(init=False, default=False)  # a customer opened or revealed
    is_search: bool = field(init=False, default=False)  # searched by value or words
    is_export: bool = field(init=False, default=False)
    is_read: bool = field(init=False, default=False)  # views, searches, exports, downloads

    def __post_init__(self) -> None:
        action, allowed = self.action, self.outcome == "allowed"
        if self.object_type == "customer" and self.object_id:
            self.customer = self.object_id
        else:
            value = self.context.get("customer")
            self.customer = "" if value is None else str(value)
        self.is_view = allowed and action in VIEWS
        self.is_search = action == SEARCH and bool(
            self.context.get("searched") or self.context.get("words")
            or self.context.get("match"))
        self.is_export = allowed and action.endswith(".export")
        self.is_read = (self.is_view or self.is_export or action == SEARCH
                        or (allowed and action == DOWNLOAD))

    @property
    def ref(self) -> str:
        """How evidence names this event: its uid, else its id, else its line."""
        return self.uid or (f"id:{self.id}" if self.id else f"line:{self.line}")

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"

    @property
    def customers(self) -> list[str]:
        """Every customer the event names: the one concerned, or those listed."""
        if self.customer:
            return [self.customer]
        for key in ("customers", "ids") if self.object_type == "customer" else ("customers",):
            listed = self.context.get(key)
            if isinstance(listed, list):
                return [_text(c) for c in listed if c]
        return []

    @property
    def break_glass(self) -> bool:
        return bool(self.context.get("break_glass"))

    @property
    def overridden(self) -> bool:
        """A verification gate passed on a stated reason instead of verification."""
        return self.action == OVERRIDE or bool(self.context.get("verification_override"))


def _time(value, lineno: int) -> dt.datetime:
    if type(value) is not str or not value:
        raise MalformedEvent(lineno, "'at' must be an ISO time")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise MalformedEvent(lineno, f"'at' is not an ISO time: {value[:40]!r}") from None
    if moment.tzinfo is None:
        raise MalformedEvent(lineno, "'at' has no time zone")
    return moment if moment.tzinfo is dt.UTC else moment.astimezone(dt.UTC)


def _str(data: dict, key: str) -> str:
    value = data.get(key)
    return value if type(value) is str else ("" if value is None else str(value))


def parse_line(text: str, lineno: int) -> Event:
    """The event on one export line; raises ``MalformedEvent`` naming ``lineno``."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedEvent(lineno, f"not valid JSON ({getattr(exc, 'msg', exc)} at column "
                                     f"{getattr(exc, 'colno', '?')})") from None
    if type(data) is not dict:
        raise MalformedEvent(lineno, "not a JSON object")
    action = data.get("action")
    if type(action) is not str or not action:
        raise MalformedEvent(lineno, "'action' is missing")
    actor = data.get("actor")
    if type(actor) is str:
        actor = {"label": actor}
    if type(actor) is not dict:
        raise MalformedEvent(lineno, "'actor' must be an object")
    label, user_id = _str(actor, "label"), _str(actor, "user_id")
    if not label and not user_id:
        raise MalformedEvent(lineno, "'actor' has neither label nor user_id")
    obj = data.get("object") or {}
    if type(obj) is not dict:
        raise MalformedEvent(lineno, "'object' must be an object")
    context = data.get("context") or {}
    if type(context) is not dict:
        raise MalformedEvent(lineno, "'context' must be an object")
    fields = data.get("fields") or ()
    if type(fields) not in (list, tuple):
        raise MalformedEvent(lineno, "'fields' must be a list")
    return Event(
        lineno, _time(data.get("at"), lineno), action, label or f"user:{user_id}",
        _str(actor, "kind"), user_id, _str(data, "id"), _str(data, "uid"),
        _str(obj, "type"), _str(obj, "id"), _str(data, "outcome") or "allowed",
        _str(data, "ip"), _str(data, "user_agent"), _str(data, "reason"),
        tuple(f if type(f) is str else str(f) for f in fields), context)


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
    events.sort(key=_order)
    return events


def _order(e: Event):
    return e.at, e.line


def iter_file(path) -> Iterator[bytes]:
    """The lines of an export file as bytes, split on LF only (the export escapes every
    other line break), so a stray byte is reported on its own line."""
    with open(path, "rb") as handle:
        for text in handle:
            yield text.rstrip(b"\r\n")
