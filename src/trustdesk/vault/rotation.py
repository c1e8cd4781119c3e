"""Key rotation, safe while the server keeps serving and resumable after a crash.

- ``rotate_kek``: a new key-encryption key becomes current; every wrapped data key is
  rewrapped under it (the data is not touched); the old KEK is retired, then destroyed once
  no data key depends on it. Rerunning finishes an interrupted rotation.
- ``rotate_data``: every customer whose data key is older than the rotation's start gets a
  new key version; all their ciphertexts are re-encrypted under it; old versions are
  destroyed once nothing refers to them. An interrupted run resumes from its start time.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from trustdesk.vault import keys, recipes, registry
from trustdesk.vault.providers import keystore, provider

Progress = Callable[[str, int, int], None]  # (phase, done, total)
CUSTOMER_PREFIX = "customer:"


@dataclass
class RotationReport:
    rewrapped: int = 0
    resealed: int = 0
    subjects: int = 0
    destroyed: list[str] = field(default_factory=list)
    interrupted: bool = False


def _quiet(phase: str, done: int, total: int) -> None:
    return None


def rotate_kek(*, batch: int = 500, grace_seconds: float = 2.0, limit: int | None = None,
               progress: Progress = _quiet) -> RotationReport:
    """Rewrap every data key under a new KEK. ``limit`` stops after that many rewraps
    (to pace the work, or in tests to simulate a crash); run again to continue."""
    ks, p = keystore(), provider()
    report = RotationReport()
    live = [k for k in ks.keks() if k.state in ("active", "retired")]
    if len([k for k in live if k.state == "active"]) <= 1 and not any(
        k.state == "retired" for k in live
    ):
        # Nothing in progress: start a rotation with a fresh KEK.
        if not live:
            keys.current_kek()
            live = [k for k in ks.keks() if k.state == "active"]
        new_id = keys.new_kek_id(p.name)
        p.create_kek(new_id)
        ks.add_kek(new_id, p.name)
    keks = [k for k in ks.keks() if k.state in ("active", "retired")]
    target = [k for k in keks if k.state == "active"][-1].id
    old = [k.id for k in keks if k.id != target]
    for kek_id in old:
        ks.set_kek_state(kek_id, "retired")  # decrypt-only from now on
    # Let wraps that read the old KEK as current just before finish storing their rows.
    time.sleep(grace_seconds)
    total = sum(ks.count(kek_id) for kek_id in old)
    for kek_id in old:
        after = None
        while True:
            rows = ks.wrapped_under(kek_id, batch, after=after)
            if not rows:
                if after is None:
                    break
                # One more pass from the start for a key stored under the old KEK
                # behind the walk (a wrap that began before the KEK was retired).
                after = None
                continue
            after = (rows[-1].subject, rows[-1].version)
            if limit is not None:
                rows = rows[:max(0, limit - report.rewrapped)]
                if not rows:
                    report.interrupted = True
                    return report
            fresh = [(row.subject, row.version,
                      p.wrap(target, keys.unwrap(row), keys.wrap_aad(row.subject, row.version)))
                     for row in rows]
            report.rewrapped += ks.rewrap(fresh, kek_id, target)
            progress("rewrap", report.rewrapped, total)
        if ks.count(kek_id) == 0:
            p.destroy_kek(kek_id)
            ks.set_kek_state(kek_id, "destroyed")
            report.destroyed.append(kek_id)
    return report


def _reseal_subject(subject: str, below: int | None) -> int:
    """Re-encrypt the subject's ciphertexts that use a key version older than current
    (or than ``below``); returns how many values changed."""
    current = keys.current_version(subject)
    floor = below or current
    changed = 0
    for column in registry.columns():
        for row in column.queryset(subject).iterator(chunk_size=200):
            sealed = bytes(getattr(row, column.column))
            if recipes.version_of(sealed) >= floor:
                continue
            purpose = column.purpose_of(row)
            fresh = recipes.seal(subject, purpose, recipes.open(subject, purpose, sealed))
            # Compare-and-set: a concurrent write of a newer value wins.
            model = type(row)
            changed += model._default_manager.filter(
                pk=row.pk, **{column.column: sealed}).update(**{column.column: fresh})
    return changed


def _uses_version(subject: str, version: int) -> bool:
    return any(
        recipes.version_of(bytes(getattr(row, column.column))) == version
        for column in registry.columns()
        for row in column.queryset(subject).iterator(chunk_size=200)
    )


def rotate_data(*, batch: int = 200, grace_seconds: float = 2.0, limit: int | None = None,
                progress: Progress = _quiet) -> RotationReport:
    """Give every customer a new data key and re-encrypt their data under it."""
    ks = keystore()
    report = RotationReport()
    cutoff = ks.rotation_cutoff("data") or ks.rotation_cutoff(
        "data", start=dt.datetime.now(dt.UTC))
    after = ""
    while True:
        subjects = ks.subjects_older_than(cutoff, CUSTOMER_PREFIX, after, batch)
        if not subjects:
            break
        for subject in subjects:
            if limit is not None and report.subjects >= limit:
                report.interrupted = True
                return report
            with transaction.atomic():
                keys.new_version(subject)
                report.resealed += _reseal_subject(subject, None)
            report.subjects += 1
            progress("re-encrypt", report.subjects, 0)
        after = subjects[-1]
    # In-flight writes that sealed with an old version before it stopped being current
    # have finished by now; catch them, then destroy versions nothing uses.
    time.sleep(grace_seconds)
    after = ""
    while True:
        subjects = ks.subjects_with_old_versions(CUSTOMER_PREFIX, after, batch)
        if not subjects:
            break
        for subject in subjects:
            versions = ks.versions(subject)
            newest = versions[-1].version
            report.resealed += _reseal_subject(subject, newest)
            for v in versions[:-1]:
                if not _uses_version(subject, v.version):
                    ks.delete(subject, v.version)
            keys.forget(subject)
        after = subjects[-1]
    ks.finish_rotation("data")
    return report


@dataclass(frozen=True)
class KeyStatus:
    kek_id: str | None
    kek_provider: str
    kek_created: dt.datetime | None
    kek_due: dt.datetime | None
    data_keys: int
    oldest_data_key: dt.datetime | None
    data_keys_due: dt.datetime | None
    rotation_in_progress: bool


def status(*, kek_days: int, data_days: int) -> KeyStatus:
    ks = keystore()
    keks = ks.keks()
    active = [k for k in keks if k.state == "active"]
    current = active[-1] if active else None
    oldest = ks.oldest_key_created(CUSTOMER_PREFIX)
    return KeyStatus(
        kek_id=current.id if current else None,
        kek_provider=provider().name,
        kek_created=current.created_at if current else None,
        kek_due=current.created_at + dt.timedelta(days=kek_days) if current else None,
        data_keys=ks.count(),
        oldest_data_key=oldest,
        data_keys_due=oldest + dt.timedelta(days=data_days) if oldest else None,
        rotation_in_progress=len(active) > 1 or any(k.state == "retired" for k in keks)
        or ks.rotation_cutoff("data") is not None,
    )
