"""The embedded default's worker: ``trustdesk serve`` starts one ``trustdesk worker``
process beside the web server and restarts it if it dies, so that a single command
runs everything. Deployments on PostgreSQL run their own workers instead
(``TRUSTDESK_EMBEDDED_WORKER``, docs/jobs.md)."""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import subprocess
import sys
import threading

from django.conf import settings

log = logging.getLogger("trustdesk.jobs")


def _parent_death_signal():
    """A function for the child to run between fork and exec: on Linux the kernel then
    sends the worker SIGTERM when the thread that started it ends — with ``serve``,
    however that stops (SIGKILL too). A worker left running would go on taking jobs from
    a server nobody supervises. Everything is looked up here, in the parent: between
    fork and exec the child may only make the call (no import, no lock). ``None`` where
    there is no ``prctl`` (not Linux): ``stop()`` is then the only way."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return functools.partial(prctl, 1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG


class EmbeddedWorker:
    """A ``trustdesk <command>`` child of ``serve``, restarted when it dies: the worker,
    or another long-running part of the embedded default (the SMTP listener)."""

    def __init__(self, command: tuple[str, ...] = ("worker",)) -> None:
        self.command = command
        self._proc: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def _spawn(self) -> subprocess.Popen:
        # The command is one of TrustDesk's own (a constant of the caller), never input.
        argv = [sys.executable, "-m", "trustdesk.config.cli", *self.command]
        return subprocess.Popen(argv,  # noqa: S603
                                env=dict(os.environ), stdout=subprocess.DEVNULL,
                                preexec_fn=_parent_death_signal())

    def _supervise(self) -> None:
        wait = 1.0
        while not self._stopping.is_set():
            self._proc = self._spawn()
            code = self._proc.wait()
            if self._stopping.is_set():
                return
            log.error("the embedded %s stopped (exit %s); restarting in %.0f s",
                      self.command[0], code, wait)
            if self._stopping.wait(wait):
                return
            wait = min(wait * 2, 60.0)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._supervise, name="embedded-worker",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the worker finish its current job (SIGTERM), then stop it."""
        self._stopping.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()


def start(command: tuple[str, ...] = ("worker",)) -> EmbeddedWorker | None:
    """Start ``command`` beside ``serve`` when the settings ask for it: the worker with
    ``TRUSTDESK_EMBEDDED_WORKER``, the SMTP listener with ``TRUSTDESK_SMTPD_IN_SERVE``."""
    wanted = settings.JOBS_EMBEDDED_WORKER if command == ("worker",) else (
        settings.SMTPD_IN_SERVE and settings.SMTPD_LISTEN is not None)
    if not wanted:
        return None
    worker = EmbeddedWorker(command)
    worker.start()
    return worker
