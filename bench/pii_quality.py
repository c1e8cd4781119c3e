"""PII detection quality: precision, recall and F1 per entity of ``trustdesk.pii.scan``
on a generated, labelled corpus of ticket-like texts (see ``_pii_corpus``). One JSON
line on stdout.

A finding counts as a true positive when it has the gold entity and overlaps a gold span
that no other finding has claimed; ``exact`` is the share of those whose boundaries match
exactly. The corpus labels only the six structured entities; findings of other entities
are all unwarranted there (it holds no URLs, dates of birth, passwords …) and are counted
under ``other_findings``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from _pii_corpus import ENTITY, corpus  # noqa: E402

from trustdesk import pii  # noqa: E402

TARGET_F1 = 0.95
SEED = 20240601


def evaluate(texts) -> dict:
    tp, fp, fn, exact = Counter(), Counter(), Counter(), Counter()
    other = Counter()
    labelled = set(ENTITY.values())
    for _lang, text, gold in texts:
        claimed = [False] * len(gold)
        for f in pii.scan(text):
            if f.entity not in labelled:
                other[f.entity] += 1
                continue
            hit = next((i for i, (e, s, t) in enumerate(gold) if not claimed[i]
                        and e == f.entity and f.start < t and s < f.end), None)
            if hit is None:
                fp[f.entity] += 1
                continue
            claimed[hit] = True
            tp[f.entity] += 1
            exact[f.entity] += (f.start, f.end) == gold[hit][1:]
        for i, (e, _s, _t) in enumerate(gold):
            fn[e] += not claimed[i]
    scores = {}
    for e in sorted(labelled):
        p = tp[e] / (tp[e] + fp[e]) if tp[e] + fp[e] else 0.0
        r = tp[e] / (tp[e] + fn[e]) if tp[e] + fn[e] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        scores[e] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                     "support": tp[e] + fn[e], "tp": tp[e], "fp": fp[e], "fn": fn[e],
                     "exact": round(exact[e] / tp[e], 4) if tp[e] else 0.0}
    return {"entities": scores, "other_findings": dict(other)}


def main() -> None:
    texts = corpus(2500, seed=SEED)
    start = time.perf_counter()
    result = evaluate(texts)
    took = time.perf_counter() - start
    f1s = [s["f1"] for s in result["entities"].values()]
    print(json.dumps({
        "bench": "pii_quality", "texts": len(texts), "seed": SEED,
        "languages": dict(Counter(lang for lang, _, _ in texts)),
        "gold_spans": sum(len(g) for _, _, g in texts),
        "characters": sum(len(t) for _, t, _ in texts),
        "match": "same entity, overlapping span",
        **result,
        "min_f1": min(f1s), "target_f1": TARGET_F1, "target_met": min(f1s) >= TARGET_F1,
        "seconds": round(took, 2),
    }))


if __name__ == "__main__":
    main()
