"""phishing reports: list, each team's report rate, confirm or release one"""

from __future__ import annotations

import json

from trustdesk.mailgateway import reports


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    ls = sub.add_parser("list", help="reports in one state (default open)")
    ls.add_argument("--state", default="open", choices=["open", "confirmed", "released",
                                                        "all"])
    ls.add_argument("--json", action="store_true", dest="as_json")
    rate = sub.add_parser("rate", help="each team's report rate")
    rate.add_argument("--days", type=int, default=90)
    for name in ("confirm", "release"):
        p = sub.add_parser(name, help=f"{name} a report")
        p.add_argument("report_id", type=int)


def run(actor, options, out) -> None:
    action = options["action"]
    if action == "list":
        state = None if options["state"] == "all" else options["state"]
        for r in reports.report_list(actor=actor, state=state):
            if options["as_json"]:
                out.write(json.dumps({"id": r.pk, "ticket_id": r.ticket_id, "state": r.state,
                                      "domain": r.sender_domain, "flagged": r.flagged}))
            else:
                out.write(f"{r.pk}  ticket #{r.ticket_id}  {r.state:<9} "
                          f"{r.sender_domain or '-'}  {'warned' if r.flagged else ''}")
    elif action == "rate":
        for t in reports.report_rate(actor=actor, days=options["days"]):
            rate = f"{t.rate:.0%}" if t.rate is not None else "-"
            out.write(f"{t.team}: {t.reported}/{t.flagged} reported ({rate}), median "
                      f"{t.median_minutes if t.median_minutes is not None else '-'} min, "
                      f"{t.reports} report(s) in all")
    else:
        report = reports.report_decide(actor=actor, report_id=options["report_id"],
                                       phishing=action == "confirm")
        out.write(f"Report {report.pk}: {report.state}.")
