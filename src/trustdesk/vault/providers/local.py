"""Local key provider: KEKs in a key file (0600) in the data directory, or one KEK given
in the environment (``TRUSTDESK_KEK``, base64 of 32 bytes) for deployments that inject
secrets. Suitable for a single server; use an HSM where the key must not sit on disk."""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import threading
from pathlib import Path

from trustdesk.vault import crypto
from trustdesk.vault.errors import KeyProviderUnavailable
from trustdesk.vault.providers.base import KeyProvider

ENV_KEK_ID = "env-1"


class LocalKeyProvider(KeyProvider):
    name = "local"

    def __init__(self, path: Path, env_key: str | None = None) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._keys: dict[str, bytes] = {}
        self._mtime: float | None = None
        if env_key:
            try:
                key = base64.b64decode(env_key, validate=True)
            except (binascii.Error, ValueError):
                key = b""
            if len(key) != crypto.KEY_BYTES:
                raise KeyProviderUnavailable(
                    detail="TRUSTDESK_KEK must be the base64 encoding of 32 random bytes")
            self._keys = {ENV_KEK_ID: key}
            self._env = True
        else:
            self._env = False

    # --- the key file: JSON {kek_id: base64 key}, replaced atomically under a lock -------
    def _read(self) -> dict[str, bytes]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        if stat.st_mode & 0o077:
            raise KeyProviderUnavailable(
                detail=f"key file {self.path} is readable by others; chmod 600 it")
        if self._mtime == stat.st_mtime:
            return self._keys
        try:
            data = json.loads(self.path.read_text())
            keys = {k: base64.b64decode(v) for k, v in data["keys"].items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyProviderUnavailable(detail=f"key file {self.path} unreadable: {exc}") from exc
        self._keys, self._mtime = keys, stat.st_mtime
        return keys

    def _update(self, change) -> None:
        if self._env:
            raise KeyProviderUnavailable(
                detail="the KEK comes from TRUSTDESK_KEK: rotate it by deploying a new value "
                "with a key file, or use a key file or an HSM")
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_path = self.path.with_suffix(".lock")
        with open(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._mtime = None
            keys = dict(self._read())
            change(keys)
            tmp = self.path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump({"keys": {k: base64.b64encode(v).decode() for k, v in keys.items()}},
                          fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            self._mtime = None

    def _key(self, kek_id: str) -> bytes:
        with self._lock:
            keys = self._keys if self._env else self._read()
            if kek_id not in keys and not self._env:
                self._mtime = None  # another process may just have added it
                keys = self._read()
        if kek_id not in keys:
            raise KeyProviderUnavailable(detail=f"KEK {kek_id} is not in {self.path}")
        return keys[kek_id]

    # --- KeyProvider ----------------------------------------------------------------------
    def create_kek(self, kek_id: str) -> None:
        if self._env and kek_id == ENV_KEK_ID:
            return  # the one environment KEK exists already
        self._update(lambda keys: keys.setdefault(kek_id, crypto.new_key()))

    def wrap(self, kek_id: str, key: bytes, aad: bytes) -> bytes:
        return crypto.aead_seal(self._key(kek_id), key, aad)

    def unwrap(self, kek_id: str, wrapped: bytes, aad: bytes) -> bytes:
        return crypto.aead_open(self._key(kek_id), wrapped, aad)

    def destroy_kek(self, kek_id: str) -> None:
        self._update(lambda keys: keys.pop(kek_id, None))

    def check(self) -> None:
        if not self._env:
            with self._lock:
                self._read()

    @property
    def fixed_kek(self) -> str | None:
        return ENV_KEK_ID if self._env else None
