"""SpamAssassin's spamd for the phishing benchmark, on a UNIX socket (no TCP port).

Started by the benchmark with local rules only (``--local``: no DNS or network tests, so
no RBL, URIBL, Razor, Pyzor, nor the DNS that SPF, DKIM and DMARC would need), no user
configuration (``-x``), no Bayes, a throw-away site configuration, pid file and socket;
the same configuration as the mail benchmark's spamd. A small client speaks the spamd
protocol (``CHECK``), one request per connection as ``spamc`` does.

spamd is not a TrustDesk dependency: ``apt-get install spamassassin spamd``.
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
        return (
            f"spamd not found at {SPAMD}: install it with "
            "`apt-get install spamassassin spamd` (or set TRUSTDESK_BENCH_SPAMD), "
            "or run with --no-spamassassin"
        )
    return None


class Spamd:
    def __init__(self, children: int):
        self.children = children
        self.dir = Path(tempfile.mkdtemp(prefix="trustdesk-bench-phishing-spamd-"))
        self.socket = str(self.dir / "spamd.sock")
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Spamd:
        self.dir.chmod(0o755)  # read by the children, which run as nobody under root
        for pre in SITE_CONFIG.glob("*.pre"):  # the plugin list, not the local.cf
            shutil.copy(pre, self.dir)
        (self.dir / "local.cf").write_text(LOCAL_CF)
        cmd = [
            SPAMD,
            "--local",
            "-x",
            "--socketpath",
            self.socket,
            "--socketmode",
            "0666",
            "--siteconfigpath",
            str(self.dir),
            "--pidfile",
            str(self.dir / "spamd.pid"),
            "--max-children",
            str(self.children),
            "--min-children",
            str(self.children),
            "--min-spare",
            "1",
            "--max-spare",
            str(self.children),
            "--syslog",
            "stderr",
        ]
        if os.geteuid() == 0:  # spamd will not keep root for its children
            cmd += ["--username", "nobody"]
        self.log = open(self.dir / "spamd.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)
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
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(60)
            sock.connect(self.socket)
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def ping(self) -> bool:
        return self._request(b"PING SPAMC/1.5\r\n\r\n").startswith(b"SPAMD/1.5 0 PONG")

    def check(self, raw: bytes) -> float:
        """SpamAssassin's score for one message (``CHECK``: every rule, the verdict only)."""
        answer = self._request(b"CHECK SPAMC/1.5\r\nContent-length: %d\r\n\r\n" % len(raw) + raw)
        status, _, rest = answer.partition(b"\r\n")
        if b" 0 EX_OK" not in status:
            raise RuntimeError(f"spamd answered {answer[:200]!r}")
        for line in rest.split(b"\r\n"):
            if line.startswith(b"Spam:"):  # "Spam: False ; 1.2 / 5.0"
                return float(line[5:].partition(b";")[2].split(b"/")[0])
        raise RuntimeError(f"spamd gave no verdict: {answer[:200]!r}")
