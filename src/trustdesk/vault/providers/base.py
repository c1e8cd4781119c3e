"""What a key provider does: hold key-encryption keys (KEKs) and wrap or unwrap data keys
with them. The KEK material never leaves the provider (file or HSM); the keystore records
which KEKs exist and which one is current."""

from __future__ import annotations

import abc


class KeyProvider(abc.ABC):
    name: str

    @abc.abstractmethod
    def create_kek(self, kek_id: str) -> None:
        """Generate a new KEK named ``kek_id``."""

    @abc.abstractmethod
    def wrap(self, kek_id: str, key: bytes, aad: bytes) -> bytes:
        """Encrypt and authenticate a data key under the KEK."""

    @abc.abstractmethod
    def unwrap(self, kek_id: str, wrapped: bytes, aad: bytes) -> bytes:
        """Reverse ``wrap``; raise ``CiphertextInvalid`` if it fails authentication and
        ``KeyProviderUnavailable`` if the KEK cannot be used."""

    @abc.abstractmethod
    def destroy_kek(self, kek_id: str) -> None:
        """Destroy the KEK material for good."""

    def check(self) -> None:  # noqa: B027 (optional hook: most providers need no probe)
        """Raise ``KeyProviderUnavailable`` if the provider cannot be reached."""

    def close(self) -> None:  # noqa: B027 (optional hook: most providers hold nothing open)
        """Release sessions or handles."""
