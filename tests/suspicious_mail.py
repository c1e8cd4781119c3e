"""A ticket whose first message came by mail with a phishing verdict, as intake records it
(``InboundMail.checks["phishing"]``)."""

from __future__ import annotations

from trustdesk.core.actor import Actor
from trustdesk.mailgateway.models import InboundMail
from trustdesk.tickets import services as tickets

SYSTEM = Actor.system("tests")


def mail_ticket(customer, *, body: str, verdict: str | None = "suspicious", team=None,
                subject: str = "Your account"):
    ticket = tickets.ticket_create(actor=SYSTEM, customer_id=customer.id, subject=subject,
                                   body=body, channel="email",
                                   team_id=team.pk if team else None)
    checks = {"from_domain": "example.org", "authenticated": True}
    if verdict is not None:
        checks["phishing"] = {"verdict": verdict, "score": 55,
                              "reasons": [["link_mismatch", 30, "A link shows one domain "
                                           "and leads to another."]]}
    InboundMail.objects.create(peer_ip="192.0.2.1", size=len(body), checks=checks,
                               ticket_id=ticket.pk, message_id=ticket.messages.first().pk,
                               state=InboundMail.State.DELIVERED)
    return ticket
