"""A one-time code to the email address or phone number on file, read back by the
caller. Six digits from the system's CSPRNG; kept only as a keyed hash bound to its
challenge; single-use, short-lived and attempt-limited by the service."""

from __future__ import annotations

import hmac
import secrets

from django.conf import settings

from trustdesk import vault
from trustdesk.customers import delivery
from trustdesk.verification import answers
from trustdesk.verification.methods.base import Method, Prompt
from trustdesk.verification.models import Challenge

SCOPE = "verification.code"
LENGTH = 6
TEXT = ("Your verification code is {code}. It expires in {minutes} minutes. Tell it only "
        "to the support agent in a call or chat that you started with us; we never ask "
        "for it in any other way.")
# Asked for in the portal, the code is typed there by the customer: nobody should ever
# hear it, so the message says no agent will ask for it.
SELF_TEXT = ("Your verification code is {code}. It expires in {minutes} minutes. Type it "
             "only into our customer portal, on the page where you asked for it. Nobody "
             "from us will ever ask you to read it out.")


def code_hash(challenge: Challenge, code: str) -> str:
    return vault.blind_index(SCOPE, f"{challenge.id}:{code}")


class _Code(Method):
    channel = ""  # "email" | "phone"

    def available(self, customer_id) -> bool:
        return (delivery.reaches_customer(self.channel)
                and delivery.on_file(customer_id, self.channel) is not None)

    def begin(self, challenge: Challenge, *, self_service: bool = False) -> Prompt:
        if not delivery.reaches_customer(self.channel):
            raise delivery.Undeliverable(detail=f"{self.channel} backend is a stand-in")
        to = delivery.on_file(challenge.customer_id, self.channel)
        if to is None:
            raise delivery.Undeliverable(detail=f"no {self.channel} on file")
        code = f"{secrets.randbelow(10 ** LENGTH):0{LENGTH}d}"
        challenge.secret = code_hash(challenge, code)
        minutes = int(settings.VERIFICATION_CODE_MINUTES)
        delivery.send(self.channel, to, subject="Your verification code",
                      text=(SELF_TEXT if self_service else TEXT).format(
                          code=code, minutes=minutes))
        return Prompt(text=f"A code was sent to the customer's registered {self.where}. "
                           "Ask the caller to read it out.", answer_label="Code")

    def check(self, challenge: Challenge, answer: str) -> bool:
        code = answers.digits(answer)
        return len(code) == LENGTH and hmac.compare_digest(
            code_hash(challenge, code), challenge.secret)


class EmailCode(_Code):
    name = "email_code"
    kind = "email"
    channel = "email"
    where = "email address"
    label = "Code to the registered email address"


class SmsCode(_Code):
    name = "sms_code"
    kind = "phone"
    channel = "phone"
    where = "phone number"
    label = "Code by text message to the registered phone"
