"""The support addresses: list, add (with a DKIM key), show one with its DNS record."""

from __future__ import annotations

import json

from trustdesk.mailgateway import routes


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="every support address")
    add = sub.add_parser("add", help="add a support address, with a DKIM key unless --no-dkim")
    add.add_argument("address")
    add.add_argument("--name", default="", help="the From display name")
    add.add_argument("--team", type=int, dest="team_id", help="the team whose queue it feeds")
    add.add_argument("--selector", dest="dkim_selector", help="the DKIM selector "
                     "(default: td<date>)")
    add.add_argument("--no-dkim", action="store_false", dest="dkim")
    show = sub.add_parser("show", help="one support address and the DNS record to publish")
    show.add_argument("route_id", type=int)
    test = sub.add_parser("test", help="send a test message through the whole gateway "
                          "and show each verdict")
    test.add_argument("route_id", type=int)


def _line(route) -> str:
    team = route.team.name if route.team_id else "no team"
    state = "active" if route.active else "inactive"
    dkim = f"dkim {route.dkim_selector}" if route.dkim_selector else "unsigned"
    return f"{route.pk}  {route.address}  {team}  {state}  {dkim}"


def _show(route, out) -> None:
    out.write(_line(route))
    if route.name:
        out.write(f"From: {route.name} <{route.address}>")
    record = routes.dns_record(route)
    out.write(f"Publish: {record}" if record else
              "No DKIM key: replies from this address go out unsigned.")


def run(actor, options, out) -> None:
    action = options["action"]
    if action == "list":
        for route in routes.route_list(actor=actor):
            out.write(_line(route))
    elif action == "add":
        route = routes.route_create(actor=actor, address=options["address"],
                                    name=options["name"], team_id=options["team_id"],
                                    dkim=options["dkim"],
                                    dkim_selector=options["dkim_selector"])
        _show(route, out)
    elif action == "test":
        from trustdesk.mailgateway import banners, selftest

        result = selftest.route_test(actor=actor, route_id=options["route_id"])
        out.write(f"{result.code} {result.text}")
        for warning in banners.texts(result.checks):
            out.write(f"! {warning}")
        out.write(json.dumps(result.checks, indent=2, sort_keys=True))
    else:
        _show(routes.route_get(actor=actor, route_id=options["route_id"]), out)
