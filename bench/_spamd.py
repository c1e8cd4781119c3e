"""SpamAssassin's spamd for the mail benchmark: started by the benchmark with local rules
only (``--local``: no DNS or network tests, so no RBL, URIBL, Razor, Pyzor, nor the DNS
that SPF, DKIM and DMARC would need), no user configuration (``-x``), no Bayes
learning, a throw-away site configuration and pid file; and a small client that speaks
the spamd protocol over a socket, one request per connection as ``spamc`` does, without
starting a process per message.

spamd is not a TrustDesk dependency; it is installed for this benchmark only:
``apt-get install spamassassin spamd`` (Debian/Ubuntu; spamd is its own package from
SpamAssassin 4 on).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SPAMD = os.environ.get("TRUSTDESK_BENCH_SPAMD", "/usr/sbin/spamd")
SITE_CONFIG = Path("/etc/spamassassin")
# Our stub answers every DNS question from a table; spamd's equivalent is to ask none.
LOCAL_CF = """\
use_bayes 0
bayes_auto_learn 0
skip_rbl_checks 1
use_razor2 0
use_pyzor 0
"""


def missing() -> str | None:
    """Why spamd cannot be run here, or None."""
    if not (Path(SPAMD).is_file() and os.access(SPAMD, os.X_OK)):
        return (f"spamd not found at {SPAMD}: install it with "
                "`apt-get install spamassassin spamd` (or set TRUSTDESK_BENCH_SPAMD)")
    return None


class Spamd:
    def __init__(self, port: int, children: int):
        self.port, self.children = port, children
        self.dir = Path(tempfile.mkdtemp(prefix="trustdesk-bench-spamd-"))
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Spamd:
        self.dir.chmod(0o755)  # read by the children, which run as nobody
        # The distribution's plugin list (the .pre files load DKIM, SPF, DMARC, HTML,
        # MIME and the other rule plugins), not its local.cf: ours replaces it.
        for pre in SITE_CONFIG.glob("*.pre"):
            shutil.copy(pre, self.dir)
        (self.dir / "local.cf").write_text(LOCAL_CF)
        cmd = [SPAMD, "--local", "-x", *self._listen_args(),
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

    def _listen_args(self) -> list[str]:
        return ["--listen", f"127.0.0.1:{self.port}"]

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _log_tail(self) -> str:
        self.log.flush()
        return (self.dir / "spamd.log").read_text(errors="replace")[-3000:]

    def _request(self, data: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def ping(self) -> bool:
        return self._request(b"PING SPAMC/1.5\r\n\r\n").startswith(b"SPAMD/1.5 0 PONG")

    def check(self, raw: bytes) -> tuple[bool, float]:
        """(is spam, score) of one message: CHECK, which scores the whole message with
        every rule and returns the verdict alone."""
        answer = self._request(b"CHECK SPAMC/1.5\r\nContent-length: %d\r\n\r\n" % len(raw)
                               + raw)
        status, _, rest = answer.partition(b"\r\n")
        if b" 0 EX_OK" not in status:
            raise RuntimeError(f"spamd answered {answer[:200]!r}")
        for line in rest.split(b"\r\n"):
            if line.startswith(b"Spam:"):  # "Spam: False ; 1.2 / 5.0"
                verdict, _, score = line[5:].partition(b";")
                return verdict.strip() == b"True", float(score.split(b"/")[0])
        raise RuntimeError(f"spamd gave no verdict: {answer[:200]!r}")
