"""The job benchmark's Huey application (``bench/jobs.py``): the same jobs as
``_jobs_tasks`` on a Huey instance. ``huey_consumer _jobs_huey.huey`` builds it from
``BENCH_HUEY`` (``sqlite=/path``, ``redis=redis://…``, ``postgres=postgres://…``); marks go
to ``BENCH_MARKS``."""

from __future__ import annotations

import os
import time
from pathlib import Path

from huey import PostgresHuey, RedisHuey, SqliteHuey, crontab


def _folder() -> Path:
    folder = Path(os.environ["BENCH_MARKS"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def marks(name: str) -> list[str]:
    path = _folder() / name
    return path.read_text().split() if path.exists() else []


def _mark(name: str, what: str) -> None:
    with open(_folder() / name, "a") as f:
        f.write(what + "\n")


def noop() -> float:
    return time.time()


def mark(name: str) -> None:
    _mark(name, "ran")


def slow(name: str, millis: int) -> None:
    _mark(name, "started")
    time.sleep(millis / 1000)
    _mark(name, "done")


def tick() -> None:
    # The minute this run belongs to, and which consumer ran it.
    _mark("tick", f"{time.strftime('%H:%M', time.gmtime())}/{os.getpid()}")


def build(spec: str):
    kind, where = spec.split("=", 1)
    if kind == "sqlite":
        huey = SqliteHuey("bench", filename=where)
    elif kind == "redis":
        huey = RedisHuey("bench", url=where)
    elif kind == "postgres":
        huey = PostgresHuey("bench", dsn=where)
    else:
        raise ValueError(kind)
    huey.noop = huey.task()(noop)
    huey.mark = huey.task()(mark)
    huey.slow = huey.task()(slow)
    # Huey's smallest period: a crontab is matched per minute.
    huey.tick = huey.periodic_task(crontab())(tick)
    return huey


if os.environ.get("BENCH_HUEY"):
    huey = build(os.environ["BENCH_HUEY"])
