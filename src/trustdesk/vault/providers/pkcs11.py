"""PKCS#11 key provider: KEKs are AES-256 keys generated inside an HSM (sensitive,
non-extractable); data keys are wrapped and unwrapped by the HSM with AES-GCM, so the KEK
never exists in this process's memory. Tested against SoftHSM2."""

from __future__ import annotations

import os
import threading

from trustdesk.vault.errors import CiphertextInvalid, KeyProviderUnavailable
from trustdesk.vault.providers.base import KeyProvider

LABEL_PREFIX = "trustdesk-kek-"


class Pkcs11KeyProvider(KeyProvider):
    name = "pkcs11"

    def __init__(self, *, module: str, token_label: str, pin: str) -> None:
        if not module or not os.path.exists(module):
            raise KeyProviderUnavailable(
                detail=f"TRUSTDESK_PKCS11_MODULE {module!r} does not exist")
        if not token_label or not pin:
            raise KeyProviderUnavailable(
                detail="TRUSTDESK_PKCS11_TOKEN and TRUSTDESK_PKCS11_PIN (or _PIN_FILE) are "
                "required for the pkcs11 key provider")
        self.module, self.token_label, self._pin = module, token_label, pin
        self._lock = threading.Lock()  # one session per process, used by one thread at once
        self._session = None
        self._keys: dict[str, object] = {}

    def _open(self):
        import pkcs11

        if self._session is None:
            try:
                token = pkcs11.lib(self.module).get_token(token_label=self.token_label)
                try:
                    self._session = token.open(user_pin=self._pin, rw=True)
                except pkcs11.UserAlreadyLoggedIn:
                    # Login is per process: another session of ours is logged in already.
                    self._session = token.open(rw=True)
            except Exception as exc:  # driver errors of every kind: the HSM is unavailable
                raise KeyProviderUnavailable(detail=f"PKCS#11 token: {exc!r}") from exc
            self._keys = {}
        return self._session

    def _reset(self) -> None:
        try:
            if self._session is not None:
                self._session.close()
        except Exception:  # noqa: S110 (closing a broken session may fail too; it is discarded)
            pass
        self._session, self._keys = None, {}

    def _key(self, kek_id: str):
        import pkcs11
        from pkcs11 import ObjectClass

        if kek_id not in self._keys:
            try:
                self._keys[kek_id] = self._open().get_key(
                    object_class=ObjectClass.SECRET_KEY, label=LABEL_PREFIX + kek_id)
            except pkcs11.NoSuchKey:
                raise KeyProviderUnavailable(detail=f"KEK {kek_id} is not in the HSM") from None
        return self._keys[kek_id]

    def _crypt(self, op: str, kek_id: str, data: bytes, nonce: bytes, aad: bytes) -> bytes:
        import pkcs11
        from pkcs11 import Mechanism
        from pkcs11.mechanisms import GCMParams

        with self._lock:
            try:
                key = self._key(kek_id)
                return getattr(key, op)(data, mechanism=Mechanism.AES_GCM,
                                        mechanism_param=GCMParams(nonce, aad, 128))
            except KeyProviderUnavailable:
                raise
            except (pkcs11.EncryptedDataInvalid, pkcs11.EncryptedDataLenRange,
                    pkcs11.GeneralError) as exc:
                # SoftHSM reports a GCM tag mismatch as a general error.
                if op == "decrypt":
                    raise CiphertextInvalid(detail=f"HSM refused to unwrap: {exc!r}") from exc
                self._reset()
                raise KeyProviderUnavailable(detail=f"HSM {op}: {exc!r}") from exc
            except Exception as exc:  # session lost, device gone: reconnect next time
                self._reset()
                raise KeyProviderUnavailable(detail=f"HSM {op}: {exc!r}") from exc

    # --- KeyProvider ----------------------------------------------------------------------
    def create_kek(self, kek_id: str) -> None:
        import pkcs11
        from pkcs11 import Attribute, KeyType

        with self._lock:
            session = self._open()
            try:
                session.get_key(label=LABEL_PREFIX + kek_id)
                return  # created by another process already
            except pkcs11.NoSuchKey:
                pass
            try:
                session.generate_key(KeyType.AES, 256, label=LABEL_PREFIX + kek_id, store=True,
                                     template={Attribute.SENSITIVE: True,
                                               Attribute.EXTRACTABLE: False,
                                               Attribute.ENCRYPT: True,
                                               Attribute.DECRYPT: True})
            except Exception as exc:
                self._reset()
                raise KeyProviderUnavailable(detail=f"HSM key generation: {exc!r}") from exc

    def wrap(self, kek_id: str, key: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._crypt("encrypt", kek_id, key, nonce, aad)

    def unwrap(self, kek_id: str, wrapped: bytes, aad: bytes) -> bytes:
        if len(wrapped) < 12 + 16:
            raise CiphertextInvalid(detail="wrapped key too short")
        return self._crypt("decrypt", kek_id, wrapped[12:], wrapped[:12], aad)

    def destroy_kek(self, kek_id: str) -> None:
        import pkcs11

        with self._lock:
            try:
                self._key(kek_id).destroy()
            except KeyProviderUnavailable:
                return  # already gone
            except pkcs11.PKCS11Error as exc:
                self._reset()
                raise KeyProviderUnavailable(detail=f"HSM destroy: {exc!r}") from exc
            self._keys.pop(kek_id, None)

    def check(self) -> None:
        with self._lock:
            self._open()

    def close(self) -> None:
        with self._lock:
            self._reset()
