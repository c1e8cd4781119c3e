"""Job-engine benchmark: TrustDesk's jobs (Django's Tasks interface on its database
backend, with TrustDesk's worker) against Huey on its SQLite, Redis and PostgreSQL
storages, on this machine, in one run. One JSON line on stdout.

1. Enqueue inside the caller's write transaction: µs per enqueue (median), the whole
   transaction against the same transaction without the enqueue (the same-run baseline),
   and whether the job follows the transaction: enqueue, roll back, then count the jobs
   still queued and those that run when the queue is drained.
2. Throughput: 1,000 no-op jobs drained by 1 and by 2 worker processes; jobs/s from the
   first to the last job's end (startup excluded).
3. kill -9 of the worker in the middle of a job, then a fresh worker: does the job end,
   and how long after the kill does it start again?
4. A periodic schedule with 3 workers (consumers) running: runs per period. TrustDesk:
   a 1-second schedule for ~10 s. Huey: a crontab is per minute, so one ~70 s window,
   which holds the check each consumer makes when it starts and the one 60 s later.

PostgreSQL is the server at ``TRUSTDESK_BENCH_PG`` (default
postgres://postgres@127.0.0.1:5432); the benchmark creates and drops its own database
there (``h_jobbench_run``). Redis is ``TRUSTDESK_BENCH_REDIS`` (default db 14, flushed).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"
PG_SERVER = os.environ.get("TRUSTDESK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "h_jobbench_run"
REDIS_URL = os.environ.get("TRUSTDESK_BENCH_REDIS", "redis://127.0.0.1:6379/14")
ENQUEUES = int(os.environ.get("TRUSTDESK_BENCH_ENQUEUES", 2000))
JOBS = int(os.environ.get("TRUSTDESK_BENCH_JOBS", 1000))
ROLLBACKS = 20
LEASE = 2  # TRUSTDESK_JOBS_LEASE_SECONDS for the kill -9 part
SLOW_MS = 3000  # the killed job's length
SCHEDULE_S = int(os.environ.get("TRUSTDESK_BENCH_SCHEDULE_S", 10))
HUEY_PERIODIC_S = int(os.environ.get("TRUSTDESK_BENCH_HUEY_PERIODIC_S", 70))
from audit import _in_process  # noqa: E402  one spawned interpreter per step

SPAWN = mp.get_context("spawn")


# --- Plumbing -----------------------------------------------------------------------------

def _env(data_dir: str, url: str | None, **extra: str) -> dict:
    """The environment of a worker subprocess: the run's data directory and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.update(DJANGO_SETTINGS_MODULE="trustdesk.config.settings", TRUSTDESK_DATA_DIR=data_dir,
               TRUSTDESK_EMBEDDED_WORKER="off",
               PYTHONPATH=os.pathsep.join([str(SRC), str(BENCH)]))
    if url:
        env["TRUSTDESK_DATABASE_URL"] = url
    env.update(extra)
    return env


