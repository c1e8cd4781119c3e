from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class PrivacyConfig(AppConfig):
    name = "trustdesk.privacy"
    label = "privacy"

    def ready(self) -> None:
        # Load the inventory now: a broken file must stop startup, not a later request.
        from trustdesk.privacy.errors import InventoryError
        from trustdesk.privacy.inventory import get_inventory

        try:
            get_inventory()
        except InventoryError as exc:
            raise ImproperlyConfigured(exc.message) from exc
        # Likewise the request-deadline rules (docs/dsr.md).
        from trustdesk.core.errors import ConfigurationError
        from trustdesk.privacy.dsr_rules import rules

        try:
            rules()
        except ConfigurationError as exc:
            raise ImproperlyConfigured(exc.message) from exc
