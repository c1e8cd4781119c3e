from django.apps import AppConfig


class InsiderConfig(AppConfig):
    """Insider-threat detection (docs/insider.md). The detectors read the audit trail's
    export, so replaying a file needs no database; the hourly scan (``jobs``, ``scan``)
    keeps its cursor and the alerts officers work (``models``)."""

    name = "trustdesk.insider"
    label = "insider"
