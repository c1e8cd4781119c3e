"""A signed-in customer raising their own verification in the portal: a one-time code
by text message to the phone number on file, typed back on the portal's page.

The portal's actor holds no staff permission, so these use cases stand in for the
staff's ``customer.verify``: they act for the signed-in customer only — the customer
is the session's, never the form's — and only by ``sms_code``, the one method that
proves something the sign-in link did not (the link proved the mailbox). Beyond that
they are the staff flow (``services.start_for`` and ``answer_for``): the same hashed,
single-use, expiring code, the same per-customer send limit, attempt limit and
wrong-answer block, the same audit. The portal's own limits come first: a code asked
for is a write of the customer's (``count_write``), a code typed is counted per
client as a sign-in link's confirmation is (``count_confirmation``).

Passing records a ``phone`` factor with no member of staff; with the sign-in's
``email`` factor still inside ``VERIFICATION_MINUTES``, the customer is at level 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.customers import verified
from trustdesk.customers.models import Customer
from trustdesk.customers.portal import count_confirmation, count_write
from trustdesk.verification import services
from trustdesk.verification.methods import method

METHOD = "sms_code"


@dataclass(frozen=True)
class MyVerification:
    state: verified.State
    phone_on_file: bool  # whether a code can be sent: nothing is offered otherwise


def _me(actor: Actor) -> Customer:
    if not actor.is_customer or not actor.customer_id:
        raise NotFound()
    return services._customer(actor.customer_id)


def my_verification(*, actor: Actor) -> MyVerification:
    """The signed-in customer's own level now, and whether a code can reach them."""
    customer = _me(actor)
    return MyVerification(state=verified.state(actor, customer.pk),
                          phone_on_file=method(METHOD).available(customer.pk))


def my_verification_start(*, actor: Actor) -> services.Started:
    """Text a code to the signed-in customer's phone on file (only there: the method
    reads the number from the profile; none is ever taken from the request)."""
    customer = _me(actor)
    count_write(customer.pk)
    return services.start_for(actor=actor, customer=customer, chosen=method(METHOD))


def my_verification_answer(*, actor: Actor, challenge_id, answer: str,
                           ip: str | None) -> services.Answered:
    """Check the code the signed-in customer typed. A challenge of anyone else's — a
    member of staff's, another customer's — is not found."""
    count_confirmation(ip)
    customer = _me(actor)
    return services.answer_for(actor=actor, challenge_id=challenge_id, answer=answer,
                               customer_id=customer.pk)
