"""Card numbers written into a conversation are tokenized on intake; the masked form left
in the text (BIN and last four) is payment data, shown only to roles the field policy
lets see card fields."""

from __future__ import annotations

import json

import pytest

from planted import PAN
from trustdesk.tickets import services as tickets
from trustdesk.tickets.attachments import NewAttachment

pytestmark = pytest.mark.django_db
MASKED = "411111••••••1111"


@pytest.fixture
def ticket(make_customer, make_team, system):
    team = make_team()
    return tickets.ticket_create(
        actor=system, customer_id=make_customer().id, subject="Charged twice",
        body=f"My card {PAN} was charged twice.", team_id=team.pk,
        attachments=[NewAttachment("statement.txt", "text/plain",
                                   f"Card: {PAN}\n".encode())]), team


@pytest.mark.parametrize("role,shown", [("admin", False), ("agent", False),
                                        ("billing", True), ("privacy_officer", False)])
def test_who_reads_the_masked_card_in_a_conversation(ticket, make_user, api_client, role,
                                                     shown):
    ticket, team = ticket
    user = make_user(role, teams=[team])
    response = api_client(user).get(f"/api/v1/tickets/{ticket.pk}")
    if response.status_code == 403:  # roles without tickets: nothing to leak
        assert not shown
        return
    body = json.dumps(response.json(), ensure_ascii=False)
    assert PAN not in body
    assert (MASKED in body) is shown
    assert ("card number withheld" in body) is not shown
    attachment = ticket.messages.first().attachments.first()
    download = api_client(user).get(f"/api/v1/attachments/{attachment.pk}")
    if download.status_code == 200:
        data = b"".join(download.streaming_content) if download.streaming else \
            download.content
        assert PAN.encode() not in data
        assert (MASKED.encode() in data) is shown
