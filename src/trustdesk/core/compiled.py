"""The SQL the ORM writes for a hot read, built once per shape instead of per call.

Building a query (resolving lookups and joins, compiling) costs more than running it for
the small reads every request makes. ``sql`` keeps the ORM's own SQL for a shape (the
database vendor and the caller's key, e.g. how many ids) and checks, when it builds it,
that the query takes exactly the parameters the caller will pass, in that order: built
from sentinel values, its parameters must equal ``expected``. The caller then runs it
with a plain cursor and the real values, prepared as the ORM would prepare them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

_lock = threading.Lock()
_sqls: dict[tuple, str] = {}


def sql(key: tuple, build: Callable[[], tuple[object, list]]) -> str:
    """The SQL of the queryset ``build()`` returns (with the parameters it must take)."""
    full = (connection.vendor, *key)
    found = _sqls.get(full)
    if found is None:
        queryset, expected = build()
        found, params = queryset.query.sql_with_params()
        if list(params) != list(expected):
            raise RuntimeError(f"{key}: the query takes {params!r}, not {expected!r}")
        with _lock:
            if len(_sqls) > 512:
                _sqls.clear()
            _sqls[full] = found
    return found
