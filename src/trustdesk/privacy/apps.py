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
