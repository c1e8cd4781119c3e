from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "trustdesk.tickets"
    label = "tickets"

    def ready(self) -> None:
        from trustdesk.tickets.sealing import register_columns

        register_columns()
