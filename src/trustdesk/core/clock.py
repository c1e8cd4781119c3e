"""One clock for the whole codebase, so tests can move time without patching Django."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
