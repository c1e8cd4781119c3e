"""Reads of the data-protection posture (not of customer data)."""

from __future__ import annotations

from django.conf import settings

from trustdesk.access import policy
from trustdesk.core.actor import Actor
from trustdesk.vault import rotation


def key_status(*, actor: Actor) -> rotation.KeyStatus:
    """Current KEK, data keys and when each falls due for rotation (PCI DSS 3.7.4)."""
    policy.require(actor, "keys.view")
    return rotation.status(kek_days=settings.VAULT_KEK_CRYPTOPERIOD_DAYS,
                           data_days=settings.VAULT_DATA_KEY_CRYPTOPERIOD_DAYS)
