"""``trustdesk demo [--seed N]``: seed a living helpdesk and print how to sign in."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from trustdesk.config.demo import seed as demo


class Command(BaseCommand):
    help = "Create deterministic demo data (agents, teams, customers, tickets)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--customers", type=int, default=50)
        parser.add_argument("--tickets", type=int, default=200)
        parser.add_argument("--url", default="http://127.0.0.1:8000/",
                            help="where the console will be, for the sign-in hint")

    def handle(self, *args, seed, customers, tickets, url, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if demo.already_seeded():
            self.stdout.write("Demo data is already there.")
            logins = demo.read_logins()
        else:
            logins = demo.seed(seed=seed, customers_count=customers, tickets_count=tickets)
            self.stdout.write(f"Seeded {customers} customers and {tickets} tickets "
                              f"(seed {seed}).")
        if not logins:
            self.stdout.write("No demo sign-in details are on file.")
            return
        self.stdout.write(f"\nSign in at {url} with one of these demo accounts:")
        for login in logins:
            self.stdout.write(f"  {login.role:<17} {login.email:<32} {login.password}")
        self.stdout.write(f"(These are also in {demo.logins_path()}, readable only by you.)")
        if settings.SMTPD_LISTEN is not None:
            host, port = settings.SMTPD_LISTEN
            self.stdout.write(f"Mail to support@{demo.DEMO_DOMAIN} sent over SMTP to "
                              f"{host}:{port} becomes a ticket (docs/email.md).")
