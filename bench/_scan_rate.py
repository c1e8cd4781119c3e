"""The one timing loop for a PII scanner: characters per second over ``texts``, passes
repeated for at least ``seconds``, after one warm-up scan outside the timing."""

from __future__ import annotations

import time
from collections.abc import Callable


def rate(scan: Callable[[str], list], texts: list[str], seconds: float) -> dict:
    scan(texts[0])  # builds the default scanner outside the timing
    chars = findings = passes = 0
    start = time.perf_counter()
    while True:
        for text in texts:
            findings += len(scan(text))
            chars += len(text)
        passes += 1
        if time.perf_counter() - start >= seconds:
            break
    took = time.perf_counter() - start
    return {"chars_per_s": round(chars / took), "findings_per_pass": findings // passes,
            "passes": passes}
