"""A wrong key provider stops startup with a clear message; `trustdesk keys` works."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

TRUSTDESK = [sys.executable, "-m", "trustdesk.config.cli"]


def _run(tmp_path, *args, **env):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("TRUSTDESK_") and k not in ("DJANGO_SETTINGS_MODULE",
                                                             "DJANGO_ALLOW_ASYNC_UNSAFE")}
    base["TRUSTDESK_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run([*TRUSTDESK, *args], env={**base, **env}, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("env", "message"), [
    ({"TRUSTDESK_KEY_PROVIDER": "rot13"}, "TRUSTDESK_KEY_PROVIDER must be one of local, pkcs11"),
    ({"TRUSTDESK_KEY_PROVIDER": "pkcs11", "TRUSTDESK_PKCS11_MODULE": "/nonexistent.so"},
     "TRUSTDESK_PKCS11_MODULE '/nonexistent.so' does not exist"),
    ({"TRUSTDESK_KEK": "too-short"}, "TRUSTDESK_KEK must be the base64 encoding of 32"),
    ({"TRUSTDESK_KEYSTORE_URL": "redis://localhost"}, "TRUSTDESK_KEYSTORE_URL must be"),
])
def test_misconfigured_vault_stops_startup(tmp_path, env, message):
    result = _run(tmp_path, "check", **env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_keys_status_and_rotation_from_the_command_line(tmp_path):
    kek = base64.b64encode(os.urandom(32)).decode()
    assert _run(tmp_path, "migrate", TRUSTDESK_KEK=kek).returncode == 0
    status = _run(tmp_path, "keys", "status")
    assert status.returncode == 0 and "key provider:      local" in status.stdout
    rotated = _run(tmp_path, "keys", "rotate", "--grace", "0")
    assert rotated.returncode == 0, rotated.stderr
    assert "Rewrapped 0 data keys." in rotated.stdout
    assert "Destroyed the old KEK local-" in rotated.stdout
    data = _run(tmp_path, "keys", "rotate", "--data", "--grace", "0")
    assert data.returncode == 0 and "Re-encrypted 0 values of 0 customers" in data.stdout
    key_file = tmp_path / "data" / "kek.json"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    # An environment-supplied KEK cannot be rotated in place: a clear refusal.
    refused = _run(tmp_path / "env", "keys", "rotate", "--grace", "0", TRUSTDESK_KEK=kek)
    assert refused.returncode == 1 and "TRUSTDESK_KEK" in refused.stderr
