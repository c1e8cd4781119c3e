from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class GrcConfig(AppConfig):
    """Incident response (docs/incidents.md). It links alerts, tickets, customers and
    accounts, and acts on accounts and keys through their own layers, so it sits above
    them all, beside dsr and retention."""

    name = "trustdesk.grc"
    label = "grc"

    def ready(self) -> None:
        # A broken playbooks file must stop startup, not the opening of an incident.
        from trustdesk.core.errors import ConfigurationError
        from trustdesk.grc.playbooks import playbooks

        try:
            playbooks()
        except ConfigurationError as exc:
            raise ImproperlyConfigured(exc.message) from exc
