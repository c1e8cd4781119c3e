from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "trustdesk.console"
    label = "console"
