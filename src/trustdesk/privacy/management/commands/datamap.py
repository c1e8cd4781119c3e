"""``trustdesk datamap show``: the data inventory as a table (or JSON)."""

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand

from trustdesk.privacy.inventory import get_inventory

COLUMNS = ("name", "category", "sensitivity", "required", "retention", "legal_basis", "purpose")


class Command(BaseCommand):
    help = "Show the data inventory: every customer field TrustDesk may store, and why."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="print the inventory")
        show.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, action, format, **options):
        inventory = get_inventory()
        if format == "json":
            rows = [{k: v for k, v in asdict(f).items() if k != "line"} for f in inventory.fields]
            tickets = [{k: v for k, v in asdict(r).items() if k != "line"}
                       for r in inventory.tickets]
            purposes = [{k: v for k, v in asdict(p).items() if k not in ("line", "field")}
                        for p in inventory.purposes]
            self.stdout.write(json.dumps({"path": inventory.path, "fields": rows,
                                          "tickets": tickets, "purposes": purposes},
                                         indent=2))
            return
        rows = [
            [f.name, f.category, f.sensitivity, "yes" if f.required else "no", f.retention,
             f.legal_basis, f.purpose]
            for f in inventory.fields
        ]
        widths = [max(len(str(c)) for c in col) for col in zip(COLUMNS, *rows, strict=False)]
        widths[-1] = 0  # the purpose runs to the end of the line

        def line(cells) -> str:
            return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write(f"Data inventory: {inventory.path}")
        self.stdout.write(line([c.upper() for c in COLUMNS]))
        for row in rows:
            self.stdout.write(line(row))
        if inventory.tickets:
            self.stdout.write("Finished tickets (with their messages), after last activity:")
            for rule in inventory.tickets:
                self.stdout.write(f"  {rule.channel:<6} {rule.status:<7} {rule.retention}")
        if inventory.purposes:
            self.stdout.write("Purposes a customer may refuse (consent: opt in; "
                              "legitimate_interests: object):")
            for p in inventory.purposes:
                self.stdout.write(f"  {p.name:<24} {p.legal_basis:<21} {p.description}")
