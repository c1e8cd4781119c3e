"""The bundled tables: well-known brands (the names they are shown by, their real
domains), read once from the package's ``data`` folder, and free-mail providers (kept in
``trustdesk.core.freemail``, which organisations use too)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from trustdesk.core.freemail import providers as freemail_providers
from trustdesk.mailgateway.analysis import domains

# (brand, names it is shown by, its domains)
Brand = tuple[str, tuple[str, ...], tuple[str, ...]]


def _data(name: str) -> str:
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def brands() -> tuple[Brand, ...]:
    table = yaml.safe_load(_data("brands.yaml"))["brands"]
    return tuple((str(b["name"]), tuple(str(n) for n in b.get("names") or [b["name"]]),
                  tuple(str(d).lower() for d in b["domains"])) for b in table)


# The same cached table as ``core.freemail``: warmed once, for both.
freemail = freemail_providers


def is_freemail(domain: str) -> bool:
    name = (domain or "").lower().rstrip(".")
    return name in freemail() or (domains.organisational(name) or "") in freemail()


def brands_of(context_brands) -> tuple[Brand, ...]:
    """The context's brands as (brand, names, domains); the bundled table when it names
    none. A context brand is shown by its own name."""
    if not context_brands:
        return brands()
    return tuple((name, (name,), tuple(d.lower() for d in ds)) for name, ds in context_brands)


def bundled_brands() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The bundled table in ``Context.brands``'s shape, for a helpdesk that adds its own
    brands to it (a context that names brands replaces the bundled table)."""
    return tuple((name, ds) for name, _, ds in brands())
