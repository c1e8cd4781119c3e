"""Mail benchmark: messages per second through the mail gateway's analysis, through the
whole SMTP-to-ticket pipe, and through SpamAssassin's spamd on the same messages, in one
run. One JSON line per measurement on stdout.

The messages are the benchmark's own (``_mail_corpus``: seeded, varied, a few hundred,
1 KB to ~200 KB, DKIM-signed and not, with PDF, DOCX, ZIP and PNG attachments).

* ``analysis``: per message what the gateway computes before the database —
  ``analysis.authenticate.authenticate`` (SPF, DKIM, ARC, DMARC, the DNS checks) with a
  ``StubResolver`` answering from the test domains' table in memory (no sockets, no
  internet), ``analysis.message.parse``, and ``analysis.attachments.scan`` of each
  attachment. In one process (``workers: 1``) and in one process per CPU, as many as
  spamd's children (``workers: N``), each taking its share of the corpus.
* ``spamassassin``: spamd 4 with its stock rules, local tests only (no DNS: no RBL,
  URIBL, Razor, Pyzor, nor SPF/DKIM/DMARC lookups), ``--max-children`` = the CPU count;
  every message sent with the spamd protocol (``CHECK``) over a socket, from one client
  (``clients: 1``) and from as many clients as children (``clients: N``).
* ``pipe``: SMTP to ticket on the embedded default (see ``_mail_pipe``), with a local DNS
  server behind the configured resolver (``DnsPythonResolver`` over UDP).
* ``analysis_vs_spamassassin``: the analysis' msgs/s over spamd's at the same
  concurrency; the target is at least 10x.

Medians of ``--repeats`` passes over the corpus for the analysis and spamd, their passes
taken in turn (an analysis pass, a spamd pass, ...) so that other load on the machine
falls on both alike; the pipe is one pass, with one intake worker and with one per CPU.

``--quick`` (10 messages, one pass) and ``--skip-spamassassin`` are for trying the
benchmark out; without the latter a missing spamd is an error, not a skip. spamd is not
a TrustDesk dependency: ``apt-get install spamassassin spamd``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import queue
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
import _mail_corpus as corpus
import _spamd
from _mail_pipe import pipe
from _setup import percentiles

from audit import SPAWN, _in_process  # the spawned-interpreter helpers

SRC = Path(__file__).resolve().parent.parent / "src"
PORT_SMTP, PORT_DNS, PORT_SPAMD = 20801, 20802, 20810  # this benchmark's port range
TARGET_RATIO = 10
CPUS = os.cpu_count() or 1


def _line(**fields) -> None:
    print(json.dumps({"bench": "mail", **fields}), flush=True)


# --- (a) The analysis, in N spawned processes, one pass over the corpus at a time -------

def _analyse_share(mails: list, table: dict, passes: int, barrier, out) -> None:
    try:
        sys.path.insert(0, str(SRC))
        from trustdesk.mailgateway.analysis import attachments, message
        from trustdesk.mailgateway.analysis.authenticate import authenticate
        from trustdesk.mailgateway.analysis.dns import StubResolver

        stub = StubResolver(answers=table)

        def analyse(raw: bytes, mail_from: str, helo: str) -> None:
            authenticate(raw, peer_ip=corpus.PEER_IP, helo=helo, mail_from=mail_from,
                         resolver=stub, authserv_id=f"mx.{corpus.COMPANY}")
            parsed = message.parse(raw, mail_from=mail_from)
            for part in parsed.attachments:
                attachments.scan(part.filename, part.content_type, part.data)
            stub.asked.clear()  # the stub's own log of lookups: not to grow without end
            stub.queries.clear()

        for raw, mail_from, helo, _ in mails[:10]:  # warm up imports and caches
            analyse(raw, mail_from, helo)
        for _ in range(passes):
            barrier.wait()  # the parent starts each pass
            start, latencies = time.perf_counter(), []
            for raw, mail_from, helo, _ in mails:
                t = time.perf_counter()
                analyse(raw, mail_from, helo)
                latencies.append((time.perf_counter() - t) * 1000)
            out.put(("ok", (start, time.perf_counter(), latencies)))
    except BaseException:
        out.put(("error", traceback.format_exc()))
        barrier.abort()


class Analysis:
    """``workers`` spawned interpreters, each with its share of the corpus, started once
    (their start-up is not timed); ``run_pass()`` times one pass of all of them at once."""

    def __init__(self, mails: list, table: dict, workers: int, passes: int):
        self.n, self.barrier, self.out = len(mails), SPAWN.Barrier(workers + 1), SPAWN.Queue()
        self.procs = [SPAWN.Process(target=_analyse_share, args=(
            mails[i::workers], table, passes, self.barrier, self.out))
            for i in range(workers)]
        for p in self.procs:
            p.start()
        self.runs: list[tuple[float, float, list[float]]] = []

    def run_pass(self) -> None:
        self.barrier.wait(timeout=120)
        shares = []
        while len(shares) < len(self.procs):
            try:
                status, value = self.out.get(timeout=1)
            except queue.Empty:
                if not all(p.is_alive() for p in self.procs):
                    raise RuntimeError("an analysis process died without a result") from None
                continue
            if status != "ok":
                raise RuntimeError("analysis failed:\n" + value)
            shares.append(value)
        self.runs.append((min(s[0] for s in shares), max(s[1] for s in shares),
                          [ms for s in shares for ms in s[2]]))

    def close(self) -> dict:
        for p in self.procs:
            p.join(30)
        return _summary(self.n, self.runs)


def _summary(n: int, runs: list[tuple[float, float, list[float]]]) -> dict:
    """Median msgs/s over the passes, and latency percentiles over all of them."""
    rates = [n / (end - start) for start, end, _ in runs]
    return {"msgs_per_s": round(statistics.median(rates), 2),
            "msgs_per_s_runs": [round(r, 2) for r in rates],
            **percentiles([ms for *_, lat in runs for ms in lat])}


# --- (c) spamd, from 1 and from N concurrent clients --------------------------------------

class SpamAssassin:
    def __init__(self, spamd: _spamd.Spamd, mails: list, clients: int):
        self.spamd, self.raws = spamd, [m[0] for m in mails]
        self.pool = ThreadPoolExecutor(clients)
        self.runs: list[tuple[float, float, list[float]]] = []
        list(self.pool.map(self._check, self.raws[:2 * clients]))  # warm every child

    def _check(self, raw: bytes) -> tuple[float, bool, float]:
        t = time.perf_counter()
        spam, score = self.spamd.check(raw)
        return (time.perf_counter() - t) * 1000, spam, score

    def run_pass(self) -> None:
        start = time.perf_counter()
        self.answers = list(self.pool.map(self._check, self.raws))
        self.runs.append((start, time.perf_counter(), [a[0] for a in self.answers]))

    def close(self) -> dict:
        self.pool.shutdown()
        return {**_summary(len(self.raws), self.runs),
                "spam": sum(1 for a in self.answers if a[1]),
                "score_median": statistics.median(a[2] for a in self.answers)}


def compare(mails: list, table: dict, spamd: _spamd.Spamd | None, n: int,
            repeats: int) -> tuple[dict, dict | None]:
    """The analysis in ``n`` processes and spamd from ``n`` clients, their passes taken
    in turn, so that other load on the machine falls on both sides alike."""
    ours = Analysis(mails, table, n, repeats)
    theirs = SpamAssassin(spamd, mails, n) if spamd else None
    for _ in range(repeats):
        ours.run_pass()
        if theirs:
            theirs.run_pass()
    return ours.close(), theirs.close() if theirs else None


# --- Orchestration ---------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4, help="SMTP sessions at once")
    parser.add_argument("--quick", action="store_true", help="10 messages, one pass")
    parser.add_argument("--skip-spamassassin", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.repeats = 10, 1
    if not args.skip_spamassassin and (why := _spamd.missing()):
        print(f"bench/mail.py: {why}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    pem, record = corpus.key()
    table = corpus.zone(record)
    mails = [(m.raw, m.mail_from, m.helo, m.kind) for m in corpus.corpus(args.messages, pem)]
    warmup = [(m.raw, m.mail_from, m.helo, m.kind) for m in corpus.corpus(5, pem, seed=1)]
    sizes = sorted(len(m[0]) for m in mails)
    _line(what="corpus", messages=len(mails), bytes_min=sizes[0],
          bytes_median=sizes[len(sizes) // 2], bytes_max=sizes[-1],
          attachments=sum(m[0].count(b"Content-Disposition: attachment") for m in mails),
          dkim_signed=sum(1 for m in mails if m[0].startswith(b"DKIM-Signature")),
          cpus=CPUS, python=platform.python_version(),
          loadavg_1m=round(os.getloadavg()[0], 2))
    phases, t = {"corpus": round(time.perf_counter() - started, 1)}, time.perf_counter()
    spamd = contextlib.nullcontext() if args.skip_spamassassin else \
        _spamd.Spamd(PORT_SPAMD, CPUS)
    with spamd:
        for n in sorted({1, CPUS}):
            ours, theirs = compare(mails, table, None if args.skip_spamassassin else spamd, n,
                                   args.repeats)
            _line(what="analysis", workers=n, resolver="StubResolver (in-memory table)",
                  measures="authenticate + parse + scan of each attachment, per message",
                  repeats=args.repeats, **ours)
            if theirs is None:
                continue
            _line(what="spamassassin", clients=n, children=CPUS,
                  tests="local only (spamd --local), stock rules, no Bayes",
                  measures="CHECK over a socket, one connection per message",
                  repeats=args.repeats, **theirs)
            ratio = ours["msgs_per_s"] / theirs["msgs_per_s"]
            _line(what="analysis_vs_spamassassin", concurrency=n, ratio=round(ratio, 2),
                  analysis_msgs_per_s=ours["msgs_per_s"],
                  spamassassin_msgs_per_s=theirs["msgs_per_s"],
                  target_min=TARGET_RATIO, target_met=ratio >= TARGET_RATIO)
    phases["analysis_and_spamassassin"] = round(time.perf_counter() - t, 1)
    for intake_workers in sorted({1, CPUS}):
        t = time.perf_counter()
        data_dir = tempfile.mkdtemp(prefix="trustdesk-bench-mail-")
        try:  # a fresh data directory and interpreter for each
            result = _in_process(pipe, data_dir, mails, warmup, table, args.clients,
                                 intake_workers, PORT_SMTP, PORT_DNS)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        smtp = percentiles(result.pop("smtp_latencies_ms"))
        _line(what="pipe", resolver="DnsPythonResolver to a local DNS server",
              measures="SMTP to ticket: first MAIL FROM until every accepted message is "
                       "delivered, ignored or suspended (one pass)", **result,
              smtp_p50_ms=smtp["p50_ms"], smtp_p95_ms=smtp["p95_ms"])
        phases[f"pipe_{intake_workers}w"] = round(time.perf_counter() - t, 1)
    _line(what="run", total_s=round(time.perf_counter() - started, 1), phase_s=phases,
          loadavg_1m_end=round(os.getloadavg()[0], 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
