"""The record of processing activities (GDPR Art. 30(1)), generated, never written by hand.

Every entry is read at the moment of asking from what TrustDesk actually runs with: the
data inventory (fields, purposes, legal bases, retention), the settings (recipients,
security measures), the processors file (who runs a recipient, where) and the official
channels their apps report (``processing_sources``). The trust page's data and protection
sections are drawn from this same record (``portal/facts.py``), so the two cannot disagree.
Nothing is cached: a changed setting is in the next record.

Each group is built by its own module: recipients and transfers in
``processing_recipients``, technical and organisational measures in
``processing_measures``, staff data in ``processing_staff``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings

from trustdesk.core import clock
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.processing_sources import ChannelEntry
from trustdesk.privacy.processing_sources import channels as reported_channels

# Bumped when a key of the JSON form is renamed or removed (adding one is no change).
SCHEMA_VERSION = 1
NOT_DECLARED = "not declared"
CUSTOMERS, STAFF = "customers", "staff"


@dataclass(frozen=True, slots=True)
class Controller:
    name: str
    contact: str
    country: str
    dpo_contact: str


@dataclass(frozen=True, slots=True)
class DataField:
    """One inventory field, as the inventory declares it."""

    subject: str  # customers or staff
    name: str
    label: str
    category: str
    sensitivity: str
    purpose: str
    legal_basis: str
    retention: str  # as declared: "3y"
    retention_days: int | None  # None: for as long as the thing it belongs to exists
    required: bool
    source: str  # where the declaration is: the inventory file, or TrustDesk itself


@dataclass(frozen=True, slots=True)
class Purpose:
    purpose: str
    legal_bases: tuple[str, ...]
    fields: tuple[str, ...]
    subjects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubjectCategory:
    key: str
    description: str
    data_categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recipient:
    key: str  # processors.RECIPIENTS
    name: str  # what it is: "Outbound mail relay (SMTP)"
    receives: str
    location: str  # host, module or file; never a credential
    processor: str  # who runs it, from the processors file, or NOT_DECLARED
    country: str  # two letters, or ""
    setting: str  # the setting that configures it


@dataclass(frozen=True, slots=True)
class Transfer:
    recipient: str
    processor: str
    country: str
    outside_eea: bool
    safeguard: str


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    title: str
    state: str  # which configuration is in force: "pkcs11", "all", "off" …
    description: str
    settings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TicketRetention:
    """How long finished tickets (their messages and files with them) are kept: the
    inventory's ``tickets:`` rules, which retention enforcement applies."""

    channel: str  # a channel, or "*" for every channel
    status: str  # solved or closed
    retention: str
    retention_days: int


@dataclass(frozen=True, slots=True)
class Record:
    schema_version: int
    generated_at: dt.datetime
    controller: Controller
    subjects: tuple[SubjectCategory, ...]
    fields: tuple[DataField, ...]
    ticket_retention: tuple[TicketRetention, ...]
    purposes: tuple[Purpose, ...]
    recipients: tuple[Recipient, ...]
    channels: tuple[ChannelEntry, ...]
    transfers: tuple[Transfer, ...]
    measures: tuple[Measure, ...]
    inventory: str  # "default" or "custom": the path itself is not shown

    def measure(self, key: str) -> Measure | None:
        return next((m for m in self.measures if m.key == key), None)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        return data


def controller() -> Controller:
    return Controller(name=settings.CONTROLLER_NAME or NOT_DECLARED,
                      contact=settings.CONTROLLER_CONTACT or settings.PRIVACY_CONTACT
                      or NOT_DECLARED,
                      country=settings.CONTROLLER_COUNTRY or NOT_DECLARED,
                      dpo_contact=settings.DPO_CONTACT or NOT_DECLARED)


def customer_fields() -> tuple[DataField, ...]:
    inventory = get_inventory()
    source = "custom" if settings.DATA_INVENTORY_CUSTOM else "default"
    return tuple(DataField(subject=CUSTOMERS, name=f.name, label=f.label, category=f.category,
                           sensitivity=f.sensitivity, purpose=f.purpose,
                           legal_basis=f.legal_basis, retention=f.retention,
                           retention_days=f.retention_days, required=f.required,
                           source=f"{source} inventory")
                 for f in inventory.fields)


def _purposes(fields: tuple[DataField, ...]) -> tuple[Purpose, ...]:
    grouped: dict[str, list[DataField]] = {}
    for f in fields:
        grouped.setdefault(f.purpose, []).append(f)
    own = tuple(Purpose(purpose=p, legal_bases=tuple(dict.fromkeys(f.legal_basis for f in fs)),
                        fields=tuple(f.name for f in fs),
                        subjects=tuple(dict.fromkeys(f.subject for f in fs)))
                for p, fs in grouped.items())
    # The inventory's purposes beyond the fields (surveys…): processing of the same
    # customer data, on consent or legitimate interests, that the customer may refuse.
    optional = tuple(Purpose(purpose=f"{p.label}: {p.description}", legal_bases=(p.legal_basis,),
                             fields=(), subjects=(CUSTOMERS,))
                     for p in get_inventory().purposes)
    return own + optional


def _subjects(fields: tuple[DataField, ...]) -> tuple[SubjectCategory, ...]:
    def categories(subject: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.category for f in fields if f.subject == subject))

    return (
        SubjectCategory(CUSTOMERS, "People who contact the helpdesk, and the people support "
                        "works for, with the profile fields the inventory declares and what "
                        "they write in their requests.", categories(CUSTOMERS)),
        SubjectCategory(STAFF, "People who work in the helpdesk console: agents, "
                        "supervisors, officers and administrators.", categories(STAFF)),
    )


def ticket_retention() -> tuple[TicketRetention, ...]:
    return tuple(TicketRetention(channel=r.channel, status=r.status, retention=r.retention,
                                 retention_days=r.retention_days)
                 for r in get_inventory().tickets)


def build() -> Record:
    """The record as the product is configured now."""
    from trustdesk.privacy import processing_measures, processing_recipients, processing_staff

    fields = customer_fields() + processing_staff.fields()
    channels = tuple(reported_channels())
    recipients = processing_recipients.recipients()
    return Record(schema_version=SCHEMA_VERSION, generated_at=clock.now(),
                  controller=controller(), subjects=_subjects(fields), fields=fields,
                  ticket_retention=ticket_retention(),
                  purposes=_purposes(fields), recipients=recipients, channels=channels,
                  transfers=processing_recipients.transfers(recipients),
                  measures=processing_measures.measures(channels),
                  inventory="custom" if settings.DATA_INVENTORY_CUSTOM else "default")
