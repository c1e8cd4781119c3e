"""the allow and deny lists: show, add, remove (``trustdesk mail lists …``)

Over the same use cases as the console's mail lists page and ``/api/v1/mail/lists``;
changes are recorded in the audit trail as the system actor ``mail lists``.
"""

from __future__ import annotations

import json

from trustdesk.mailgateway import geo, selectors, services
from trustdesk.mailgateway.lists import ACTIONS, KINDS


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="lists_action", required=True)
    show = sub.add_parser("show", help="every entry, deny first")
    show.add_argument("--action", choices=ACTIONS)
    show.add_argument("--kind", choices=KINDS)
    show.add_argument("--json", action="store_true", dest="as_json")
    add = sub.add_parser("add", help="add an entry: ACTION KIND VALUE")
    add.add_argument("action", choices=ACTIONS)
    add.add_argument("kind", choices=KINDS)
    add.add_argument("value")
    add.add_argument("--note", default="")
    remove = sub.add_parser("remove", help="remove an entry by its id")
    remove.add_argument("entry_id", type=int)


def run(actor, options, out) -> None:
    action = options["lists_action"]
    if action == "show":
        entries = selectors.list_entries(actor=actor, action=options.get("action"),
                                         kind=options.get("kind"))
        for e in entries:
            if options.get("as_json"):
                out.write(json.dumps({"id": e.pk, "action": e.action, "kind": e.kind,
                                      "value": e.value, "note": e.note,
                                      "created_at": e.created_at.isoformat()}))
            else:
                out.write(f"{e.pk:>5}  {e.action:<5} {e.kind:<7} {e.value}"
                          + (f"  # {e.note}" if e.note else ""))
        if not options.get("as_json"):
            if not entries:
                out.write("No entries.")
            if geo.status() == "off":
                out.write("No GeoIP database is configured: country entries never match.")
            elif geo.status() == "unavailable":
                out.write("The GeoIP database cannot be read: mail a country deny entry "
                          "would judge is deferred.")
    elif action == "add":
        entry = services.list_entry_add(actor=actor, action=options["action"],
                                        kind=options["kind"], value=options["value"],
                                        note=options["note"])
        out.write(f"Added {entry.pk}: {entry.action} {entry.kind} {entry.value}")
    else:
        entry = services.list_entry_remove(actor=actor, entry_id=options["entry_id"])
        out.write(f"Removed {entry.pk}: {entry.action} {entry.kind} {entry.value}")
