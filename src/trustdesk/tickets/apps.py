from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "trustdesk.tickets"
    label = "tickets"
