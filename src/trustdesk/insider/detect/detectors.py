"""The built-in detectors. Each compares a person with their own past and with their
peers (same role), using robust statistics (median and MAD), and stays silent until it
has seen enough of someone to judge them. Scores run from 0 to 100."""

from __future__ import annotations

from trustdesk.insider.detect.base import Detector
from trustdesk.insider.detect.exits import BulkExport, Departure, Dormant
from trustdesk.insider.detect.reach import Enumeration, NoTicket
from trustdesk.insider.detect.signs import GuardOverrides, SignIn
from trustdesk.insider.detect.usage import OffHours, Volume

BUILTIN: tuple[type[Detector], ...] = (Volume, OffHours, NoTicket, Enumeration, BulkExport,
                                       Dormant, Departure, SignIn, GuardOverrides)
