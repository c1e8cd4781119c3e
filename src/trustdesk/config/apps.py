from django.apps import AppConfig


class ConfigConfig(AppConfig):
    # Holds the management commands that orchestrate several apps (serve, demo, check).
    name = "trustdesk.config"
    label = "trustdesk_config"

    def ready(self) -> None:
        from trustdesk.config import checks  # noqa: F401 (registers the startup checks)
