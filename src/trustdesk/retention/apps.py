from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """Retention enforcement (docs/privacy.md). Its records — holds and runs — are the
    privacy app's models; this app holds what acts on customers and tickets, which sit
    above the privacy app, and so it sits above them."""

    name = "trustdesk.retention"
    label = "retention"
