"""Input checks of incident use cases, each refusal naming the field, so a bad request
writes nothing and says what to fix."""

from __future__ import annotations

import datetime as dt
import uuid

from trustdesk.accounts.models import User
from trustdesk.core import clock
from trustdesk.core.errors import ValidationError
from trustdesk.grc.models import Incident
from trustdesk.privacy.inventory import get_inventory

TEXT_MAX = 20_000
# Awareness may be recorded a little after the fact, but never ahead of the server's
# clock: a future aware_at would start the legal clocks late.
SKEW = dt.timedelta(minutes=5)


def choice(value: str, choices, field: str, noun: str) -> str:
    value = (value or "").strip()
    if value not in dict(choices):
        raise ValidationError(f"Unknown {noun} {value!r}; use one of "
                              + ", ".join(dict(choices)) + ".", field=field)
    return value


def title(value: str) -> str:
    value = " ".join((value or "").replace("\x00", "").split())
    if not value:
        raise ValidationError("Give the incident a short title.", field="title")
    if len(value) > 200:
        raise ValidationError("Please write at most 200 characters.", field="title")
    return value


def text(value: str, field: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > TEXT_MAX:
        raise ValidationError(f"Please write at most {TEXT_MAX} characters.", field=field)
    return value


def moment(value, *, field: str, noun: str) -> dt.datetime:
    """A moment that has happened: ISO text or a datetime, naive taken as UTC (the
    console's form is in UTC), never ahead of the server's clock."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(f"Say {noun}, as a date and time.", field=field) from None
    if not isinstance(value, dt.datetime):
        raise ValidationError(f"Say {noun}.", field=field)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    if value > clock.now() + SKEW:
        raise ValidationError(f"{field} is later than now: say {noun}, which has happened.",
                              field=field)
    return value


def aware_at(value) -> dt.datetime:
    try:
        return moment(value, field="aware_at", noun="when the company became aware")
    except ValidationError as exc:
        if "later than now" in exc.message:
            # A future awareness would start the legal clocks late.
            raise ValidationError("The company cannot become aware in the future: aware_at "
                                  "is later than now.", field="aware_at") from None
        raise


def categories(values) -> list[str]:
    """The data categories involved, each one the inventory declares for some field."""
    known = sorted({f.category for f in get_inventory().fields})
    found = []
    for value in values or ():
        value = str(value).strip()
        if value not in known:
            raise ValidationError(f"{value!r} is no data category of the inventory; use "
                                  + ", ".join(known) + ".", field="categories")
        if value not in found:
            found.append(value)
    return found


def owner(user_id) -> User:
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise ValidationError("Choose the incident's owner.", field="owner_id") from None
    user = User.objects.filter(pk=pk, is_active=True).first() if 0 < pk < 2**63 else None
    if user is None:
        raise ValidationError("The owner must be an active member of staff.",
                              field="owner_id")
    return user


def ids(values, field: str) -> list[int]:
    try:
        found = sorted({int(v) for v in values or ()})
    except (TypeError, ValueError):
        raise ValidationError("Give numbers.", field=field) from None
    if any(not 0 < v < 2**63 for v in found):
        raise ValidationError("Give numbers.", field=field)
    return found


def uuids(values, field: str = "customer_ids") -> list[str]:
    try:
        return sorted({str(uuid.UUID(str(v).strip())) for v in values or ()})
    except ValueError:
        raise ValidationError("Give customer ids.", field=field) from None


KINDS = tuple(Incident.Kind.choices)
SEVERITIES = tuple(Incident.Severity.choices)
