"""What a scan returns, and how overlapping findings are settled.

Overlaps are resolved greedily, strongest first: a higher score wins; between equal
scores the longer span wins; then the recognizer registered first (``priority``); then the
earlier start. A finding is kept only if it overlaps nothing already kept, so the result is
a set of disjoint spans that a redactor can replace without ambiguity. Rationale: a
validated number (Luhn, mod-97, checksum) scores higher than a merely shaped one, so the
card inside "ref 4111 1111 1111 1111" beats a bank-account guess over the same digits.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=False)
class Finding:
    entity: str
    start: int
    end: int
    score: float
    recognizer: str
    # Registration order of the recognizer; a tie-breaker only, not part of equality.
    priority: int = field(default=0, compare=False, repr=False)

    def shifted(self, offset: int) -> Finding:
        return Finding(self.entity, self.start + offset, self.end + offset, self.score,
                       self.recognizer, self.priority)

    def as_dict(self) -> dict:
        return {"entity": self.entity, "start": self.start, "end": self.end,
                "score": round(self.score, 3), "recognizer": self.recognizer}


def _strength(f: Finding) -> tuple:
    return (-f.score, -(f.end - f.start), f.priority, f.start)


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Disjoint findings in text order; see the module docstring for who wins."""
    if len(findings) < 2:
        return list(findings)
    # Kept spans are disjoint and sorted by start, so only the neighbours of the insertion
    # point can overlap a candidate: O(log n) per check even on a megabyte chunk.
    starts: list[int] = []
    kept: list[Finding] = []
    for f in sorted(findings, key=_strength):
        i = bisect_right(starts, f.start)
        if i and kept[i - 1].end > f.start:
            continue
        if i < len(kept) and kept[i].start < f.end:
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept
