"""``trustdesk keys status|rotate [--data]``: key health and rotation."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.vault import rotation
from trustdesk.vault.errors import VaultError


class Command(BaseCommand):
    help = "Show key status, or rotate the key-encryption key (or, with --data, data keys)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="current KEK, data keys, and when rotation is due")
        rotate = sub.add_parser(
            "rotate",
            help="rewrap every data key under a new KEK (resumable; safe while serving)")
        rotate.add_argument("--data", action="store_true",
                            help="instead, give every customer a new data key and "
                            "re-encrypt their data under it")
        rotate.add_argument("--batch", type=int, default=500)
        rotate.add_argument("--limit", type=int, default=None,
                            help="stop after this many keys or customers (run again to go on)")
        rotate.add_argument("--grace", type=float, default=2.0,
                            help="seconds to let in-flight writes finish before the last pass")

    def handle(self, *args, action, **options):
        try:
            if action == "status":
                return self._status()
            return self._rotate(**options)
        except VaultError as exc:
            raise CommandError(f"{exc.message} ({exc.detail})") from None

    def _status(self):
        s = rotation.status(kek_days=settings.VAULT_KEK_CRYPTOPERIOD_DAYS,
                            data_days=settings.VAULT_DATA_KEY_CRYPTOPERIOD_DAYS)
        self.stdout.write(f"key provider:      {s.kek_provider}")
        self.stdout.write(f"current KEK:       {s.kek_id or '(none yet)'}")
        if s.kek_created:
            self.stdout.write(f"  created {s.kek_created:%Y-%m-%d}, rotation due "
                              f"{s.kek_due:%Y-%m-%d}")
        self.stdout.write(f"data keys:         {s.data_keys}")
        if s.oldest_data_key:
            self.stdout.write(f"  oldest {s.oldest_data_key:%Y-%m-%d}, rotation due "
                              f"{s.data_keys_due:%Y-%m-%d}")
        if s.rotation_in_progress:
            self.stdout.write("a rotation is unfinished: run `trustdesk keys rotate` "
                              "(or `--data`) again to complete it")

    def _progress(self, phase: str, done: int, total: int) -> None:
        if done % 1000 == 0 or (total and done == total):
            shown = f"{done}/{total}" if total else str(done)
            self.stderr.write(f"\r{phase}: {shown}", ending="")
            sys.stderr.flush()

    def _rotate(self, *, data, batch, limit, grace, **_):
        if data:
            report = rotation.rotate_data(batch=batch, limit=limit, grace_seconds=grace,
                                          progress=self._progress)
            self.stderr.write("")
            self.stdout.write(f"Re-encrypted {report.resealed} values of {report.subjects} "
                              "customers under new data keys.")
        else:
            report = rotation.rotate_kek(batch=batch, limit=limit, grace_seconds=grace,
                                         progress=self._progress)
            self.stderr.write("")
            self.stdout.write(f"Rewrapped {report.rewrapped} data keys.")
            for kek_id in report.destroyed:
                self.stdout.write(f"Destroyed the old KEK {kek_id}.")
        with transaction.atomic():
            record(actor=Actor.system("keys rotate"),
                   action="keys.rotate_data" if data else "keys.rotate_kek",
                   object_type="keys", context={
                       "rewrapped": report.rewrapped, "customers": report.subjects,
                       "resealed": report.resealed, "destroyed": report.destroyed,
                       "interrupted": report.interrupted})
        if report.interrupted:
            self.stdout.write("Stopped at the limit; run the same command again to continue.")
