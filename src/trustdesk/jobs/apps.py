from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "trustdesk.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app declares its jobs and schedules in its own ``jobs.py`` (as Django's
        # admin does with ``admin.py``); importing them registers them.
        from django.utils.module_loading import autodiscover_modules

        from trustdesk.jobs import builtin  # noqa: F401  the schedules of the layers below

        autodiscover_modules("jobs")
