"""Every vault test runs twice: with the local key file and with a SoftHSM2 token through
PKCS#11. Each test gets its own keystore and key material."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from trustdesk.vault import keys, providers

SOFTHSM_LIBS = ("/usr/lib/softhsm/libsofthsm2.so",
                "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/local/lib/softhsm/libsofthsm2.so")
PIN = "4711-test-pin"


def _softhsm_lib() -> str | None:
    return next((p for p in SOFTHSM_LIBS if os.path.exists(p)), None)


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):
    lib = _softhsm_lib()
    if lib is None or shutil.which("softhsm2-util") is None:
        pytest.skip("SoftHSM2 is not installed (Debian package softhsm2)")
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "trustdesk-test",
                    "--pin", PIN, "--so-pin", "so-" + PIN], check=True, capture_output=True)
    return {"module": lib, "token": "trustdesk-test", "pin": PIN}


def use_provider(settings, tmp_path: Path, name: str, hsm: dict | None = None) -> None:
    settings.VAULT_KEY_PROVIDER = name
    settings.DATA_DIR = tmp_path
    settings.VAULT_KEYSTORE_URL = f"sqlite://{tmp_path / 'keystore.sqlite3'}"
    settings.VAULT_LOCAL_KEK = None
    if hsm:
        settings.VAULT_PKCS11_MODULE = hsm["module"]
        settings.VAULT_PKCS11_TOKEN = hsm["token"]
        settings.VAULT_PKCS11_PIN = hsm["pin"]
    providers.reset()
    keys.forget()


@pytest.fixture(params=["local", "pkcs11"])
def provider_name(request, settings, tmp_path):
    hsm = request.getfixturevalue("softhsm") if request.param == "pkcs11" else None
    use_provider(settings, tmp_path, request.param, hsm)
    yield request.param
    providers.reset()
    keys.forget()


@pytest.fixture(autouse=True)
def _each_test_on_both_providers(provider_name):
    """Autouse: every test in this folder runs once per key provider."""
    return provider_name
