from django.apps import AppConfig


class ConfigConfig(AppConfig):
    # Holds the management commands that orchestrate several apps (serve, demo, check).
    name = "trustdesk.config"
    label = "trustdesk_config"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from trustdesk.config import checks  # noqa: F401 (registers the startup checks)
        from trustdesk.config.sqlite import on_connection

        connection_created.connect(on_connection, dispatch_uid="trustdesk.sqlite")
