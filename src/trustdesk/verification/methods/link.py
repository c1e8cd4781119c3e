"""A signed link to the registered email address: the customer opens it and confirms,
and the agent's view shows the caller verified. For a customer writing by email or
chat, where reading out a code would mean asking for one in writing."""

from __future__ import annotations

import hmac
import secrets

from django.conf import settings

from trustdesk import vault
from trustdesk.core.publicurl import public_url
from trustdesk.customers import delivery
from trustdesk.verification.methods.base import Method, Prompt
from trustdesk.verification.models import Challenge

SCOPE = "verification.link"
TEXT = ("To confirm that it is you we are helping, open this link and press Confirm. "
        "It expires in {minutes} minutes.\n\n{url}\n\nIf you are not in contact with us "
        "right now, ignore this message: nothing happens unless you confirm.")


def nonce_hash(challenge: Challenge, nonce: str) -> str:
    return vault.blind_index(SCOPE, f"{challenge.id}:{nonce}")


def token_parts(token: str) -> tuple[str, str] | None:
    challenge_id, dot, nonce = (token or "").partition(".")
    if not dot or not nonce or len(token) > 120:
        return None
    return challenge_id, nonce


class EmailLink(Method):
    name = "email_link"
    kind = "email"
    label = "Link to the registered email address"
    answered_by_agent = False

    def available(self, customer_id) -> bool:
        return (delivery.reaches_customer("email") and bool(_base())
                and delivery.on_file(customer_id, "email") is not None)

    def begin(self, challenge: Challenge, *, self_service: bool = False) -> Prompt:
        to = delivery.on_file(challenge.customer_id, "email")
        if to is None or not _base() or not delivery.reaches_customer("email"):
            raise delivery.Undeliverable(detail="no email on file, no public URL or the "
                                                "email backend is a stand-in")
        nonce = secrets.token_urlsafe(24)
        challenge.secret = nonce_hash(challenge, nonce)
        url = f"{_base()}/verify/{challenge.id}.{nonce}/"
        delivery.send("email", to, subject="Confirm it is you", text=TEXT.format(
            minutes=int(settings.VERIFICATION_CODE_MINUTES), url=url))
        return Prompt(text="A link was sent to the customer's registered email address. "
                           "The caller shows as verified here once they open it and "
                           "confirm.")

    def check(self, challenge: Challenge, answer: str) -> bool:
        parts = token_parts(answer)
        return parts is not None and parts[0] == str(challenge.id) and hmac.compare_digest(
            nonce_hash(challenge, parts[1]), challenge.secret)


def _base() -> str:
    return public_url()
