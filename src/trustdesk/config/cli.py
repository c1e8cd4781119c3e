"""The ``trustdesk`` command: Django's management commands under one name.

``trustdesk serve``, ``trustdesk demo``, ``trustdesk token create …`` and friends are
management commands; anything Django offers (``migrate``, ``check``) works too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustdesk.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "trustdesk"
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: say what, without a traceback.
        sys.stderr.write(f"trustdesk: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
