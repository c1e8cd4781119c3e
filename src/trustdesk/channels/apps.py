from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "trustdesk.channels"
    label = "channels"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from trustdesk.channels import processing

        processing.connect()
