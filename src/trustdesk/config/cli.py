"""The ``trustdesk`` command: Django's management commands under one name.

``trustdesk serve``, ``trustdesk demo``, ``trustdesk token create …`` and friends are
management commands; anything Django offers (``migrate``, ``check``) works too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustdesk.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "trustdesk"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
