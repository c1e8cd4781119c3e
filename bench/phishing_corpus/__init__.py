"""The phishing benchmark's development corpus: phishing and ordinary mail to a helpdesk's
support address, built at run time from a seed (the same seed gives the same bytes).

Written from first principles for this benchmark — templates with many variations — and
not drawn from, copied from or modelled on any public phishing, spam or ham corpus
(those are kept for an independent measurement).

    from phishing_corpus import corpus, context_fields
    for sample in corpus(seed=1, phishing=500, ordinary=500): ...

Each ``Sample`` has the raw message (CRLF line ends, as on the wire), its class
(``phishing`` / ``ordinary``), its style (what kind of phishing or ordinary mail it is)
and its language (``en`` / ``zh``). ``context_fields(seed)`` gives what the helpdesk knows
(its domains, agents and known customers) as the fields of the analyser's ``Context``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from . import mime, ordinary, phishing, world

DEFAULT_SEED = 20261102
PHISHING_STYLES = tuple(phishing.STYLES)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Sample:
    raw: bytes
    label: str  # "phishing" | "ordinary"
    style: str
    lang: str  # "en" | "zh"
    subject: str
    sender: str


def context_fields(seed: int = DEFAULT_SEED) -> dict:
    return world.World(seed).context_fields()


def corpus(
    seed: int = DEFAULT_SEED, *, phishing_count: int = 500, ordinary_count: int = 500
) -> list[Sample]:
    """The two classes interleaved; phishing styles in turn, so that every style has its
    share at any size."""
    w = world.World(seed)
    out: list[Sample] = []
    for i in range(max(phishing_count, ordinary_count)):
        if i < phishing_count:
            rng = random.Random(f"{seed}:phishing:{i}")
            style = PHISHING_STYLES[i % len(PHISHING_STYLES)]
            out.append(_sample(rng, phishing.STYLES[style](rng, w, i), "phishing", style, i))
        if i < ordinary_count:
            rng = random.Random(f"{seed}:ordinary:{i}")
            style, mail = ordinary.generate(rng, w, i)
            out.append(_sample(rng, mail, "ordinary", style, i))
    return out


def _sample(rng: random.Random, mail: mime.Mail, label: str, style: str, i: int) -> Sample:
    raw = mime.build(rng, mail, i)
    lang = "zh" if _CJK.search(mail.subject + mail.text + mail.from_name) else "en"
    return Sample(
        raw=raw, label=label, style=style, lang=lang, subject=mail.subject, sender=mail.from_addr
    )
