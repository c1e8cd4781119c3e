"""Characters per second of ``trustdesk.pii.scan`` from the source tree given as
argv[1] (an earlier version, for a before/after comparison in one run of bench/pii.py),
over the texts in the JSON file argv[2], for argv[3] seconds. One JSON line."""

import json
import sys
import time

sys.path.insert(0, sys.argv[1])

from trustdesk import pii


def main() -> None:
    with open(sys.argv[2], encoding="utf-8") as f:
        texts = json.load(f)
    seconds = float(sys.argv[3])
    pii.scan(texts[0])
    chars = findings = passes = 0
    start = time.perf_counter()
    while True:
        for text in texts:
            findings += len(pii.scan(text))
            chars += len(text)
        passes += 1
        if time.perf_counter() - start >= seconds:
            break
    took = time.perf_counter() - start
    print(json.dumps({"chars_per_s": round(chars / took), "findings_per_pass":
                      findings // passes, "passes": passes, "source": pii.__file__}))


if __name__ == "__main__":
    main()
