"""Background jobs: Django's Tasks interface on its database backend, with what a
security product needs on top — retries with backoff, a dead-letter list, recovery of
jobs whose worker died, periodic schedules that run once per period across replicas,
and progress for long jobs. See docs/jobs.md."""
