"""Phishing benchmark: how much of the development corpus's phishing the analyser flags,
how much ordinary mail it flags by mistake, and how fast — against SpamAssassin's spamd
on the same messages, in the same run. One JSON line per measurement on stdout.

The corpus (``phishing_corpus``) is built at run time from a seed: phishing to a support
address in sixteen styles (display-name impersonation, a known customer's name from a new
address, credential harvest, HTML forms, invoice and CEO fraud, delivery scams,
lookalikes of the helpdesk's and of brands' domains, link text showing another domain,
shorteners and open redirects, HTML and malware attachments, Reply-To on free mail,
reply-to-me fraud without links, a known customer's mailbox taken over) and ordinary
mail (customers, also from a second address, their IT teams, thread replies, receipts,
shipping notices, newsletters, mailing lists, auto-replies, invitations, services'
notices, colleagues), in English and Chinese. No public corpus is used.

* ``quality``: ``trustdesk.mailgateway.analyze_message(raw, resolver=None, context=...)``
  over every message in a spawned interpreter that never imports Django (no DNS: the
  resolver is None). ``detection_rate``: phishing rated ``suspicious`` or ``phishing``;
  ``phishing_only_rate``: rated ``phishing`` (high confidence); ``false_alarm_rate``:
  ordinary mail rated ``suspicious`` or ``phishing``; per style and per language; the
  signals that fired most on each class; ``by_score``: detection and false alarms of a cut
  on the score alone at each threshold (the trade-off the verdicts' thresholds sit on).
* ``speed``: messages per second through ``analyze_message``, median of ``--repeats``
  passes, in 1 process and in one process per CPU; the baseline in the same processes is
  the gateway's own ``analysis.message.parse`` of each message (what any analysis costs).
* ``spamassassin``: spamd 4, stock rules, local tests only (``--local``, no Bayes), one
  child per CPU, ``CHECK`` over a UNIX socket from 1 and from N clients; its detection and
  false alarms on this corpus with its own threshold (score >= 5).
* ``phishing``: the summary, with the analyser's msgs/s over spamd's at the same
  concurrency (the target is at least 10x).
* ``examples``: the styles the analyser misses most and its false alarms, a few each, with
  the signals that fired.

``--quick`` (60 messages, one pass) is for trying it out. A missing spamd is an error
(exit 2) unless ``--no-spamassassin``; an analyser that is not there (not merged yet) is
an error too (exit 3), after the corpus line.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import statistics
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
import _phishing_spamd
import phishing_corpus
from _setup import percentiles

from audit import SPAWN, _in_process, _results  # the spawned-interpreter helpers

SRC = Path(__file__).resolve().parent.parent / "src"
TARGET_RATIO = 10
SA_THRESHOLD = 5.0
CPUS = os.cpu_count() or 1
FLAGGED = ("suspicious", "phishing")


def _line(**fields) -> None:
    print(json.dumps({"bench": "phishing", **fields}, ensure_ascii=False), flush=True)


# --- In the spawned interpreter ----------------------------------------------------------


def _setup_analyser(context_fields: dict):
    """``(analyze, Context)``; no Django may come in with them."""
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    sys.path.insert(0, str(SRC))
    from trustdesk.mailgateway import analyze_message
    from trustdesk.mailgateway.analysis.phishing.base import Context

    return analyze_message, Context(**context_fields)


def _judge_all(raws: list[bytes], context_fields: dict) -> dict:
    try:
        analyze, context = _setup_analyser(context_fields)
    except ImportError as exc:
        return {"missing": f"{type(exc).__name__}: {exc}"}
    out, errors = [], []
    for raw in raws:
        t = time.perf_counter()
        try:
            v = analyze(raw, resolver=None, context=context)
            out.append(
                (
                    v.verdict,
                    v.score,
                    [(r.signal, r.weight, r.text) for r in v.reasons],
                    (time.perf_counter() - t) * 1000,
                )
            )
        except Exception:
            errors.append(traceback.format_exc())
            out.append(("error", 0, [], (time.perf_counter() - t) * 1000))
    django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
    return {"results": out, "errors": errors, "django_modules": django[:5]}


def _time_share(raws: list[bytes], context_fields: dict, repeats: int, barrier, queue) -> None:
    try:
        analyze, context = _setup_analyser(context_fields)
        from trustdesk.mailgateway.analysis import message

        for raw in raws[:20]:  # warm imports and caches
            analyze(raw, resolver=None, context=context)
            message.parse(raw)
        runs = []
        for _ in range(repeats):
            passes = {}
            for what in ("analyze", "parse"):  # the baseline interleaved with the analyser
                barrier.wait()
                start, lat = time.perf_counter(), []
                for raw in raws:
                    t = time.perf_counter()
                    if what == "analyze":
                        analyze(raw, resolver=None, context=context)
                    else:
                        message.parse(raw)
                    lat.append((time.perf_counter() - t) * 1000)
                passes[what] = (start, time.perf_counter(), lat)
            runs.append(passes)
        queue.put(("ok", runs))
    except BaseException:
        queue.put(("error", traceback.format_exc()))
        barrier.abort()


def speed(raws: list[bytes], context_fields: dict, workers: int, repeats: int) -> dict:
    barrier, queue = SPAWN.Barrier(workers), SPAWN.Queue()
    procs = [
        SPAWN.Process(
            target=_time_share, args=(raws[i::workers], context_fields, repeats, barrier, queue)
        )
        for i in range(workers)
    ]
    for p in procs:
        p.start()
    results = _results(queue, procs)
    errors = [v for status, v in results if status != "ok"]
    if errors:
        raise RuntimeError("timing failed:\n" + errors[0])
    out = {}
    for what in ("analyze", "parse"):
        spans = [
            (
                min(r[i][what][0] for _, r in results),
                max(r[i][what][1] for _, r in results),
                [ms for _, r in results for ms in r[i][what][2]],
            )
            for i in range(repeats)
        ]
        out[what] = _summary(len(raws), spans)
    return out


def _summary(n: int, runs: list) -> dict:
    rates = [n / (end - start) for start, end, _ in runs]
    return {
        "msgs_per_s": round(statistics.median(rates), 1),
        "msgs_per_s_runs": [round(r, 1) for r in rates],
        **percentiles([ms for *_, lat in runs for ms in lat]),
    }


# --- Scoring ---------------------------------------------------------------------------


def _rate(k: int, n: int) -> float | None:
    return round(k / n, 4) if n else None


def quality(samples: list, results: list) -> dict:
    phish = [(s, r) for s, r in zip(samples, results, strict=True) if s.label == "phishing"]
    ham = [(s, r) for s, r in zip(samples, results, strict=True) if s.label == "ordinary"]

    def groups(pairs, key):
        table = collections.defaultdict(list)
        for s, r in pairs:
            table[key(s)].append(r)
        return {
            k: {
                "n": len(v),
                "flagged": _rate(sum(r[0] in FLAGGED for r in v), len(v)),
                "phishing": _rate(sum(r[0] == "phishing" for r in v), len(v)),
            }
            for k, v in sorted(table.items())
        }

    def fired(pairs):
        counts = collections.Counter()
        for _, r in pairs:
            counts.update({sig for sig, weight, _ in r[2] if weight > 0})
        return dict(counts.most_common(12))

    latencies = [r[3] for r in results]
    return {
        "phishing_messages": len(phish),
        "ordinary_messages": len(ham),
        "detection_rate": _rate(sum(r[0] in FLAGGED for _, r in phish), len(phish)),
        "phishing_only_rate": _rate(sum(r[0] == "phishing" for _, r in phish), len(phish)),
        "false_alarm_rate": _rate(sum(r[0] in FLAGGED for _, r in ham), len(ham)),
        "ordinary_rated_phishing": _rate(sum(r[0] == "phishing" for _, r in ham), len(ham)),
        "verdicts_phishing": dict(collections.Counter(r[0] for _, r in phish)),
        "verdicts_ordinary": dict(collections.Counter(r[0] for _, r in ham)),
        "per_style": groups(phish, lambda s: s.style),
        "per_lang_phishing": groups(phish, lambda s: s.lang),
        "per_style_ordinary": groups(ham, lambda s: s.style),
        "per_lang_ordinary": groups(ham, lambda s: s.lang),
        "signals_on_phishing": fired(phish),
        "signals_on_ordinary": fired(ham),
        "by_score": by_score(
            [r[1] for _, r in phish], [r[1] for _, r in ham], (10, 20, 30, 40, 50, 60, 70, 80, 90)
        ),
        "max_ms": round(max(latencies), 2),
    }


def examples(samples: list, results: list, per: int = 3) -> dict:
    def show(s, r):
        return {
            "style": s.style,
            "lang": s.lang,
            "subject": s.subject,
            "from": s.sender,
            "verdict": r[0],
            "score": r[1],
            "reasons": [f"{sig}:{w}" for sig, w, _ in r[2] if w],
        }

    misses = collections.defaultdict(list)
    for s, r in zip(samples, results, strict=True):
        if s.label == "phishing" and r[0] not in FLAGGED:
            misses[s.style].append(show(s, r))
    worst = sorted(misses.items(), key=lambda kv: -len(kv[1]))[:5]
    alarms = [
        show(s, r)
        for s, r in zip(samples, results, strict=True)
        if s.label == "ordinary" and r[0] in FLAGGED
    ]
    return {
        "missed_by_style": {k: {"missed": len(v), "examples": v[:per]} for k, v in worst},
        "false_alarms": len(alarms),
        "false_alarm_examples": alarms[: 3 * per],
    }


# --- SpamAssassin ---------------------------------------------------------------------------


def spamassassin(
    spamd: _phishing_spamd.Spamd, raws: list[bytes], clients: int, repeats: int
) -> tuple[dict, list[float]]:
    def check(raw: bytes) -> tuple[float, float]:
        t = time.perf_counter()
        score = spamd.score(raw)
        return (time.perf_counter() - t) * 1000, score

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(check, raws[: 4 * clients]))  # warm every child
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            answers = list(pool.map(check, raws))
            runs.append((start, time.perf_counter(), [a[0] for a in answers]))
    return _summary(len(raws), runs), [a[1] for a in answers]


def by_score(phish: list[float], ham: list[float], thresholds) -> dict:
    """What a cut on the score alone would give: {threshold: [detection, false alarms]},
    the trade-off behind the verdicts' thresholds."""
    return {
        str(t): [
            _rate(sum(x >= t for x in phish), len(phish)),
            _rate(sum(x >= t for x in ham), len(ham)),
        ]
        for t in thresholds
    }


