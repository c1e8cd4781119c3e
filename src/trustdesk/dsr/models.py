"""The rows of request fulfilment: the copy of a customer's data made for an access
request (``export``). The copy itself is a sealed file on disk, not a row: the row says
whose it is, until when its link works, and whether it was used."""

import uuid

from django.db import models


class Export(models.Model):
    """One copy of a customer's data, for one access request, fetched once.

    The file (``export_store.path_for``) is named by this row's id alone, so nothing a
    customer or an officer types ever becomes part of a path. It is sealed chunk by
    chunk under the export's own vault subject (``export:<id>``): shredding that
    subject after the download, on expiry or on erasure leaves whatever copy of the
    file survives (a backup) unreadable. Only a keyed hash of the link's secret checks
    a link; a sealed copy of the link, under the same subject, lets the customer's own
    portal session show it when no email address is on file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField("customers.DataRequest", on_delete=models.CASCADE,
                                   related_name="export")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="exports")
    secret = models.CharField(max_length=64)
    link_sealed = models.BinaryField(null=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # The file is gone and the subject shredded: downloaded, expired or erased.
    removed_at = models.DateTimeField(null=True, blank=True)
    size = models.BigIntegerField(default=0)
    chunks = models.PositiveIntegerField(default=0)
    # How many of each kind of record it holds, never values (the audit event's too).
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = (models.Index(fields=("customer", "removed_at")),)

    def __str__(self) -> str:
        return f"export {self.pk}"
