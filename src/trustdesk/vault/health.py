"""Can the vault serve now? For readiness: the keystore answers and the current KEK
wraps and unwraps a throw-away key, so a replica whose key file, HSM or keystore is
gone is taken out of service instead of failing every request for customer data."""

from __future__ import annotations

import os

from trustdesk.vault.errors import KeyProviderUnavailable
from trustdesk.vault.providers import keystore, provider

_AAD = b"trustdesk-readiness-probe"


def check() -> None:
    """Raise ``KeyProviderUnavailable`` (or the keystore's error) unless the vault can
    unwrap data keys. Before the first data key exists there is no KEK to try: then the
    provider's own probe (file readable, HSM session open) decides."""
    p = provider()
    p.check()
    active = [k for k in keystore().keks() if k.state == "active"]
    if not active:
        return
    probe = os.urandom(32)
    kek = active[-1].id
    if p.unwrap(kek, p.wrap(kek, probe, _AAD), _AAD) != probe:
        raise KeyProviderUnavailable(detail=f"KEK {kek} did not unwrap what it wrapped")
