from django.apps import AppConfig


class DsrConfig(AppConfig):
    """Fulfilment of privacy requests. The requests and their legal clock are the
    customers app's (``customers.dsr``); carrying one out reads tickets, messages,
    attachments and verification records, which sit above customers, so this app sits
    above them, beside retention."""

    name = "trustdesk.dsr"
    label = "dsr"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from trustdesk.customers.models import Customer

        # Erasure lives below this app and cannot call it: a copy of the customer's data
        # is sealed under its own subject, not theirs, so it is removed when the erased
        # row is saved (after the erasure commits), not left for the hourly job.
        post_save.connect(_erased, sender=Customer, dispatch_uid="dsr.export.erased")


def _erased(sender, instance, **kwargs) -> None:
    if instance.status == "erased":
        from trustdesk.dsr.export_download import remove_for_customer

        remove_for_customer(instance.pk)
