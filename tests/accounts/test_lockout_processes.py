"""A lockout holds across server processes: two `trustdesk serve` processes share the
database (and, in the second case, Redis), and failures on either count for both."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.conf import settings

from helpers import database_url

from .test_lockout import GENERIC, PASSWORD, _redis_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "trustdesk.config.cli", "serve", "--port",
                             str(port), "--no-migrate"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode())


def _login(base: str, email: str, password: str) -> tuple[int, bytes]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email,
                                   "password": password}).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data,  # noqa: S310
                                     headers={"Referer": f"{base}/accounts/login/"})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.parametrize("shared", ["database", "redis"])
@pytest.mark.django_db(transaction=True)
def test_lockout_holds_across_two_server_processes(shared, make_user):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(DJANGO_SETTINGS_MODULE="trustdesk.config.settings",
               TRUSTDESK_DATA_DIR=str(settings.DATA_DIR), TRUSTDESK_DATABASE_URL=database_url())
    if shared == "redis":
        url = _redis_url()
        if url is None:
            pytest.skip("no Redis server (set TRUSTDESK_TEST_REDIS_URL)")
        env["TRUSTDESK_REDIS_URL"] = url
        env["TRUSTDESK_REDIS_PREFIX"] = f"trustdesk-test:{uuid.uuid4()}:"
    admin = make_user("admin", email=f"locked-{shared}@example.com")
    (a, base_a), (b, base_b) = _start(env), _start(env)
    try:
        for n in range(5):  # the admin limit, spread over both servers
            _login(base_a if n % 2 else base_b, admin.email, "wrong password!")
        for base in (base_a, base_b):
            status, body = _login(base, admin.email, PASSWORD)
            assert status == 200 and GENERIC in body  # the right password, refused
    finally:
        for proc in (a, b):
            proc.terminate()
            proc.wait(timeout=10)
