"""The playbooks file: the shipped one is whole, and a mistake is named with its line and
entry; a broken file stops startup."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trustdesk.grc import playbooks


def test_every_type_ships_a_playbook_of_known_roles_and_actions():
    shipped = playbooks.parse(playbooks.SHIPPED.read_text(), where="shipped")
    assert set(shipped) == set(playbooks.KINDS)
    assert {s.action for p in shipped.values() for s in p.steps} - {""} <= set(
        playbooks.ACTIONS)


@pytest.mark.parametrize(("source", "problem"), [
    ("playbooks:\n  - name: phishing\n    steps:\n      - {title: Warn, owner: ciso}\n",
     "line 4: owner 'ciso' is no role"),
    ("playbooks:\n  - name: phishing\n    steps:\n      - {title: Go, owner: agent, "
     "action: nuke}\n", "(phishing) line 4: action 'nuke' is unknown"),
    ("playbooks:\n  - name: meteor\n    steps: []\n", "line 2: 'meteor' is no incident type"),
    ("playbooks:\n  - name: phishing\n    steps: []\n", "'steps' must be a list"),
    ("playbooks:\n  - name: phishing\n    steps:\n      - {title: A, owner: agent}\n"
     "  - name: phishing\n    steps:\n      - {title: B, owner: agent}\n", "used twice"),
])
def test_mistakes_are_named(source, problem):
    with pytest.raises(playbooks.PlaybooksError) as caught:
        playbooks.parse(source, where="books.yaml")
    assert problem in caught.value.message and "books.yaml" in caught.value.message


def test_a_broken_file_stops_startup(tmp_path):
    bad = tmp_path / "books.yaml"
    bad.write_text("playbooks:\n  - name: phishing\n    steps:\n      - {title: W, owner: x}\n")
    env = {"TRUSTDESK_PLAYBOOKS_PATH": str(bad), "TRUSTDESK_DATA_DIR": str(tmp_path / "d"),
           "PATH": "/usr/bin:/bin"}
    import os

    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    result = subprocess.run([sys.executable, "-m", "trustdesk.config.cli", "check"],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode != 0 and "owner 'x' is no role" in result.stderr
