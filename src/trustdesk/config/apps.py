from django.apps import AppConfig


class ConfigConfig(AppConfig):
    # Holds the management commands that orchestrate several apps (serve, demo, check).
    name = "trustdesk.config"
    label = "trustdesk_config"
