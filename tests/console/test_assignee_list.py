"""The assignee list offers each person once, and only people who can take tickets."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="assignee_id".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_each_person_once_and_only_who_can_reply(make_user, make_customer, make_ticket,
                                                 console_client):
    agent = make_user("agent", name="Grace Agent")
    boss = make_user("supervisor", name="Sam Supervisor")
    make_user("auditor", name="Alex Auditor")
    make_user("privacy_officer", name="Pat Privacy")
    ticket = make_ticket(make_customer())
    from trustdesk.accounts.actors import actor_for_user
    from trustdesk.tickets import services as tickets
    tickets.ticket_update(actor=actor_for_user(boss), ticket_id=ticket.pk,
                          assignee_id=agent.pk)
    for who in (agent, boss):
        options = _options(console_client(who).get(f"/tickets/{ticket.pk}/").content.decode())
        assert len(options) == len(set(options)), options  # nobody twice
        assert "Grace Agent" in options
        assert "Alex Auditor" not in options and "Pat Privacy" not in options
    assert "Sam Supervisor" in _options(
        console_client(boss).get(f"/tickets/{ticket.pk}/").content.decode())
