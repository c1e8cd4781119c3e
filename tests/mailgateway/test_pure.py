"""The gateway's message analysis is pure: it imports and works without Django."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_importable_and_usable_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = SRC
    code = (
        "import sys\n"
        "from trustdesk.mailgateway.analysis import authres, domains\n"
        "assert domains.organisational('mail.example.co.uk') == 'example.co.uk'\n"
        "print(authres.header_value('mx', []))\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.splitlines() == ["mx; none", "[]"]


def test_sender_authentication_runs_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = SRC
    code = (
        "import sys\n"
        "from trustdesk.mailgateway.analysis.authenticate import authenticate\n"
        "from trustdesk.mailgateway.analysis.dns import StubResolver\n"
        "r = StubResolver({'example.com': ['v=spf1 ip4:192.0.2.0/24 -all'],\n"
        "                  '_dmarc.example.com': ['v=DMARC1; p=reject']})\n"
        "a = authenticate(b'From: ada@example.com\\r\\n\\r\\nhi', peer_ip='192.0.2.1',\n"
        "                 helo='mx.example.com', mail_from='b@example.com', resolver=r,\n"
        "                 authserv_id='mx')\n"
        "print(a.dmarc.result.result)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.splitlines() == ["pass", "[]"]


def test_phishing_analyser_runs_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = SRC
    code = (
        "import sys\n"
        "from trustdesk.mailgateway import analyze_message\n"
        "v = analyze_message(b'From: PayPal <service@paypa1.com>\\r\\n'\n"
        "                    b'Reply-To: pp@gmail.com\\r\\nSubject: hi\\r\\n\\r\\nhello')\n"
        "print(v.verdict)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.splitlines() == ["phishing", "[]"]


def test_importing_the_gateway_package_loads_no_analyser():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = SRC
    code = ("import sys, trustdesk.mailgateway\n"
            "print(any('phishing' in m or m == 'django' for m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.splitlines() == ["False"]
