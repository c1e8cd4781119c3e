"""``trustdesk.pii`` is a pure library: it imports and works without Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = SRC
    return env


def test_importable_and_usable_without_django_configured():
    code = (
        "import sys\n"
        "from trustdesk import pii\n"
        "found = pii.scan('card 4111 1111 1111 1111')\n"
        "assert found[0].entity == 'CREDIT_CARD'\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_scan_prints_json_lines():
    out = subprocess.run(
        [sys.executable, "-m", "trustdesk.pii", "scan", "--entities", "CREDIT_CARD,EMAIL_ADDRESS"],
        input="card 4111-1111-1111-1111\nmail ada@example.org\n电话 13812345678\n",
        env=_env(), capture_output=True, text=True, check=True, timeout=60)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows == [
        {"entity": "CREDIT_CARD", "start": 5, "end": 24, "score": 1.0,
         "recognizer": "credit_card"},
        {"entity": "EMAIL_ADDRESS", "start": 30, "end": 45, "score": 1.0,
         "recognizer": "email"},
    ]


def test_python_dash_m_reports_bad_input_plainly():
    out = subprocess.run([sys.executable, "-m", "trustdesk.pii", "scan", "--entities", "NOPE"],
                         input="x", env=_env(), capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.startswith("trustdesk pii: unknown entity 'NOPE'")
    assert "Traceback" not in out.stderr
