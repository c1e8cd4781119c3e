"""the gateway's received and suspended mail: list, show, release, delete"""

from __future__ import annotations

import json

from trustdesk.mailgateway import banners, suspended


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    ls = sub.add_parser("list", help="the newest messages in one state (default suspended)")
    ls.add_argument("--state", default="suspended",
                    choices=[*suspended.STATES, "all"])
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true", dest="as_json")
    show = sub.add_parser("show", help="one message and what each check found")
    show.add_argument("mail_id")
    for name in ("release", "delete"):
        p = sub.add_parser(name, help=f"{name} a suspended message")
        p.add_argument("mail_id")
        p.add_argument("--reason", default="")


def run(actor, options, out) -> None:
    action = options["action"]
    if action == "list":
        state = None if options["state"] == "all" else options["state"]
        for m in suspended.mail_list(actor=actor, state=state, limit=options["limit"]):
            if options["as_json"]:
                out.write(json.dumps({"id": str(m.uid), "received_at": m.received_at
                                      .isoformat(), "state": m.state, "reason": m.reason,
                                      "checks": m.checks}))
            else:
                out.write(f"{m.uid}  {m.received_at:%Y-%m-%d %H:%M:%S}  {m.state:<9} "
                          f"{m.reason or '-'}")
    elif action == "show":
        held = suspended.mail_get(actor=actor, mail_id=options["mail_id"])
        m = held.mail
        out.write(f"{m.uid} {m.state} {m.reason_text or ''}".rstrip())
        if held.sender:
            out.write(f"From: {held.sender}\nSubject: {held.subject}")
        for warning in banners.texts(m.checks):
            out.write(f"! {warning}")
        out.write(json.dumps(m.checks, indent=2, sort_keys=True))
    else:
        fn = suspended.mail_release if action == "release" else suspended.mail_delete
        fn(actor=actor, mail_id=options["mail_id"], reason=options["reason"])
        out.write("Released: intake runs again." if action == "release"
                  else "Deleted: its content is destroyed.")