def _django(data_dir: str, url: str | None, *, migrate: bool = False) -> None:
    os.environ.update(_env(data_dir, url))
    if not url:
        os.environ.pop("TRUSTDESK_DATABASE_URL", None)
    sys.path[:0] = [str(SRC), str(BENCH)]
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def _until(condition, seconds: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def _stop(procs: list, sig=signal.SIGTERM) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(sig)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _trustdesk_worker(data_dir: str, url: str | None, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "trustdesk.config.cli", "worker", "--interval", "0.05",
         "--no-schedules", "--worker-id", name],
        env=_env(data_dir, url, TRUSTDESK_JOBS_LEASE_SECONDS=str(LEASE)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _huey_env(spec: str, marks: str) -> dict:
    return {**os.environ, "BENCH_HUEY": spec, "BENCH_MARKS": marks,
            "PYTHONPATH": str(BENCH)}


def _huey_consumer(spec: str, marks: str, *, periodic: bool = False) -> subprocess.Popen:
    cmd = [str(Path(sys.executable).parent / "huey_consumer"), "_jobs_huey.huey", "-w", "1",
           "-k", "thread", "-q", "-C"]
    if not periodic:
        cmd.append("-n")
    return subprocess.Popen(cmd, env=_huey_env(spec, marks), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _median_us(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1e6, 1)


class _Rollback(Exception):
    pass


# --- 1. Enqueue inside a write transaction --------------------------------------------------

def _write_table(connection) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE TABLE IF NOT EXISTS bench_write (id bigserial PRIMARY KEY, "
                        "v text NOT NULL)")
        else:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_write (id integer PRIMARY KEY, "
                        "v text NOT NULL)")
    return "INSERT INTO bench_write (v) VALUES (%s)"


def _timed_enqueues(enqueue, n: int) -> dict:
    """Alternately the caller's transaction with one write (the baseline) and the same
    transaction with an enqueue after the write; medians in µs."""
    from django.db import connection, transaction

    insert = _write_table(connection)
    base, txn, call = [], [], []
    for i in range(n + 50):
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(insert, ["baseline"])
        t1 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(insert, ["measured"])
            t2 = time.perf_counter()
            enqueue(f"t{i}")
            t3 = time.perf_counter()
        t4 = time.perf_counter()
        if i >= 50:  # warm-up
            base.append(t1 - t0)
            txn.append(t4 - t1)
            call.append(t3 - t2)
    return {"enqueue_us": _median_us(call), "txn_us": _median_us(txn),
            "txn_without_enqueue_us": _median_us(base),
            "txn_ratio": round(statistics.median(txn) / statistics.median(base), 2)}


def _rolled_back(enqueue, queued, drain, ran) -> dict:
    """Enqueue in ``ROLLBACKS`` transactions that roll back and in one that commits; then
    count what is still queued and what runs when the queue is drained."""
    from django.db import connection, transaction

    insert = _write_table(connection)
    for i in range(ROLLBACKS):
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(insert, ["rolled back"])
                enqueue(f"rb-{i}")
                raise _Rollback
        except _Rollback:
            pass
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(insert, ["committed"])
        enqueue("kept")
    still = queued()
    drain()
    runs = sum(len(ran(f"rb-{i}")) for i in range(ROLLBACKS))
    kept = len(ran("kept"))
    return {"rolled_back": ROLLBACKS, "queued_after_rollback": still - 1,
            "ran_after_rollback": runs, "committed_ran": kept,
            "atomic": still - 1 == 0 and runs == 0 and kept == 1}


def _huey_enqueue(spec: str, marks: str, n: int) -> dict:
    os.environ["BENCH_MARKS"] = marks
    import _jobs_huey

    huey = _jobs_huey.build(spec)
    huey.flush()
    timed = _timed_enqueues(lambda name: huey.mark(name), n)
    huey.flush()

    def drain() -> None:
        while (task := huey.dequeue()) is not None:
            huey.execute(task)

    timed.update(_rolled_back(lambda name: huey.mark(name), huey.pending_count, drain,
                              _jobs_huey.marks))
    huey.flush()
    huey.storage.close()
    return timed


def enqueue_part(backend: str, data_dir: str, url: str | None, n: int) -> dict:
    _django(data_dir, url, migrate=True)
    import _jobs_tasks
    from django_tasks_db.models import DBTaskResult

    from trustdesk.jobs import registry
    from trustdesk.jobs.worker import run_pending

    timed = _timed_enqueues(lambda name: registry.enqueue(_jobs_tasks.mark, name), n)
    DBTaskResult.objects.all().delete()  # the timing's jobs are not to run
    timed.update(_rolled_back(
        lambda name: registry.enqueue(_jobs_tasks.mark, name),
        lambda: DBTaskResult.objects.filter(status="READY").count(),
        lambda: run_pending(schedules=False), _jobs_tasks.marks))
    out = {f"trustdesk_{backend}": timed}
    marks = str(Path(data_dir) / "huey-marks")  # one folder per storage below
    # Huey beside the same Django database: its SQLite storage in a file of its own (its
    # default), its PostgreSQL storage in the same database on a connection of its own.
    if backend == "sqlite":
        out["huey_sqlite"] = _huey_enqueue(f"sqlite={data_dir}/huey-enqueue.db",
                                           f"{marks}-sqlite", n)
        out["huey_redis"] = _huey_enqueue(f"redis={REDIS_URL}", f"{marks}-redis", n)
    else:
        out["huey_postgres"] = _huey_enqueue(f"postgres={url}", f"{marks}-postgres", n)
    return out


# --- 2. Throughput ----------------------------------------------------------------------------

def _rate(ends: list[float]) -> float:
    ends = sorted(ends)
    return round((len(ends) - 1) / (ends[-1] - ends[0]), 1)


def trustdesk_throughput(backend: str, data_dir: str, url: str | None, n: int) -> dict:
    _django(data_dir, url)
    import _jobs_tasks
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from trustdesk.jobs import registry

    out = {}
    for workers in (1, 2):
        DBTaskResult.objects.all().delete()
        with transaction.atomic():
            for _ in range(n):
                registry.enqueue(_jobs_tasks.noop)
        procs = [_trustdesk_worker(data_dir, url, f"tp-{workers}-{i}") for i in range(workers)]
        try:
            done = _until(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count()
                          >= n, 300, 0.2)
        finally:
            _stop(procs)
        ends = [f.timestamp() for f in DBTaskResult.objects.filter(status="SUCCESSFUL")
                .values_list("finished_at", flat=True)]
        out[f"trustdesk_{backend}_{workers}w_jobs_per_s"] = _rate(ends) if done else None
    DBTaskResult.objects.all().delete()
    return out


def huey_throughput(name: str, spec: str, marks: str, n: int) -> dict:
    import _jobs_huey

    huey = _jobs_huey.build(spec)
    out = {}
    for workers in (1, 2):
        huey.flush()
        results = [huey.noop() for _ in range(n)]
        procs = [_huey_consumer(spec, marks) for _ in range(workers)]
        try:
            done = _until(lambda: huey.result_count() >= n, 300, 0.2)
        finally:
            _stop(procs, signal.SIGINT)
        ends = [r.get() for r in results] if done else []
        out[f"huey_{name}_{workers}w_jobs_per_s"] = _rate(ends) if done else None
    huey.flush()
    return out


# --- 3. kill -9 in the middle of a job ------------------------------------------------------

def _kill9(start_worker, enqueue, marks, *, wait_s: float, ready=None) -> dict:
    """Start a worker, kill -9 it once the slow job has started, start another; report
    whether the job ends, when it started again after the kill and (``ready``) when the
    new worker was up."""
    enqueue()
    first = start_worker("doomed")
    try:
        if not _until(lambda: marks() == ["started"], 60):
            raise RuntimeError("the slow job never started")
        killed = time.monotonic()
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        _stop([first])
    second = start_worker("rescuer")
    up = []

    def restarted_yet() -> bool:
        if ready and not up and ready():
            up.append(round(time.monotonic() - killed, 2))
        return marks().count("started") >= 2

    try:
        restarted = _until(restarted_yet, wait_s)
        restart_s = round(time.monotonic() - killed, 2) if restarted else None
        finished = _until(lambda: "done" in marks(), SLOW_MS / 1000 + 5) if restarted \
            else False
        done_s = round(time.monotonic() - killed, 2) if finished else None
    finally:
        _stop([second])
    got = {"completed": finished, "restarted_after_s": restart_s,
           "completed_after_s": done_s, "marks": marks()}
    if ready:
        got["new_worker_up_after_s"] = up[0] if up else None
    return got


def trustdesk_kill9(backend: str, data_dir: str, url: str | None) -> dict:
    _django(data_dir, url)
    import _jobs_tasks
    from django_tasks_db.models import DBTaskResult

    from trustdesk.jobs import registry
    from trustdesk.jobs.models import WorkerBeat

    DBTaskResult.objects.all().delete()
    ids = []
    got = _kill9(lambda name: _trustdesk_worker(data_dir, url, f"{backend}-{name}"),
                 lambda: ids.append(registry.enqueue(_jobs_tasks.slow, "victim", SLOW_MS).id),
                 lambda: _jobs_tasks.marks("victim"), wait_s=LEASE * 5 + 5,
                 ready=lambda: WorkerBeat.objects.filter(pk=f"{backend}-rescuer").exists())
    row = DBTaskResult.objects.get(pk=ids[0])
    got.update(status=row.status, attempts=len(row.worker_ids), lease_s=LEASE)
    return {f"trustdesk_{backend}": got}


def huey_kill9(name: str, spec: str, marks_dir: str) -> dict:
    os.environ["BENCH_MARKS"] = marks_dir
    import _jobs_huey

    huey = _jobs_huey.build(spec)
    huey.flush()
    got = _kill9(lambda _: _huey_consumer(spec, marks_dir),
                 lambda: huey.slow(f"victim-{name}", SLOW_MS),
                 lambda: _jobs_huey.marks(f"victim-{name}"), wait_s=LEASE * 5 + 5)
    got["queued_after"] = huey.pending_count()
    huey.flush()
    return {f"huey_{name}": got}


# --- 4. Periodic schedules with 3 workers -------------------------------------------------

def trustdesk_schedule(backend: str, data_dir: str, url: str | None) -> dict:
    _django(data_dir, url)
    import _jobs_tasks
    from django_tasks_db.models import DBTaskResult

    from trustdesk.jobs.models import ScheduleSlot, WorkerBeat
    from trustdesk.jobs.worker import run_pending

    DBTaskResult.objects.all().delete()
    ScheduleSlot.objects.all().delete()
    env = _env(data_dir, url, TRUSTDESK_JOBS_LEASE_SECONDS=str(LEASE))
    procs = [subprocess.Popen([sys.executable, str(BENCH / "_jobs_scheduler.py"),
                               f"sched-{backend}-{i}"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for i in range(3)]
    try:
        _until(lambda: WorkerBeat.objects.filter(worker_id__startswith=f"sched-{backend}-",
                                                 stopped_at__isnull=True).count() == 3, 60)
        time.sleep(SCHEDULE_S)
    finally:
        _stop(procs)
    run_pending(schedules=False)  # what the last period queued before the stop
    slots = dict(ScheduleSlot.objects.filter(name="bench.tick").values_list("job_id", "slot"))
    runs = Counter(slots.get(_uuid(job_id)) for job_id in _jobs_tasks.marks("tick"))
    orphans = runs.pop(None, 0)
    periods = sorted(set(slots.values()))
    span = int((periods[-1] - periods[0]).total_seconds()) + 1 if periods else 0
    per_period = Counter(runs.get(p, 0) for p in periods)
    return {f"trustdesk_{backend}": {
        "workers": 3, "period_s": 1, "periods": span, "periods_run_once": per_period[1],
        "duplicates": sum(c - 1 for c in runs.values() if c > 1),
        "missed": span - len([p for p in periods if runs.get(p)]),
        "runs_without_a_slot": orphans, "enqueued": DBTaskResult.objects.filter(
            task_path=_jobs_tasks.tick.module_path).count()}}


def _uuid(text: str):
    import uuid

    return uuid.UUID(text)


def huey_periodic_start(specs: dict, marks_root: str) -> dict:
    """Three consumers with periodic tasks on, per storage; all started now."""
    import _jobs_huey

    running = {}
    for name, spec in specs.items():
        _jobs_huey.build(spec).flush()
        marks = f"{marks_root}/{name}"
        running[name] = (marks, [_huey_consumer(spec, marks, periodic=True)
                                 for _ in range(3)])
    return running


def huey_periodic_count(running: dict) -> dict:
    out = {}
    for name, (marks, procs) in running.items():
        _stop(procs, signal.SIGINT)
        path = Path(marks) / "tick"
        lines = path.read_text().split() if path.exists() else []
        per_minute = Counter(line.split("/")[0] for line in lines)
        out[f"huey_{name}"] = {
            "workers": 3, "period_s": 60, "window_s": HUEY_PERIODIC_S,
            "runs_per_period": dict(sorted(per_minute.items())),
            "consumers_that_ran_it": len({line.split("/")[1] for line in lines}),
            "duplicates": sum(c - 1 for c in per_minute.values() if c > 1)}
    return out


# --- The run ----------------------------------------------------------------------------------

def _pg_admin():
    try:
        import psycopg

        return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except Exception:
        return None


def _redis_persistence() -> dict:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    return {"save": client.config_get("save").get("save", ""),
            "appendonly": client.config_get("appendonly").get("appendonly", "")}


def main() -> dict:
    sys.path.insert(0, str(BENCH))
    root = tempfile.mkdtemp(prefix="trustdesk-bench-jobs-")
    dirs = {b: f"{root}/{b}" for b in ("sqlite", "postgresql")}
    for d in dirs.values():
        os.mkdir(d)
    admin = _pg_admin()
    pg_url = f"{PG_SERVER}/{PG_DB}" if admin else None
    result = {"bench": "jobs", "cpus": os.cpu_count(), "python": platform.python_version(),
              "loadavg_1m_start": round(os.getloadavg()[0], 2), "enqueues": ENQUEUES,
              "jobs": JOBS}
    started = time.perf_counter()
    phases = {}
    try:
        import django_tasks
        import django_tasks_db
        import huey

        result["versions"] = {"django_tasks": django_tasks.__version__ if hasattr(
            django_tasks, "__version__") else None, "huey": huey.__version__}
        del django_tasks_db
        result["redis_persistence"] = _redis_persistence()
        if admin:
            result["postgresql"] = admin.execute("SHOW server_version").fetchone()[0]
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DB}")
        backends = [("sqlite", None)] + ([("postgresql", pg_url)] if admin else [])
        huey_specs = {"sqlite": f"sqlite={root}/huey.db", "redis": f"redis={REDIS_URL}"}

        def phase(name, fn, *args):
            t = time.perf_counter()
            got = fn(*args)
            phases[name] = round(time.perf_counter() - t, 1)
            return got

        enqueue, throughput, kill9, schedules = {}, {}, {}, {}
        for backend, url in backends:
            enqueue.update(phase(f"enqueue_{backend}", _in_process, enqueue_part, backend,
                                 dirs[backend], url, ENQUEUES))
        for backend, url in backends:
            throughput.update(phase(f"throughput_{backend}", _in_process,
                                    trustdesk_throughput, backend, dirs[backend], url, JOBS))
        for name, spec in huey_specs.items():
            throughput.update(phase(f"throughput_huey_{name}", huey_throughput, name, spec,
                                    f"{root}/marks-tp", JOBS))
        for backend, url in backends:
            kill9.update(phase(f"kill9_{backend}", _in_process, trustdesk_kill9, backend,
                               dirs[backend], url))
        for name, spec in huey_specs.items():
            kill9.update(phase(f"kill9_huey_{name}", huey_kill9, name, spec,
                               f"{root}/marks-k9"))
        # Huey's consumers tick for one minute while TrustDesk's schedules are measured.
        t = time.perf_counter()
        running = huey_periodic_start(huey_specs, f"{root}/marks-periodic")
        for backend, url in backends:
            schedules.update(phase(f"schedule_{backend}", _in_process, trustdesk_schedule,
                                   backend, dirs[backend], url))
        time.sleep(max(0.0, HUEY_PERIODIC_S - (time.perf_counter() - t)))
        schedules.update(huey_periodic_count(running))
        phases["schedule_huey"] = round(time.perf_counter() - t, 1)
        result.update(enqueue=enqueue, throughput=throughput, kill9=kill9,
                      schedules=schedules, phase_s=phases)
    finally:
        if admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.close()
        shutil.rmtree(root, ignore_errors=True)
    result["total_s"] = round(time.perf_counter() - started, 1)
    result["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
