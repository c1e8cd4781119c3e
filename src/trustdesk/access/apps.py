from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "trustdesk.access"
    label = "access"
