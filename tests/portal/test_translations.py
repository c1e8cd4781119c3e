"""The committed Chinese catalogue: every message of the .po is translated, and the
compiled .mo (what Django loads) carries the same translations, so a string edited in
the .po without recompiling fails here."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

import trustdesk.portal

PO = Path(trustdesk.portal.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def _entries():
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        lines = [x for x in block.splitlines() if not x.startswith("#")]
        joined = "\n".join(lines)
        ctx = re.search(r'^msgctxt "(.*)"$', joined, re.M)
        mid = re.search(r'^msgid "(.*)"$', joined, re.M)
        plural = re.search(r'^msgid_plural "(.*)"$', joined, re.M)
        string = re.search(r'^msgstr(?:\[0\])? "(.*)"$', joined, re.M)
        if mid:
            yield ctx and ctx.group(1), mid.group(1), bool(plural), string.group(1)


def test_every_message_is_translated_and_compiled():
    entries = list(_entries())
    assert len(entries) >= 60
    with translation.override("zh-hans"):
        for context, msgid, plural, msgstr in entries:
            assert msgstr, f"untranslated: {msgid}"
            text = msgid.replace('\\"', '"')
            if plural:
                got = translation.ngettext(text, text, 1)
            elif context:
                got = translation.pgettext(context, text)
            else:
                got = translation.gettext(text)
            assert got == msgstr.replace('\\"', '"'), f".mo out of date for {msgid!r}"
