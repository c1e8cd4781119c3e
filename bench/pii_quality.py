"""PII detection quality: precision, recall and F1 per entity of ``trustdesk.pii.scan``
on a generated, labelled corpus of ticket-like texts (see ``_pii_corpus``). One JSON
line on stdout.

A finding counts as a true positive when it has the gold entity and overlaps a gold span
that no other finding has claimed; ``exact`` is the share of those whose boundaries match
exactly. The corpus labels the seven structured entities (cards, IBANs, phones,
e-mail and IP addresses, SSNs, dates); findings of other entities are all unwarranted
there (it holds no URLs, passwords …) and are counted under ``other_findings``.
``structured`` is the micro average over the seven: true and false positives and misses
summed over all of them, then precision, recall and F1.

Corpus and detector are written by the same people, so these figures are an upper bound
on what the detector does on text it has never seen.

``names`` is a separate section: PERSON and LOCATION on their own corpus (``_pii_names``:
names of many locales in greetings, signatures and mid-sentence, places, and capitalised
products, companies, streets and months that are neither), scanned with the gazetteer
backend (``trustdesk.pii.gazetteer``, the ``names`` extra). ``before`` is the scanner
without a named-entity backend (it finds no names); ``chars_per_s`` is the backend's
speed on that corpus, text by text (``chars_per_s_one_text``: the corpus as one text),
``load_s`` the one-off cost of reading its tables. The same upper bound applies, more
so: the templates are few, and the cues were written for them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from _pii_corpus import ENTITY, corpus
from _pii_names import corpus as names_corpus

from trustdesk import pii
from trustdesk.pii import gazetteer

TARGET_F1 = 0.95
NAMES_TARGET_F1 = 0.7
NAME_ENTITIES = ("PERSON", "LOCATION")
# The detector's rules were refined while reading errors on the development seed; the
# held-out seed is only ever measured, so its figures are the honest ones. (The held-out
# seed was changed when the corpus was rebuilt: errors on the old one had been read.)
DEV_SEED, HELD_OUT_SEED = 20240601, 60221


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
    scores = {e: _prf(tp[e], fp[e], fn[e]) | {
        "exact": round(exact[e] / tp[e], 4) if tp[e] else 0.0} for e in sorted(labelled)}
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"entities": scores, "structured": micro, "other_findings": dict(other)}


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
            "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}


def run(seed: int) -> dict:
    texts = corpus(2500, seed=seed)
    start = time.perf_counter()
    result = evaluate(texts)
    f1s = [s["f1"] for s in result["entities"].values()]
    return {"seed": seed, "texts": len(texts),
            "languages": dict(Counter(lang for lang, _, _ in texts)),
            "gold_spans": sum(len(g) for _, _, g in texts),
            "characters": sum(len(t) for _, t, _ in texts), **result,
            "min_f1": min(f1s), "seconds": round(time.perf_counter() - start, 2)}


def evaluate_names(texts, scan) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    for _lang, text, gold in texts:
        claimed = [False] * len(gold)
        for entity, start, end in scan(text):
            hit = next((i for i, (e, s, t) in enumerate(gold) if not claimed[i]
                        and e == entity and start < t and s < end), None)
            if hit is None:
                fp[entity] += 1
            else:
                claimed[hit] = True
                tp[entity] += 1
        for i, (e, _s, _t) in enumerate(gold):
            fn[e] += not claimed[i]
    return {e: _prf(tp[e], fp[e], fn[e]) for e in NAME_ENTITIES}


def run_names(seed: int) -> dict:
    texts = names_corpus(1500, seed=seed)
    out = {"seed": seed, "texts": len(texts),
           "characters": sum(len(t) for _, t, _ in texts),
           "before": {e: s["f1"] for e, s in evaluate_names(
               texts, lambda text: [(f.entity, f.start, f.end) for f in pii.scan(text)
                                    if f.entity in NAME_ENTITIES]).items()}}
    try:
        start = time.perf_counter()
        backend = gazetteer.backend()
        out["load_s"] = round(time.perf_counter() - start, 2)
    except pii.NerUnavailable as exc:
        return out | {"backend": None, "error": exc.message}
    scanner = pii.Scanner(ner=backend)
    out |= {"backend": backend.name, **evaluate_names(
        texts, lambda text: [(f.entity, f.start, f.end) for f in scanner.scan(
            text, entities=NAME_ENTITIES)])}
    start = time.perf_counter()
    for _, text, _ in texts:
        for _ in backend.find(text):
            pass
    out["chars_per_s"] = round(out["characters"] / (time.perf_counter() - start))
    # One long text too (a pasted log): the cost must stay linear in its length.
    joined = "\n\n".join(t for _, t, _ in texts)
    start = time.perf_counter()
    for _ in backend.find(joined):
        pass
    out["chars_per_s_one_text"] = round(len(joined) / (time.perf_counter() - start))
    return out


def main() -> None:
    held_out, dev = run(HELD_OUT_SEED), run(DEV_SEED)
    names_held_out, names_dev = run_names(HELD_OUT_SEED), run_names(DEV_SEED)
    person_f1 = names_held_out.get("PERSON", {}).get("f1", 0.0)
    print(json.dumps({
        "bench": "pii_quality", "match": "same entity, overlapping span",
        "target_f1": TARGET_F1,
        "target_met": held_out["structured"]["f1"] >= TARGET_F1,
        "structured_f1": held_out["structured"]["f1"], "held_out": held_out,
        "dev": {k: dev[k] for k in ("seed", "min_f1")} | {
            "structured_f1": dev["structured"]["f1"],
            "f1": {e: s["f1"] for e, s in dev["entities"].items()}},
        "names": {"upper_bound": True, "target_f1": NAMES_TARGET_F1,
                  "target_met": person_f1 >= NAMES_TARGET_F1, "person_f1": person_f1,
                  "held_out": names_held_out,
                  "dev": {e: names_dev[e]["f1"] for e in NAME_ENTITIES if e in names_dev}},
    }))


if __name__ == "__main__":
    main()
