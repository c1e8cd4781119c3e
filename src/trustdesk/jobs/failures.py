"""What a failed job leaves behind: where it failed, never what it was holding.

An exception's message can carry data — a database error quotes the duplicate key, a
parser quotes its input — and the job table is neither encrypted nor erased with a
customer. So the stored traceback keeps the frames (file, line, function) and the
exception's class; a ``TrustDeskError`` adds its code and its outward message, which are
vague by design (core/errors.py). The specifics stay in the process that failed.
"""

from __future__ import annotations

import traceback

from trustdesk.core.errors import TrustDeskError


def exception_path(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def describe(exc: BaseException) -> str:
    lines = ["Traceback (most recent call last):"]
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
    if isinstance(exc, TrustDeskError):
        lines.append(f"{exception_path(exc)} [{exc.code}]: {exc.message}")
    else:
        lines.append(f"{exception_path(exc)} (message withheld)")
    return "\n".join(lines)


class WorkerLost(TrustDeskError):
    """The worker running the job stopped answering (killed, machine lost)."""

    code = "worker_lost"
    message = "The worker running this job stopped before it finished."


def permanent(exc: BaseException) -> bool:
    """Failures that another attempt cannot mend: the input or the permission is wrong,
    or the job's code is gone. Everything else (a database restart, a key provider that
    did not answer, a lost worker) is retried."""
    from django.core.exceptions import SuspiciousOperation

    from trustdesk.core.errors import Gone, NotFound, PermissionDenied, ValidationError

    return isinstance(exc, ValidationError | PermissionDenied | NotFound | Gone
                      | SuspiciousOperation | ImportError)
