"""The embedded worker stops with ``serve``, even when ``serve`` is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

TESTS_SCRIPT = """
import os, sys, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "trustdesk.config.settings"
django.setup()
from trustdesk.jobs.embedded import EmbeddedWorker
w = EmbeddedWorker()
w._spawn = lambda: __import__("subprocess").Popen(
    [sys.executable, "-c", "import time; time.sleep(120)"],
    preexec_fn=__import__("trustdesk.jobs.embedded", fromlist=["x"])._parent_death_signal())
w.start()
while w._proc is None:
    time.sleep(0.05)
print(w._proc.pid, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) counts as gone.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(") ")[1][0] != "Z"


def test_the_worker_dies_when_serve_is_killed(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env["TRUSTDESK_DATA_DIR"] = str(tmp_path)
    parent = subprocess.Popen([sys.executable, "-c", TESTS_SCRIPT], env=env,
                              stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _alive(child):
        assert time.monotonic() < deadline, "the worker outlived serve"
        time.sleep(0.05)
