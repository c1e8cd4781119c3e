"""After a refused action the console sends the person back to a page of its own: never
to the ``Referer`` (which the previous page, on any site, chooses), and to a ``next``
only when it stays on this site."""

from __future__ import annotations

import pytest

from trustdesk.tickets import services as tickets

pytestmark = pytest.mark.django_db
EVIL = "https://evil.example/phish"


@pytest.fixture
def closed(ticket, system):
    tickets.ticket_update(actor=system, ticket_id=ticket.pk, status="closed")
    return ticket


def test_a_refused_action_never_follows_the_referer(agent_client, closed):
    response = agent_client.post(f"/tickets/{closed.pk}/take/", HTTP_REFERER=EVIL)
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{closed.pk}/"
    page = agent_client.get(response["Location"])
    assert "This ticket is closed" in page.content.decode()


@pytest.mark.parametrize("wanted", [
    EVIL, "//evil.example/phish", "/\\evil.example", "https:/evil.example", "\\\\evil.example",
    "javascript:alert(1)", "http://testserver.evil.example/",
])
def test_next_must_stay_on_this_site(agent_client, closed, wanted):
    response = agent_client.post(f"/tickets/{closed.pk}/take/", {"next": wanted},
                                 HTTP_REFERER=EVIL)
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{closed.pk}/"


def test_a_next_on_this_site_is_followed(agent_client, closed):
    response = agent_client.post(f"/tickets/{closed.pk}/take/", {"next": "/customers/?page=2"})
    assert response["Location"] == "/customers/?page=2"


def test_no_console_view_reads_the_referer():
    from pathlib import Path

    import trustdesk

    root = Path(trustdesk.__file__).parent
    readers = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if "HTTP_REFERER" in p.read_text() or "headers.get(\"Referer" in p.read_text()]
    assert readers == []
