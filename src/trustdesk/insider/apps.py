from django.apps import AppConfig


class InsiderConfig(AppConfig):
    """Insider-threat detection (docs/insider.md). No models: the detectors read the
    audit trail's export, so replaying a file needs no database."""

    name = "trustdesk.insider"
    label = "insider"
