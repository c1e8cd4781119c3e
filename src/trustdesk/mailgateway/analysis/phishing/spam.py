"""Unsolicited selling: the ``spam`` verdict.

The analyser's score measures deceit; spam is a different question (is this selling
nobody asked for?) with its own points. A signal whose name is ``spam`` or starts with
``spam_`` adds to the spam score, not to the deceit score (``analyze.verdict_of``), so a
custom YAML signal can join either. The bundled one counts phrases of
``data/spam.yaml`` in the writer's own words; mail from a known customer or the
helpdesk's own domains is never rated spam.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml

from trustdesk.mailgateway.analysis.phishing.base import Context, MailView, Reason, Signal
from trustdesk.mailgateway.analysis.phishing.senders import domain_of, org_of

MAX_TEXT = 100_000
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def table() -> tuple[tuple[tuple[str, re.Pattern, int], ...], int]:
    data = yaml.safe_load(resources.files(__package__).joinpath("data", "spam.yaml")
                          .read_text(encoding="utf-8"))
    out = []
    for language in ("en", "zh"):
        for entry in data.get(language) or ():
            text, weight = (next(iter(entry.items())) if isinstance(entry, dict)
                            else (entry, data["weight"]))
            text = unicodedata.normalize("NFKC", str(text)).casefold()
            pattern = (re.compile(re.escape(text)) if _CJK.search(text) else
                       re.compile(r"(?<!\w)" + r"[\s\-]+".join(map(re.escape, text.split()))
                                  + r"(?!\w)"))
            out.append((text, pattern, int(weight)))
    return tuple(out), int(data["cap"])


class Spam(Signal):
    name = "spam"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        address = mail.parsed.from_address
        if address and address in context.known_addresses:
            return []
        if org_of(domain_of(address)) in context.own_orgs:
            return []
        lines = [ln for ln in mail.text.splitlines() if not ln.lstrip().startswith(">")]
        text = unicodedata.normalize(
            "NFKC", f"{mail.parsed.subject}\n" + "\n".join(lines))[:MAX_TEXT].casefold()
        phrases, cap = table()
        # Overlapping phrases are one ("online casino bonus" is not two offers).
        found: list[tuple[str, int]] = []
        taken: list[tuple[int, int]] = []
        hits = sorted(((w, m.start(), m.end(), t) for t, p, w in phrases
                       if (m := p.search(text))), key=lambda h: (-h[0], h[1]))
        for weight, start, end, text_ in hits:
            if not any(start < e and s < end for s, e in taken):
                taken.append((start, end))
                found.append((text_, weight))
        if not found:
            return []
        shown = ", ".join(f"\u201c{t}\u201d" for t, _ in found[:4])
        return [Reason(self.name, min(cap, sum(w for _, w in found)),
                       f"The message sells what spam sells: {shown}.")]


SIGNALS = (Spam,)
