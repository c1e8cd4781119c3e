"""The country of a client address, for the lists' country entries, from a MaxMind-format
database file (GeoLite2/GeoIP2 Country or City, DB-IP's country lite, …) named by
``TRUSTDESK_GEOIP_DATABASE``. The file is read locally (memory-mapped); nothing is asked
over the network.

Three outcomes:

* an ISO 3166-1 alpha-2 code (``"DE"``);
* ``None``: no database is configured (country entries then never match: the lists page
  says so), or the address is not in it (private and reserved ranges, a gap in the data);
* ``UNAVAILABLE``: a database is configured but cannot be opened or read (missing,
  truncated, not a MaxMind database). This is not the same as "no country": a deny entry
  for a country might have matched, so the policy defers (451) mail that a country deny
  entry would have to judge, rather than let it through unchecked or refuse it for good
  for what is our own fault; senders retry for days, time enough to fix the file. Mail that
  no country deny entry could judge is not held up.

A replaced file (``geoipupdate`` writes a new one and renames it into place) is picked up
on the next lookup: the reader is reopened when the file's identity or size changes.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading

import maxminddb

from trustdesk.mailgateway.countries import CODES
from trustdesk.mailgateway.lists import UNAVAILABLE

log = logging.getLogger("trustdesk.mailgateway")
_lock = threading.Lock()
_open: dict[str, tuple[tuple, maxminddb.Reader | None]] = {}  # path -> (stat key, reader)


def _configured() -> str | None:
    from django.conf import settings

    return getattr(settings, "GEOIP_DATABASE", None)


def _reader(path: str) -> maxminddb.Reader | None:
    """The open reader of ``path``, or None (logged once per change) if it is unusable."""
    try:
        st = os.stat(path)
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError as exc:
        key, error = ("missing",), exc
    else:
        error = None
    held = _open.get(path)
    if held and held[0] == key:
        return held[1]
    with _lock:
        reader = None
        if error is None:
            try:
                reader = maxminddb.open_database(path)
            except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
                error = exc
        if error is not None:
            log.error("GeoIP database %s unusable (%s): country rules cannot be checked",
                      path, type(error).__name__)
        # The reader it replaces is not closed here: another thread may be reading
        # it; it closes when the last reference goes.
        _open[path] = (key, reader)
    return reader


def _code(record) -> str | None:
    if not isinstance(record, dict):
        return None
    for key in ("country", "registered_country"):
        value = record.get(key)
        code = value.get("iso_code") if isinstance(value, dict) else value
        if isinstance(code, str) and code.upper() in CODES:
            return code.upper()
    return None


def country_of(ip, *, database: str | None = None) -> str | None:
    """The country of ``ip`` (see the module docstring for None and ``UNAVAILABLE``).
    ``database`` overrides the setting (tests, ``trustdesk mail lists``)."""
    path = database if database is not None else _configured()
    if not path:
        return None
    try:
        address = ipaddress.ip_address(str(ip).strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    reader = _reader(path)
    if reader is None:
        return UNAVAILABLE
    if address.version == 6 and reader.metadata().ip_version == 4:
        return None  # an IPv4-only database knows no IPv6 address
    try:
        return _code(reader.get(address))
    except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
        log.error("GeoIP database %s unreadable (%s)", path, type(exc).__name__)
        return UNAVAILABLE


def status(*, database: str | None = None) -> str:
    """``off`` (none configured), ``ok`` or ``unavailable``: for the lists page."""
    path = database if database is not None else _configured()
    if not path:
        return "off"
    return "ok" if _reader(path) is not None else UNAVAILABLE
