"""The bundled list of free-mail providers (gmail.com, qq.com, …): pure, no Django. The
phishing analyser asks it whether a Reply-To is a throwaway address; organisations may
not claim such a domain (every customer writing from it would join them)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def providers() -> frozenset[str]:
    text = resources.files("trustdesk.core").joinpath("data", "freemail.txt").read_text(
        encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def is_provider(domain: str) -> bool:
    return (domain or "").lower().rstrip(".") in providers()
