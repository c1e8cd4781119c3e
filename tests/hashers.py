import threading
import time

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"
    time_cost = 1
    memory_cost = 1024
    parallelism = 1


class CountingArgon2PasswordHasher(FastArgon2PasswordHasher):
    """Counts password checks (``verify``), for tests that bound how many a burst of
    attempts gets. Each check takes ``delay`` seconds, as a production-cost Argon2 hash
    would, so parallel attempts really overlap."""

    checks = 0
    delay = 0.2
    _lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingArgon2PasswordHasher._lock:
            CountingArgon2PasswordHasher.checks += 1
        time.sleep(self.delay)
        return super().verify(password, encoded)
