"""SpamAssassin's spamd for the phishing benchmark: the mail benchmark's (``_spamd``: local
tests only, no user configuration, no Bayes, a throw-away site configuration), listening
on a UNIX socket in its throw-away directory instead of a TCP port, so that the benchmark
needs no port of its own.

spamd is not a TrustDesk dependency: ``apt-get install spamassassin spamd``.
"""

from __future__ import annotations

import socket

import _spamd

__all__ = ["Spamd", "missing"]


def missing() -> str | None:
    why = _spamd.missing()
    return f"{why}, or run with --no-spamassassin" if why else None


class Spamd(_spamd.Spamd):
    def __init__(self, children: int):
        super().__init__(0, children)
        self.socket = str(self.dir / "spamd.sock")

    def _listen_args(self) -> list[str]:
        return ["--socketpath", self.socket, "--socketmode", "0666"]

    def _request(self, data: bytes) -> bytes:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(60)
            sock.connect(self.socket)
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def score(self, raw: bytes) -> float:
        """SpamAssassin's score for one message (``CHECK``: every rule, the verdict only)."""
        return self.check(raw)[1]
