"""Several TrustDesk processes on the test database, as a deployment runs them: app
replicas (``trustdesk serve``) and workers (``trustdesk worker``), sharing the database
and Redis. Each process gets its own session, so that killing one takes its children
(server workers) down with it, as losing a machine would."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import counters_backend
from helpers import server_env

TESTS = str(Path(__file__).resolve().parent.parent)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base: str, path: str, *, token: str | None = None, method: str = "GET",
            body: dict | None = None, timeout: float = 10) -> tuple[int, dict | str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, headers=headers,  # noqa: S310
                                 method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


class Replica:
    def __init__(self, env: dict, name: str):
        self.env, self.name, self.port = env, name, _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        # Output to a file: a pipe nobody reads fills up (a log line per request) and
        # then stops the process mid-write.
        self.log_path = Path(tempfile.mkdtemp(prefix="trustdesk-cluster-")) / f"{name}.log"

    def _output(self):
        return open(self.log_path, "ab")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def start(self, wait: float = 90) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "trustdesk.config.cli", "serve", "--port", str(self.port),
             "--no-migrate"], env=self.env, stdout=subprocess.DEVNULL,
            stderr=self._output(), start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited: {self.log()}")
            try:
                if request(self.base, "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"{self.name} did not start")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no graceful anything."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Worker(Replica):
    def start(self, wait: float = 0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "trustdesk.config.cli", "worker", "--interval", "0.2",
             "--worker-id", self.name], env=self.env, stdout=subprocess.DEVNULL,
            stderr=self._output(), start_new_session=True)


class Cluster:
    """``apps`` replicas and ``workers`` workers with shared Redis counters."""

    def __init__(self, apps: int = 3, workers: int = 2, **extra: str):
        env = server_env(TRUSTDESK_JOBS_LEASE_SECONDS="3", **extra)
        env.update(counters_backend.environment("redis"))
        env["PYTHONPATH"] = os.pathsep.join([TESTS, env.get("PYTHONPATH", "")])
        self.env = env
        self.apps = [Replica(env, f"app-{i}") for i in range(apps)]
        self.workers = [Worker(env, f"worker-{i}") for i in range(workers)]

    def start(self) -> Cluster:
        try:
            for proc in [*self.workers, *self.apps]:
                proc.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for proc in [*self.apps, *self.workers]:
            proc.stop()

    @property
    def bases(self) -> list[str]:
        return [a.base for a in self.apps]
