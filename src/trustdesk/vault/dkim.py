"""DKIM signing keys for the mail gateway's support addresses. Generated here because
only the vault touches ``cryptography``; the gateway seals the private half with
``vault.seal`` and publishes the public half in DNS."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_BITS = 2048  # RFC 8301: at least 1024, 2048 is what receivers expect today


def new_dkim_key() -> tuple[bytes, str]:
    """A fresh RSA key: (the private key as PKCS#1 PEM, which dkimpy reads; the public
    key as base64 DER SubjectPublicKeyInfo, the ``p=`` of the DNS record)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.TraditionalOpenSSL,
        encryption_algorithm=serialization.NoEncryption())
    public_der = key.public_key().public_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_pem, base64.b64encode(public_der).decode("ascii")
