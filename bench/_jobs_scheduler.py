"""A TrustDesk worker with one schedule only, ``bench.tick`` every second, for the
schedule part of ``bench/jobs.py``: ``python bench/_jobs_scheduler.py WORKER_ID``, with
the benchmark's data directory and database in the environment."""

from __future__ import annotations

import datetime as dt
import sys

import django

django.setup()

import _jobs_tasks  # noqa: E402
from django.conf import settings  # noqa: E402

from trustdesk.jobs import registry  # noqa: E402
from trustdesk.jobs.worker import Worker  # noqa: E402

# The shipped schedules would run their jobs beside the measured one; only its runs count.
registry._SCHEDULES.clear()
registry.schedule("bench.tick", _jobs_tasks.tick, every=dt.timedelta(seconds=1))
worker = Worker(lease=settings.JOBS_LEASE_SECONDS, schedules=True, chainer=False,
                interval=0.05, worker_id=sys.argv[1])
worker.configure_signals()
worker.run()
