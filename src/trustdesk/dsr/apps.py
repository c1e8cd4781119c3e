from django.apps import AppConfig


class DsrConfig(AppConfig):
    """Fulfilment of privacy requests. The requests and their legal clock are the
    customers app's (``customers.dsr``); carrying one out reads tickets, messages,
    attachments and verification records, which sit above customers, so this app sits
    above them, beside retention."""

    name = "trustdesk.dsr"
    label = "dsr"
