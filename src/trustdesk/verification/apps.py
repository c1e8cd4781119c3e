from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "trustdesk.verification"
    label = "verification"
