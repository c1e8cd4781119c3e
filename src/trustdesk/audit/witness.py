"""The chain head, witnessed outside the database.

After every chaining the head (seq, hash) is written, signed, to a file in the data
directory. A reader with database access can delete the newest events and their links,
but not move this file back: ``audit verify`` compares the database's last position with
the witness and so detects truncation of the tail, even after the last checkpoint.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from trustdesk.audit import canonical
from trustdesk.core import clock
from trustdesk.vault import signing


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    at: str
    signature_ok: bool


def path() -> Path:
    return Path(settings.AUDIT_WITNESS_PATH)


def read() -> Head | None:
    try:
        data = json.loads(path().read_text())
        message = canonical.checkpoint_message(data["seq"], data["hash"], data["at"])
        ok = signing.signature_valid(message, base64.b64decode(data["signature"]))
        return Head(int(data["seq"]), data["hash"], data["at"], ok)
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        return Head(-1, "", "", False)


def advance(seq: int, head: str) -> None:
    """Record ``(seq, head)`` unless the witness already holds a later position."""
    p = path()
    p.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(os.open(p.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read()
        if current is not None and current.signature_ok and current.seq >= seq:
            return
        at = canonical.iso(clock.now())
        signature = signing.sign(canonical.checkpoint_message(seq, head, at))
        tmp = p.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"seq": seq, "hash": head, "at": at,
                       "signature": base64.b64encode(signature).decode()}, fh)
        os.replace(tmp, p)
