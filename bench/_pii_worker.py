"""Characters per second of ``trustdesk.pii.scan`` from the source tree given as
argv[1] (an earlier version, for a before/after comparison in one run of bench/pii.py),
over the texts in the JSON file argv[2], for argv[3] seconds. One JSON line."""

import json
import sys

sys.path.insert(0, sys.argv[1])

from _scan_rate import rate

from trustdesk import pii


def main() -> None:
    with open(sys.argv[2], encoding="utf-8") as f:
        texts = json.load(f)
    print(json.dumps({**rate(pii.scan, texts, float(sys.argv[3])), "source": pii.__file__}))


if __name__ == "__main__":
    main()
