"""The record of processing activities' settings (docs/processing.md), read from the
environment like the controls' (``config/controls.py``): who the controller is and how to
reach them and their DPO, which processors run the configured integrations and in which
country, and the font of the PDF. Empty by default: the record then says "not declared"
rather than guessing. A processors file that is wrong stops startup, naming its line."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def _one_line(env: Mapping[str, str], name: str, limit: int = 254) -> str:
    # Printed in a document and on a page: one line, bounded.
    return " ".join(env.get(name, "").split())[:limit]


def _file(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise ImproperlyConfigured(f"{name} {raw} is not a file.")
    return path


def _country(env: Mapping[str, str]) -> str:
    code = env.get("TRUSTDESK_CONTROLLER_COUNTRY", "").strip().upper()
    if code and (len(code) != 2 or not code.isalpha()):
        raise ImproperlyConfigured("TRUSTDESK_CONTROLLER_COUNTRY must be a two-letter "
                                   f"country code such as DE, not {code!r}.")
    return code


def processing(env: Mapping[str, str]) -> dict:
    from trustdesk.privacy.processors import ProcessorsError, load_processors

    processors_path = _file(env, "TRUSTDESK_PROCESSORS_PATH")
    if processors_path:
        try:
            load_processors(processors_path)  # checked now; read again per record
        except ProcessorsError as exc:
            raise ImproperlyConfigured(exc.message) from exc
    return {
        "CONTROLLER_NAME": _one_line(env, "TRUSTDESK_CONTROLLER_NAME"),
        "CONTROLLER_CONTACT": _one_line(env, "TRUSTDESK_CONTROLLER_CONTACT"),
        "CONTROLLER_COUNTRY": _country(env),
        "DPO_CONTACT": _one_line(env, "TRUSTDESK_DPO_CONTACT"),
        "PROCESSORS_PATH": processors_path,
        # A TrueType font with the scripts the record is written in (docs/processing.md);
        # unset, the PDF uses a built-in font and refuses text it cannot show.
        "PROCESSING_PDF_FONT": _file(env, "TRUSTDESK_PDF_FONT"),
    }
