"""The application log's formatters: one record, one line, as text or as JSON.

Messages and their arguments carry what people and clients sent (paths, e-mail
addresses, reasons, headers); a line break in one of them would let the sender write a
line that looks like a record of its own. The text formatter passes the whole formatted
record — message, arguments and any traceback — through ``core.lines.one_line``, so a
traceback arrives as one line with its breaks written ``\\n``. The JSON formatter writes
one object per line; JSON escapes CR and LF itself, and ``ensure_ascii`` escapes every
other character a reader could break a line on (U+0085, U+2028, U+2029).

Both name the request a record was written in (``core.requests.RequestFilter`` puts
its fields on the record): its id, method, route, status, duration and the actor's user
id — never the path, the query string or an address.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from trustdesk.core.lines import one_line
from trustdesk.core.requests import FIELDS


def _request_fields(record: logging.LogRecord) -> dict:
    return {name: getattr(record, name, None) for name in FIELDS}


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = {k: v for k, v in _request_fields(record).items() if v is not None}
        if fields:
            text += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return one_line(text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_request_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=True, default=str, separators=(",", ":"))
