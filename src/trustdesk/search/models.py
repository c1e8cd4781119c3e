"""One row per (indexed object, term): the term as a keyed hash, never as text."""

from __future__ import annotations

from django.db import models


class Term(models.Model):
    # What is indexed: "c:<field>" a customer's profile field, "m" a ticket's message.
    scope = models.CharField(max_length=40)
    # The first 64 bits of HMAC-SHA256(vault index key, scope + term), as a signed integer:
    # compact, and a collision (one in 2**32 at four billion terms) only adds a candidate
    # that the policy still filters.
    token = models.BigIntegerField()
    customer_id = models.UUIDField(db_index=True)  # whose data: erasure deletes by it
    ticket_id = models.BigIntegerField(null=True)  # for messages
    object_id = models.BigIntegerField()  # the message's id, or the customer field's

    class Meta:
        # Covering for tickets (the owner read from the index alone); a customer search
        # reads its few rows from the table, which keeps the index a third smaller.
        indexes = (models.Index(fields=("scope", "token", "ticket_id"),
                                name="search_term_lookup"),
                   models.Index(fields=("scope", "object_id"), name="search_term_object"))

    def __str__(self) -> str:
        return f"{self.scope}:{self.object_id}"
