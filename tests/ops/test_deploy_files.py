"""The shipped deployment: compose.yaml starts PostgreSQL, Redis, one migration, two
replicas and a worker, each with commands ``trustdesk`` has; the image installs the
locked dependencies by hash and runs unprivileged; and scripts/run_replicas.sh starts
the same topology without Docker (on this machine's PostgreSQL and Redis)."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from django.core.management import get_commands

import counters_backend

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _trustdesk_commands(service: dict) -> list[str]:
    """The ``trustdesk`` subcommands a service runs (entrypoint ``trustdesk`` from the
    image, or ``trustdesk …`` inside a shell command)."""
    entry, command = service.get("entrypoint"), service.get("command")
    if entry is None:  # the image's entrypoint: trustdesk
        return [command[0]] if command else ["serve"]
    text = " ".join(entry + (command or []))
    return re.findall(r"\btrustdesk\s+([a-z_-]+)", text)


def test_compose_has_the_whole_topology():
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "app", "worker"} <= set(services)
    app = services["app"]
    assert app["deploy"]["replicas"] == 2
    assert app["command"][:1] == ["serve"] and "--no-migrate" in app["command"]
    assert "/readyz" in " ".join(app["healthcheck"]["test"])
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["worker"]["command"] == ["worker"]
    # The image's /readyz health check is for servers only.
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert services["migrate"]["healthcheck"] == {"disable": True}
    assert services["migrate"]["restart"] == "no"
    assert _trustdesk_commands(services["migrate"])[0] == "migrate"
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]


def test_compose_runs_in_production_with_its_keys_from_a_secrets_file():
    services = _compose()["services"]
    for name in ("migrate", "app", "worker"):
        env = services[name]["environment"]
        assert env["TRUSTDESK_ENV"] == "production"
        assert env["TRUSTDESK_REDIS_URL"].startswith("redis://redis:")
        assert services[name]["env_file"] == ["deploy/trustdesk.env"]
        # No secret is written into compose.yaml itself.
        assert not {"TRUSTDESK_SECRET_KEY", "TRUSTDESK_KEK", "TRUSTDESK_AUDIT_SIGNING_KEY",
                    "TRUSTDESK_METRICS_TOKEN", "TRUSTDESK_DATABASE_URL"} & set(env)
    secrets = (ROOT / "deploy" / "make_secrets.sh").read_text()
    for variable in ("TRUSTDESK_SECRET_KEY", "TRUSTDESK_KEK", "TRUSTDESK_AUDIT_SIGNING_KEY",
                     "TRUSTDESK_METRICS_TOKEN", "TRUSTDESK_DATABASE_URL",
                     "TRUSTDESK_KEYSTORE_URL"):
        assert f"{variable}=" in secrets
    assert "deploy/*.env" in (ROOT / ".gitignore").read_text()


def test_compose_names_only_real_trustdesk_commands():
    known = set(get_commands())
    named = {c for s in _compose()["services"].values() if s.get("image", "").startswith(
        "trustdesk") for c in _trustdesk_commands(s)}
    assert {"migrate", "collectstatic", "serve", "worker"} <= named
    assert named <= known, named - known


def test_the_image_installs_by_hash_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "--require-hashes -r requirements/build.lock -r requirements/base.lock" in dockerfile
    assert re.search(r"^USER trustdesk$", dockerfile, re.M)
    assert "/readyz" in dockerfile
    user_at = dockerfile.index("USER trustdesk")
    assert all(dockerfile.index(line) < user_at for line in ("pip install", "useradd"))
    assert "deploy/*.env" in (ROOT / ".dockerignore").read_text()


def test_the_proxy_keeps_monitoring_inside_and_sends_hsts():
    compose = _compose()
    proxy_ip = compose["services"]["proxy"]["networks"]["default"]["ipv4_address"]
    # The replicas believe X-Forwarded-For from the proxy, and from nothing else.
    assert compose["services"]["app"]["environment"]["TRUSTDESK_TRUSTED_PROXIES"] == proxy_ip
    [subnet] = compose["networks"]["default"]["ipam"]["config"]
    assert ipaddress.ip_address(proxy_ip) in ipaddress.ip_network(subnet["subnet"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "Strict-Transport-Security" in caddyfile
    assert re.search(r"@internal path /metrics /readyz\s+respond @internal 404", caddyfile)


def test_the_scripts_are_valid_shell():
    for script in ("scripts/run_replicas.sh", "deploy/make_secrets.sh",
                   "deploy/postgres-init.sh"):
        subprocess.run(["bash", "-n", str(ROOT / script)], check=True)
        assert os.access(ROOT / script, os.X_OK), script


def _free_pair(start: int = 19250) -> int:
    for port in range(start, start + 40):
        try:
            for p in (port, port + 1):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
        except OSError:
            continue
        return port
    pytest.fail("no two free ports next to each other on 127.0.0.1")


def _drop(server: str, *names: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


@pytest.mark.postgres
def test_without_docker_the_script_starts_two_ready_replicas(tmp_path):
    url = os.environ["TRUSTDESK_TEST_DATABASE_URL"]
    redis = counters_backend.redis_url()
    if not redis:
        pytest.skip("needs Redis (TRUSTDESK_TEST_REDIS_URL)")
    parsed = urlparse(url)
    port = _free_pair()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(PG_URL=f"{parsed.scheme}://{parsed.netloc}",
               DB_NAME=f"{parsed.path.lstrip('/')}_replicas", REDIS_URL=redis,
               FIRST_PORT=str(port), RUN_DIR=str(tmp_path / "run"),
               TRUSTDESK=str(Path(sys.executable).parent / "trustdesk"))
    try:
        result = subprocess.run(["bash", str(ROOT / "scripts" / "run_replicas.sh"),
                                 "--check"], env=env, capture_output=True, text=True,
                                timeout=300, cwd=ROOT)
    finally:
        _drop(env["PG_URL"], env["DB_NAME"], f"{env['DB_NAME']}_keys")
    assert result.returncode == 0, result.stderr
    for p in (port, port + 1):
        assert f"replica on port {p} is ready" in result.stderr
    assert "worker 1 (pid" in result.stderr
    worker_log = (tmp_path / "run" / "logs" / "worker-1.log").read_text()
    assert "TrustDesk worker" in worker_log and "Traceback" not in worker_log
    assert oct((tmp_path / "run" / "secrets.env").stat().st_mode & 0o777) == "0o600"
    logs = (tmp_path / "run" / "logs" / f"app-{port}.log").read_text()
    assert '"route":"readyz","status":200' in logs  # production logs JSON
    # Everything it started was stopped.
    pids = [int(p) for p in re.findall(r"\(pid (\d+),", result.stderr)]
    assert len(pids) >= 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
