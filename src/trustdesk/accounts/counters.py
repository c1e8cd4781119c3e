"""Counters and locks shared by every server process: sign-in attempts per account and per
IP address. In the database by default; in Redis when ``TRUSTDESK_REDIS_URL`` is set.

``hit`` is atomic in both backends (a row lock, or Redis ``INCR``): however many attempts
arrive at once, each gets its own count, so ``accounts.lockout`` can reserve an attempt
before the password is checked and refuse the ones over the limit."""

from __future__ import annotations

import abc
import datetime as dt
import time
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from trustdesk.core import clock


class Counters(abc.ABC):
    @abc.abstractmethod
    def hit(self, key: str, window: int) -> int:
        """Count one failure under ``key``; returns the count within the window."""

    @abc.abstractmethod
    def release(self, key: str) -> None:
        """Give back one count taken by ``hit`` (an attempt that turned out to succeed)."""

    @abc.abstractmethod
    def lock(self, key: str, seconds: int) -> None:
        """Lock ``key`` for ``seconds``."""

    @abc.abstractmethod
    def locked_until(self, key: str) -> float | None:
        """The Unix time the lock on ``key`` ends, or None."""

    @abc.abstractmethod
    def clear(self, key: str) -> None:
        """Forget the count and the lock of ``key``."""


class DatabaseCounters(Counters):
    def _row(self, key: str):
        from trustdesk.accounts.models import SignInThrottle

        row = SignInThrottle.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = SignInThrottle.objects.create(key=key, window_start=clock.now())
            except IntegrityError:  # another process created it just now
                row = SignInThrottle.objects.select_for_update().get(key=key)
        return row

    def hit(self, key: str, window: int) -> int:
        with transaction.atomic():
            row = self._row(key)
            now = clock.now()
            if now - row.window_start > dt.timedelta(seconds=window):
                row.window_start, row.count = now, 0
            row.count += 1
            row.save(update_fields=["window_start", "count"])
            return row.count

    def release(self, key: str) -> None:
        from trustdesk.accounts.models import SignInThrottle

        SignInThrottle.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)

    def lock(self, key: str, seconds: int) -> None:
        with transaction.atomic():
            row = self._row(key)
            row.locked_until = clock.now() + dt.timedelta(seconds=seconds)
            row.save(update_fields=["locked_until"])

    def locked_until(self, key: str) -> float | None:
        from trustdesk.accounts.models import SignInThrottle

        until = SignInThrottle.objects.filter(key=key).values_list("locked_until",
                                                                   flat=True).first()
        return until.timestamp() if until and until > clock.now() else None

    def clear(self, key: str) -> None:
        from trustdesk.accounts.models import SignInThrottle

        SignInThrottle.objects.filter(key=key).delete()


_RELEASE = """
if redis.call('GET', KEYS[1]) and tonumber(redis.call('GET', KEYS[1])) > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
"""


class RedisCounters(Counters):
    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def hit(self, key: str, window: int) -> int:
        name = f"{self.prefix}n:{key}"
        pipe = self.redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window, nx=True)
        return int(pipe.execute()[0])

    def release(self, key: str) -> None:
        # Only while the count exists (a DECR on an expired key would start it at -1).
        self.redis.eval(_RELEASE, 1, f"{self.prefix}n:{key}")

    def lock(self, key: str, seconds: int) -> None:
        self.redis.set(f"{self.prefix}lock:{key}", int(time.time()) + seconds, ex=seconds)

    def locked_until(self, key: str) -> float | None:
        value = self.redis.get(f"{self.prefix}lock:{key}")
        return float(value) if value else None

    def clear(self, key: str) -> None:
        self.redis.delete(f"{self.prefix}n:{key}", f"{self.prefix}lock:{key}")


@cache
def counters() -> Counters:
    if settings.REDIS_URL:
        return RedisCounters(settings.REDIS_URL, f"{settings.REDIS_PREFIX}signin:")
    return DatabaseCounters()