def sa_quality(samples: list, scores: list[float]) -> dict:
    phish = [(s, x) for s, x in zip(samples, scores, strict=True) if s.label == "phishing"]
    ham = [x for s, x in zip(samples, scores, strict=True) if s.label == "ordinary"]
    styles = collections.defaultdict(list)
    for s, x in phish:
        styles[s.style].append(x >= SA_THRESHOLD)
    return {
        "threshold": SA_THRESHOLD,
        "detection_rate": _rate(sum(x >= SA_THRESHOLD for _, x in phish), len(phish)),
        "false_alarm_rate": _rate(sum(x >= SA_THRESHOLD for x in ham), len(ham)),
        "score_median_phishing": statistics.median(x for _, x in phish) if phish else None,
        "score_median_ordinary": statistics.median(ham) if ham else None,
        "per_style": {k: _rate(sum(v), len(v)) for k, v in sorted(styles.items())},
        "by_score": by_score([x for _, x in phish], ham, (1, 2, 3, 4, 5)),
    }


# --- Orchestration ------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phishing", type=int, default=600, help="phishing messages")
    parser.add_argument("--ordinary", type=int, default=600, help="ordinary messages")
    parser.add_argument("--seed", type=int, default=phishing_corpus.DEFAULT_SEED)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sa-repeats", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="60 messages, one pass")
    parser.add_argument("--no-spamassassin", action="store_true")
    parser.add_argument("--dump", metavar="DIR", help="also write the corpus as .eml files")
    args = parser.parse_args()
    if args.quick:
        args.phishing, args.ordinary, args.repeats, args.sa_repeats = 30, 30, 1, 1
    if not args.no_spamassassin and (why := _phishing_spamd.missing()):
        print(f"bench/phishing.py: {why}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    samples = phishing_corpus.corpus(
        args.seed, phishing_count=args.phishing, ordinary_count=args.ordinary
    )
    fields = phishing_corpus.context_fields(args.seed)
    raws = [s.raw for s in samples]
    if args.dump:
        _dump(Path(args.dump), samples)
    sizes = sorted(len(r) for r in raws)
    by_class = collections.Counter(s.label for s in samples)
    _line(
        what="corpus",
        seed=args.seed,
        messages=len(samples),
        **by_class,
        phishing_styles=dict(
            sorted(collections.Counter(s.style for s in samples if s.label == "phishing").items())
        ),
        ordinary_styles=dict(
            sorted(collections.Counter(s.style for s in samples if s.label == "ordinary").items())
        ),
        langs={
            f"{k[0]}_{k[1]}": v
            for k, v in sorted(collections.Counter((s.label, s.lang) for s in samples).items())
        },
        bytes_min=sizes[0],
        bytes_median=sizes[len(sizes) // 2],
        bytes_max=sizes[-1],
        known_customers=len(fields["customer_addresses"]),
        build_s=round(time.perf_counter() - started, 2),
        cpus=CPUS,
        python=platform.python_version(),
        loadavg_1m=round(os.getloadavg()[0], 2),
    )

    judged = _in_process(_judge_all, raws, fields)
    if "missing" in judged:
        print(
            "bench/phishing.py: the analyser is not available here "
            f"(trustdesk.mailgateway.analyze_message: {judged['missing']}); "
            "merge the phishing analyser first",
            file=sys.stderr,
        )
        return 3
    results = judged["results"]
    q = quality(samples, results)
    _line(
        what="quality",
        resolver=None,
        context="own domains, agents, known customers",
        errors=len(judged["errors"]),
        django_imported=judged["django_modules"],
        **q,
    )
    if judged["errors"]:
        print("first analyser error:\n" + judged["errors"][0], file=sys.stderr)

    rates = {}
    for workers in sorted({1, CPUS}):
        timing = speed(raws, fields, workers, args.repeats)
        rates[("analyser", workers)] = timing["analyze"]["msgs_per_s"]
        _line(
            what="speed",
            workers=workers,
            repeats=args.repeats,
            analyser=timing["analyze"],
            baseline_parse_only=timing["parse"],
            analyser_over_parse=round(
                timing["parse"]["msgs_per_s"] / timing["analyze"]["msgs_per_s"], 2
            ),
        )
    sa = None
    if not args.no_spamassassin:
        with _phishing_spamd.Spamd(CPUS) as spamd:
            for clients in sorted({1, CPUS}):
                timing, scores = spamassassin(spamd, raws, clients, args.sa_repeats)
                rates[("spamassassin", clients)] = timing["msgs_per_s"]
                if sa is None:
                    sa = sa_quality(samples, scores)
                _line(
                    what="spamassassin",
                    clients=clients,
                    children=CPUS,
                    tests="local only (spamd --local), stock rules, no Bayes",
                    repeats=args.sa_repeats,
                    **timing,
                    **sa,
                )
    summary = {
        "detection_rate": q["detection_rate"],
        "false_alarm_rate": q["false_alarm_rate"],
        "phishing_only_rate": q["phishing_only_rate"],
        "per_style": {k: v["flagged"] for k, v in q["per_style"].items()},
        "msgs_per_s": rates[("analyser", 1)],
        f"msgs_per_s_{CPUS}_workers": rates[("analyser", CPUS)],
    }
    if sa:
        for n in sorted({1, CPUS}):
            summary[f"vs_spamassassin_x_at_{n}"] = round(
                rates[("analyser", n)] / rates[("spamassassin", n)], 1
            )
        summary.update(
            spamassassin_detection_rate=sa["detection_rate"],
            spamassassin_false_alarm_rate=sa["false_alarm_rate"],
            target_speed_met=all(
                rates[("analyser", n)] / rates[("spamassassin", n)] >= TARGET_RATIO
                for n in sorted({1, CPUS})
            ),
        )
    _line(what="phishing", **summary, elapsed_s=round(time.perf_counter() - started, 1))
    _line(what="examples", **examples(samples, results))
    return 0


def _dump(root: Path, samples: list) -> None:
    for i, s in enumerate(samples):
        folder = root / s.label / s.style
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:04d}-{s.lang}.eml").write_bytes(s.raw)


if __name__ == "__main__":
    sys.exit(main())
