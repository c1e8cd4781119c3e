"""Legal deadlines for data-subject requests: which law's clock applies, and when it runs
out. Pure: no Django, so the arithmetic can be checked on its own (docs/dsr.md).

A rule is a period (months or days) from receipt, optionally extendable a limited number
of times by a further period. The due moment is the end (UTC) of the last day of the
period: a request received at 09:00 on 31 January under "one month" is due by the end of
28 (or 29) February. Time spent waiting for the requester to prove who they are does not
count: it is added to the due moment, to the microsecond.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from trustdesk.core.errors import ConfigurationError


@dataclass(frozen=True)
class Period:
    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        if self.months:
            return f"{self.months} month{'s' if self.months != 1 else ''}"
        return f"{self.days} day{'s' if self.days != 1 else ''}"


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    period: Period
    extension: Period | None = None
    extensions: int = 0  # how many times the extension may be granted


# EU and EEA member states (ISO 3166-1 alpha-2; Greece as GR, not the EU's EL).
EEA = frozenset((
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS",
    "LI", "NO"))


def shipped_rules(*, pipl_days: int = 15) -> dict[str, Rule]:
    """The rules TrustDesk knows by name. PIPL's period is a configuration default, not a
    figure from the statute (which says "promptly"), hence ``pipl_days``."""
    return {
        "gdpr": Rule("gdpr", "GDPR Art. 12(3)", Period(months=1), Period(months=2), 1),
        "uk_gdpr": Rule("uk_gdpr", "UK GDPR Art. 12(3)", Period(months=1),
                        Period(months=2), 1),
        "ccpa": Rule("ccpa", "CCPA/CPRA", Period(days=45), Period(days=45), 1),
        "pipl": Rule("pipl", "PIPL (configured period)", Period(days=pipl_days)),
    }


def shipped_countries() -> dict[str, str]:
    return {**{c: "gdpr" for c in EEA}, "GB": "uk_gdpr", "US": "ccpa", "CN": "pipl"}


@dataclass(frozen=True)
class Rules:
    """The validated configuration: rules by name, countries to rule names, the default."""

    rules: Mapping[str, Rule]
    countries: Mapping[str, str]
    default: str

    def for_country(self, country: str | None) -> Rule:
        """The rule for ``country`` (two letters, any case); the default for a country
        no rule covers or none given."""
        name = self.countries.get((country or "").strip().upper(), self.default)
        return self.rules[name]


def _period(spec: Mapping, prefix: str, where: str) -> Period | None:
    months, days = spec.get(f"{prefix}months"), spec.get(f"{prefix}days")
    if months is None and days is None:
        return None
    if months is not None and days is not None:
        raise ConfigurationError(f"{where}: give {prefix}months or {prefix}days, not both")
    value = months if months is not None else days
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 366:
        raise ConfigurationError(f"{where}: {prefix}{'months' if months is not None else 'days'}"
                                 f" must be a whole number from 1 to 366, not {value!r}")
    return Period(months=value) if months is not None else Period(days=value)


_RULE_KEYS = {"label", "months", "days", "extend_months", "extend_days", "extensions"}


def parse(config: Mapping | None, *, pipl_days: int = 15, default: str = "") -> Rules:
    """The shipped rules and countries with ``config`` laid over them (a mapping read from
    YAML: ``rules``, ``countries``, ``default``). Anything unusable raises
    ``ConfigurationError`` naming the entry, so that startup stops with it."""
    config = config or {}
    if not isinstance(config, Mapping) or set(config) - {"rules", "countries", "default"}:
        raise ConfigurationError("request deadlines: expected a mapping with rules, "
                                 "countries and default")
    rules = shipped_rules(pipl_days=pipl_days)
    for name, spec in (config.get("rules") or {}).items():
        where = f"request deadlines: rule {name!r}"
        if not isinstance(name, str) or not name.isidentifier() or len(name) > 16:
            raise ConfigurationError(f"{where}: a name is up to 16 letters, digits or _")
        if not isinstance(spec, Mapping) or set(spec) - _RULE_KEYS:
            raise ConfigurationError(f"{where}: keys are {', '.join(sorted(_RULE_KEYS))}")
        period = _period(spec, "", where)
        if period is None:
            raise ConfigurationError(f"{where}: needs months or days")
        extension = _period(spec, "extend_", where)
        extensions = spec.get("extensions", 1 if extension else 0)
        if not isinstance(extensions, int) or not 0 <= extensions <= 3 or (
                extensions and extension is None):
            raise ConfigurationError(f"{where}: extensions is 0 to 3, and needs "
                                     "extend_months or extend_days")
        rules[name] = Rule(name, str(spec.get("label") or name), period, extension,
                           extensions)
    countries = shipped_countries()
    for country, name in (config.get("countries") or {}).items():
        if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
            raise ConfigurationError(f"request deadlines: country {country!r} is not "
                                     "a two-letter code")
        if name not in rules:
            raise ConfigurationError(f"request deadlines: country {country} names the "
                                     f"unknown rule {name!r}")
        countries[country.upper()] = name
    default = str(config.get("default") or default or "gdpr")
    if default not in rules:
        raise ConfigurationError(f"request deadlines: the default rule {default!r} is "
                                 "unknown")
    return Rules(rules=rules, countries=countries, default=default)


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later, or that month's last day if it has none
    (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add(day: dt.date, period: Period) -> dt.date:
    return add_months(day, period.months) + dt.timedelta(days=period.days)


def due_at(received: dt.datetime, rule: Rule, *, extensions: int = 0,
           paused: dt.timedelta = dt.timedelta(0)) -> dt.datetime:
    """When a request received at ``received`` must be answered: the end (UTC) of the
    period's last day, after ``extensions`` extensions, plus the time spent ``paused``.
    The periods chain from the receipt's date, so an extension of two months after one
    month is three months from receipt (31 January → 30 April)."""
    if extensions > rule.extensions:
        raise ValueError(f"{rule.name} allows {rule.extensions} extension(s)")
    day = received.astimezone(dt.UTC).date()
    months = rule.period.months + extensions * (rule.extension.months if extensions else 0)
    days = rule.period.days + extensions * (rule.extension.days if extensions else 0)
    last = add(day, Period(months=months, days=days))
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    return end + paused


def due_day(due: dt.datetime) -> dt.date:
    """The last day on which the answer is in time (``due`` is the first moment late)."""
    return (due.astimezone(dt.UTC) - dt.timedelta(microseconds=1)).date()


def days_left(due: dt.datetime, now: dt.datetime) -> int:
    """Whole days from today to the due day: 0 on the due day, negative once late."""
    return (due_day(due) - now.astimezone(dt.UTC).date()).days
