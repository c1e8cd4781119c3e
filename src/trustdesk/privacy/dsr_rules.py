"""The deadline rules in force: the shipped ones, the configured PIPL period and the
rules file (``TRUSTDESK_DSR_RULES_PATH``), read once and checked when the privacy app
starts, so a broken file stops startup instead of a request (docs/dsr.md)."""

from __future__ import annotations

import functools

import yaml
from django.conf import settings

from trustdesk.core.errors import ConfigurationError
from trustdesk.privacy import deadlines


@functools.cache
def rules() -> deadlines.Rules:
    path = getattr(settings, "DSR_RULES_PATH", "")
    config = None
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                config = yaml.safe_load(handle)
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigurationError(f"TRUSTDESK_DSR_RULES_PATH {path}: {exc}") from exc
    parsed = deadlines.parse(config, pipl_days=getattr(settings, "DSR_PIPL_DAYS", 15))
    country = getattr(settings, "DSR_DEFAULT_COUNTRY", "")
    if country:
        # The default country's rule stands in for a customer whose country is unknown.
        parsed = deadlines.Rules(rules=parsed.rules, countries=parsed.countries,
                                 default=parsed.for_country(country).name)
    return parsed


def rule_for(country: str | None) -> deadlines.Rule:
    return rules().for_country(country)


def rule_named(name: str) -> deadlines.Rule:
    """The rule a request was filed under; one since removed from the configuration
    falls back to the default rather than leave the request without a clock."""
    table = rules()
    return table.rules.get(name) or table.rules[table.default]
