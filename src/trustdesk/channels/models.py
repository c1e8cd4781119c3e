"""The official-channel registry: the ways the company talks to customers, each with what
it may ask for and what it never asks for. Everything here is published on the trust
page: no personal data belongs in it (``validation`` refuses what it can detect)."""

from __future__ import annotations

from django.db import models

from trustdesk.channels.vocabulary import KINDS
from trustdesk.core.models import TimeStampedModel


class OfficialChannel(TimeStampedModel):
    kind = models.CharField(max_length=16, choices=list(KINDS.items()))
    # The address, number (E.164), handle or URL, as cleaned by validation.
    value = models.CharField(max_length=254)
    label = models.CharField(max_length=80, blank=True)
    may_ask = models.JSONField(default=list)  # free words: "order number"
    never_asks = models.JSONField(default=list)  # keys of vocabulary.NEVER_ASK
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("kind", "value")
        constraints = [models.UniqueConstraint(fields=("kind", "value"),
                                               name="channels_unique_kind_value")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
