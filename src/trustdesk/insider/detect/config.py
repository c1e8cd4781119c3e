"""The detectors' YAML configuration, read with line numbers: an unknown key, a wrong
type or a bad value is an error naming the file, the line and the key.

.. code-block:: yaml

    min_score: 50                  # alerts scoring less are not reported
    actor_kinds: [agent]           # whose actions are judged (audit actor kinds)
    business_hours:
      start: "08:00"
      end: "18:00"
      days: [mon, tue, wed, thu, fri]
      timezone: Europe/Paris       # also everyone's zone unless their own is given
      per_person: true             # judge the hours in each person's own zone
      holidays: [2026-12-25]
    teams:
      support-apac: {timezone: Asia/Singapore}
    people:
      ada@example.org: {role: agent, team: support-apac, timezone: Asia/Tokyo}
    geo: networks.csv              # CIDR,latitude,longitude,place (relative to this file)
    detectors:
      volume: {enabled: false}
      no_ticket: {min_customers: 8}
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from trustdesk.insider.detect.errors import ConfigError

DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


@dataclass
class BusinessHours:
    start: int = 8 * 60  # minutes after midnight
    end: int = 18 * 60
    days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    timezone: str = "UTC"
    fixed_zone: bool = False  # True: judge everyone in ``timezone``, not their own zone
    holidays: frozenset[dt.date] = frozenset()


@dataclass
class Settings:
    min_score: int = 50
    human_kinds: frozenset[str] = frozenset({"agent", ""})
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    teams: dict[str, dict] = field(default_factory=dict)
    people: dict[str, dict] = field(default_factory=dict)
    geo: list[tuple] = field(default_factory=list)  # (network, lat, lon, place)
    detectors: dict[str, dict] = field(default_factory=dict)  # name -> overrides
    disabled: frozenset[str] = frozenset()


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, node: yaml.Node, problem: str):
        raise ConfigError(f"{self.where} line {node.start_mark.line + 1}: {problem}")

    def mapping(self, node, what: str, keys=None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
        out = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                self.fail(k, f"{what}: keys must be plain words")
            if keys is not None and k.value not in keys:
                self.fail(k, f"unknown key {k.value!r} in {what}; expected one of "
                          + ", ".join(sorted(keys)))
            if k.value in out:
                self.fail(k, f"{k.value!r} is given twice in {what}")
            out[k.value] = (k, v)
        return out

    def text(self, node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            self.fail(node, f"{what} must be a word or text")
        return node.value.strip()

    def words(self, node, what: str) -> list[tuple[yaml.Node, str]]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list")
        return [(item, self.text(item, what)) for item in node.value]

    def value(self, node, what: str):
        """A scalar with its YAML type (number, true/false or text)."""
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value")
        tag = node.tag.rsplit(":", 1)[-1]
        try:
            if tag == "int":
                return int(node.value.replace("_", ""), 0)
            if tag == "float":
                return float(node.value.replace("_", ""))
        except ValueError:
            self.fail(node, f"{what}: {node.value!r} is not a number")
        if tag == "bool":
            return node.value.lower() in ("true", "yes", "on", "y")
        return node.value

    def zone(self, node, what: str) -> str:
        name = self.text(node, what)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(node, f"{what}: unknown time zone {name!r}")
        return name

    def clock(self, node, what: str) -> int:
        text = self.text(node, what)
        try:
            hours, minutes = text.split(":")
            value = int(hours) * 60 + int(minutes)
        except ValueError:
            value = -1
        if not 0 <= value <= 24 * 60:
            self.fail(node, f"{what} must be a time such as \"08:30\", not {text!r}")
        return value


def load(source: str, *, where: str = "<config>", detectors: dict | None = None,
         base: Path | None = None) -> Settings:
    """The settings in ``source``; ``detectors`` (name -> class) are those that can be
    configured. Raises ``ConfigError`` naming ``where`` and the line of a mistake."""
    r = _Reader(where)
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{where}{line}: not valid YAML: "
                          f"{getattr(exc, 'problem', None) or exc}") from None
    settings = Settings()
    if root is None:
        return settings
    top = r.mapping(root, "the configuration", {"min_score", "actor_kinds", "business_hours",
                                                  "teams", "people", "geo", "detectors"})
    if "min_score" in top:
        node = top["min_score"][1]
        value = r.value(node, "min_score")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            r.fail(node, "min_score must be a whole number from 0 to 100")
        settings.min_score = value
    if "actor_kinds" in top:
        settings.human_kinds = frozenset(w for _, w in r.words(top["actor_kinds"][1],
                                                                 "actor_kinds"))
    if "business_hours" in top:
        settings.business_hours = _hours(r, top["business_hours"][1])
    if "teams" in top:
        for name, (_, node) in r.mapping(top["teams"][1], "teams").items():
            fields = r.mapping(node, f"team {name!r}", {"timezone"})
            settings.teams[name] = {k: r.zone(v, f"team {name!r} timezone")
                                    for k, (_, v) in fields.items()}
    if "people" in top:
        for label, (_, node) in r.mapping(top["people"][1], "people").items():
            fields = r.mapping(node, f"person {label!r}", {"role", "team", "timezone"})
            person = {}
            for key, (_, v) in fields.items():
                person[key] = (r.zone(v, f"{label!r} timezone") if key == "timezone"
                               else r.text(v, f"{label!r} {key}"))
            settings.people[label] = person
    if "geo" in top:
        node = top["geo"][1]
        path = Path(r.text(node, "geo"))
        if not path.is_absolute() and base is not None:
            path = base / path
        try:
            settings.geo = load_geo(path.read_text(encoding="utf-8"), where=str(path))
        except OSError as exc:
            r.fail(node, f"geo: cannot read {str(path)!r} ({exc.strerror})")
    if "detectors" in top:
        known = detectors or {}
        disabled = set()
        for name, (key, node) in r.mapping(top["detectors"][1], "detectors").items():
            if name not in known:
                r.fail(key, f"unknown detector {name!r}; known: " + ", ".join(sorted(known)))
            params = known[name].params
            overrides = {}
            for pname, (_, pnode) in r.mapping(
                    node, f"detector {name!r}", {"enabled", *params}).items():
                value = r.value(pnode, f"{name}.{pname}")
                if pname == "enabled":
                    if not isinstance(value, bool):
                        r.fail(pnode, f"{name}.enabled must be true or false")
                    if not value:
                        disabled.add(name)
                    continue
                try:
                    overrides[pname] = params[pname].coerce(value)
                except ValueError as exc:
                    r.fail(pnode, f"{name}.{pname}: {exc}")
            settings.detectors[name] = overrides
        settings.disabled = frozenset(disabled)
    return settings


def _hours(r: _Reader, node) -> BusinessHours:
    fields = r.mapping(node, "business_hours", {"start", "end", "days", "timezone",
                                                "per_person", "holidays"})
    hours = BusinessHours()
    if "start" in fields:
        hours.start = r.clock(fields["start"][1], "business_hours.start")
    if "end" in fields:
        hours.end = r.clock(fields["end"][1], "business_hours.end")
    if hours.end <= hours.start:
        r.fail(node, "business_hours: end must come after start")
    if "days" in fields:
        days = set()
        for item, word in r.words(fields["days"][1], "business_hours.days"):
            if word.lower()[:3] not in DAYS:
                r.fail(item, f"business_hours.days: {word!r} is not a day (mon … sun)")
            days.add(DAYS[word.lower()[:3]])
        hours.days = frozenset(days)
    if "timezone" in fields:
        hours.timezone = r.zone(fields["timezone"][1], "business_hours.timezone")
    if "per_person" in fields:
        value = r.value(fields["per_person"][1], "business_hours.per_person")
        if not isinstance(value, bool):
            r.fail(fields["per_person"][1], "business_hours.per_person must be true or false")
        hours.fixed_zone = not value
    if "holidays" in fields:
        days = set()
        for item, word in r.words(fields["holidays"][1], "business_hours.holidays"):
            try:
                days.add(dt.date.fromisoformat(word))
            except ValueError:
                r.fail(item, f"business_hours.holidays: {word!r} is not a date (YYYY-MM-DD)")
        hours.holidays = frozenset(days)
    return hours


def load_geo(text: str, *, where: str = "<geo>") -> list[tuple]:
    """``CIDR,latitude,longitude,place`` lines (``#`` starts a comment), most specific
    network first. Nothing is looked up anywhere else."""
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 3:
            raise ConfigError(f"{where} line {lineno}: expected CIDR,latitude,longitude,place")
        try:
            network = ipaddress.ip_network(parts[0], strict=False)
            lat, lon = float(parts[1]), float(parts[2])
        except ValueError as exc:
            raise ConfigError(f"{where} line {lineno}: {exc}") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ConfigError(f"{where} line {lineno}: latitude or longitude out of range")
        out.append((network, lat, lon, ",".join(parts[3:]) or parts[0]))
    out.sort(key=lambda g: -g[0].prefixlen)
    return out


def load_file(path: str | Path, *, detectors: dict | None = None) -> Settings:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    return load(source, where=str(path), detectors=detectors, base=path.parent)
