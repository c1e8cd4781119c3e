"""``trustdesk pii scan`` / ``python -m trustdesk.pii scan``: text on stdin, one JSON
object per finding per line on stdout (offsets are in characters of the decoded text).
``trustdesk pii redact`` prints the text with findings replaced. Values are printed only
with ``--with-text``: the output of a scan should not become a new copy of the data."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TextIO

from trustdesk.core.errors import TrustDeskError
from trustdesk.pii.engine import Scanner
from trustdesk.pii.operators import Mask, Replace, redact
from trustdesk.pii.registry import Registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    for name, help_ in (("scan", "print one JSON line per finding in the text on stdin"),
                        ("redact", "print the text on stdin with its findings replaced")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--entities", help="comma-separated entity names (default: all "
                       "pattern entities), e.g. CREDIT_CARD,EMAIL_ADDRESS")
        p.add_argument("--locales", help="comma-separated locales for phone numbers "
                       "written without a country code, e.g. en_US,zh_CN")
        p.add_argument("--recognizers", action="append", default=[], metavar="YAML",
                       help="add custom recognizers from this YAML file (repeatable)")
        if name == "scan":
            p.add_argument("--with-text", action="store_true",
                           help="also print each finding's text (the PII itself)")
        else:
            p.add_argument("--operator", choices=("replace", "mask"), default="replace")


def run(options: dict, *, stdin: TextIO, write: Callable[[str], None]) -> int:
    """Runs the parsed ``options``; raises ``TrustDeskError`` for bad input."""
    registry = Registry.default()
    for path in options.get("recognizers") or ():
        registry.load_yaml(path)
    scanner = Scanner(registry)
    entities = _split(options.get("entities"))
    locales = _split(options.get("locales"))
    if options["action"] == "redact":
        text = stdin.read()
        operator = Mask() if options.get("operator") == "mask" else Replace()
        write(redact(text, scanner.scan(text, entities=entities, locales=locales),
                     operator))
        return 0
    if options.get("with_text"):
        # Values need the text they come from: hold the input (not streamed).
        text = stdin.read()
        for f in scanner.scan(text, entities=entities, locales=locales):
            write(json.dumps({**f.as_dict(), "text": text[f.start:f.end]},
                             ensure_ascii=False))
        return 0
    for f in scanner.scan_stream(stdin, entities=entities, locales=locales):
        write(json.dumps(f.as_dict()))
    return 0


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trustdesk pii", description=__doc__)
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    try:
        return run(options, stdin=sys.stdin, write=lambda line: print(line))
    except TrustDeskError as exc:
        sys.stderr.write(f"trustdesk pii: {exc.message}\n")
        return 2
