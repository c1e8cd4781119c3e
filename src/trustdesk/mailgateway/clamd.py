"""A small client of ClamAV's daemon (clamd), over its unix socket or TCP.

Two commands of clamd's protocol: ``PING`` and ``INSTREAM`` (the file sent in chunks,
each a 4-byte big-endian length and the bytes, ended by a zero length), both in the
NUL-terminated form (``zCOMMAND\\0``). clamd refuses a stream longer than its
``StreamMaxLength``; the client refuses one longer than ``max_bytes`` before sending, so
that a file clamd would only see the start of is never "clean".

Fails closed: an error, a timeout or a reply the client does not expect is
``result="error"``, and the caller treats the file as unscanned. No Django here: the
gateway passes the address and bounds from its settings.
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass

CHUNK = 64 * 1024
MAX_REPLY = 4096
DEFAULT_MAX_BYTES = 25 * 1024 * 1024  # clamd's StreamMaxLength before 1.0; set it to yours


@dataclass(frozen=True)
class ClamResult:
    result: str  # "clean", "found" or "error"
    signature: str = ""  # the signature's name when found
    detail: str = ""  # why, when an error (for the log: never quotes the file)

    @property
    def clean(self) -> bool:
        return self.result == "clean"


class _Failure(Exception):
    pass


def parse_address(address: str) -> tuple[int, object]:
    """``unix:/path``, ``/path`` (unix socket), or ``tcp:host:port`` / ``host:port``
    (``[::1]:3310`` for IPv6) → (address family, socket address)."""
    if address.startswith("unix:"):
        return socket.AF_UNIX, address[len("unix:"):]
    if address.startswith("/"):
        return socket.AF_UNIX, address
    rest = address[len("tcp:"):] if address.startswith("tcp:") else address
    host, sep, port = rest.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"not a clamd address: {address!r}")
    if host.startswith("[") and host.endswith("]"):
        return socket.AF_INET6, (host[1:-1], int(port))
    return socket.AF_INET, (host, int(port))


class _Connection:
    """One command's connection, every step bounded by one deadline."""

    def __init__(self, address: str, timeout: float):
        self.deadline = time.monotonic() + timeout
        family, target = parse_address(address)
        if family == socket.AF_INET:
            # A host name goes to the system's resolver, which the deadline does not
            # bound: configure an address or a name from /etc/hosts.
            host, port = target
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            family, target = infos[0][0], infos[0][4]
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            self._arm()
            self.sock.connect(target)
        except BaseException:
            self.sock.close()
            raise

    def _arm(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("clamd did not answer in time")
        self.sock.settimeout(left)

    def send(self, data: bytes) -> None:
        self._arm()
        self.sock.sendall(data)

    def reply(self) -> str:
        buf = bytearray()
        while b"\0" not in buf:
            self._arm()
            chunk = self.sock.recv(MAX_REPLY)
            if not chunk:
                break
            buf += chunk
            if len(buf) > MAX_REPLY:
                raise _Failure("clamd's reply is too long")
        if b"\0" not in buf:
            raise _Failure("clamd closed the connection without a complete reply")
        return buf.split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def close(self) -> None:
        self.sock.close()


def ping(*, address: str, timeout: float = 2.0) -> bool:
    """Whether clamd answers ``PONG``."""
    try:
        conn = _Connection(address, timeout)
        try:
            conn.send(b"zPING\0")
            return conn.reply() == "PONG"
        finally:
            conn.close()
    except Exception:
        return False


def scan_bytes(data: bytes, *, address: str, timeout: float = 30.0,
               max_bytes: int = DEFAULT_MAX_BYTES) -> ClamResult:
    """Scan ``data`` with clamd's INSTREAM. ``max_bytes`` should be clamd's
    StreamMaxLength: a longer file is an error, not sent."""
    if len(data) > max_bytes:
        return ClamResult("error", detail=f"the file is larger than {max_bytes} bytes, the "
                                          "most clamd is set to scan")
    # Any failure at all is an "error" the caller fails closed on, never an exception.
    try:
        conn = _Connection(address, timeout)
    except Exception as exc:
        return ClamResult("error", detail=f"cannot connect to clamd: {exc}")
    try:
        return _instream(conn, data)
    except Exception as exc:
        return ClamResult("error", detail=f"clamd: {exc}")
    finally:
        conn.close()


def _instream(conn: _Connection, data: bytes) -> ClamResult:
    try:
        conn.send(b"zINSTREAM\0")
        view = memoryview(data)
        for start in range(0, len(data), CHUNK):
            piece = view[start:start + CHUNK]
            conn.send(struct.pack(">I", len(piece)) + piece)
        conn.send(struct.pack(">I", 0))
    except (BrokenPipeError, ConnectionResetError):
        # clamd closes the stream when it passes StreamMaxLength, after saying so.
        pass
    return interpret(conn.reply())


def interpret(reply: str) -> ClamResult:
    """clamd's INSTREAM reply: ``stream: OK``, ``stream: <name> FOUND`` or ``... ERROR``."""
    if reply == "stream: OK":
        return ClamResult("clean")
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        signature = reply[len("stream: "):-len(" FOUND")].strip()
        if signature:
            return ClamResult("found", signature=signature)
    return ClamResult("error", detail=f"clamd replied: {reply[:200]}")
