"""SpamAssassin's spamd for the phishing benchmark: the mail benchmark's (``_spamd``: local
tests only, no user configuration, no Bayes, a throw-away site configuration), listening
on a UNIX socket in its throw-away directory instead of a TCP port, so that the benchmark
needs no port of its own.

spamd is not a TrustDesk dependency: ``apt-get install spamassassin spamd``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import _spamd
from _spamd import LOCAL_CF, SITE_CONFIG, SPAMD

__all__ = ["Spamd", "missing"]


def missing() -> str | None:
    why = _spamd.missing()
    return f"{why}, or run with --no-spamassassin" if why else None


class Spamd(_spamd.Spamd):
    def __init__(self, children: int):
        super().__init__(0, children)
        self.socket = str(self.dir / "spamd.sock")

    def __enter__(self) -> Spamd:
        self.dir.chmod(0o755)  # read by the children, which run as nobody under root
        for pre in SITE_CONFIG.glob("*.pre"):  # the plugin list, not the local.cf
            shutil.copy(pre, self.dir)
        (self.dir / "local.cf").write_text(LOCAL_CF)
        cmd = [SPAMD, "--local", "-x", "--socketpath", self.socket, "--socketmode", "0666",
               "--siteconfigpath", str(self.dir), "--pidfile", str(self.dir / "spamd.pid"),
               "--max-children", str(self.children), "--min-children", str(self.children),
               "--min-spare", "1", "--max-spare", str(self.children), "--syslog", "stderr"]
        if os.geteuid() == 0:  # spamd will not keep root for its children
            cmd += ["--username", "nobody"]
        self.log = open(self.dir / "spamd.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.dir)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("spamd exited at start:\n" + self._log_tail())
            try:
                if self.ping():
                    return self
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError("spamd did not answer PING within 120 s:\n" + self._log_tail())

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
