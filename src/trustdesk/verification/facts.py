"""Facts from the company's own records, to ask a caller about.

A connector answers one question: which facts are held about this customer. Shipped:
the helpdesk's own profile (the last four digits of a card on file), a CSV export of
the company's records (``VERIFICATION_FACTS_CSV``) and a webhook into a connected
system (``VERIFICATION_FACTS_URL``, each request signed with
``VERIFICATION_FACTS_SECRET``). A connector that fails answers nothing — the question
is then not asked, never answered by a guess.

Facts never leave this module but to be compared (``answers.same``): no page, response
or log line carries one.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings

from trustdesk.customers.profiles import read_profile

log = logging.getLogger(__name__)

# The question an agent asks for each kind of fact, in the words the console shows.
QUESTIONS = {
    "payment_amount": "Ask the caller for the amount of their last payment.",
    "payment_date": "Ask the caller for the date of their last payment.",
    "order_date": "Ask the caller for the date of their last order.",
    "order_number": "Ask the caller for the number of their last order.",
    "card_last4": "Ask the caller for the last four digits of the card on their account.",
}
WEBHOOK_TIMEOUT = 3.0
WEBHOOK_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Fact:
    kind: str
    value: str


def facts_for(customer_id: uuid.UUID) -> dict[str, Fact]:
    """The newest fact of each kind, over every configured connector (the profile's
    first, then the CSV, then the webhook: a later one wins a kind)."""
    profile = read_profile(customer_id)
    if profile is None or profile.status != "active":
        return {}
    found: dict[str, Fact] = {}
    for connector in (_profile_facts, _csv_facts, _webhook_facts):
        for fact in connector(customer_id, profile.profile):
            if fact.kind in QUESTIONS and fact.value.strip():
                found[fact.kind] = fact
    return found


def configured() -> bool:
    return bool(getattr(settings, "VERIFICATION_FACTS_CSV", None)
                or getattr(settings, "VERIFICATION_FACTS_URL", ""))


def card_on_file(customer_id) -> bool:
    profile = read_profile(customer_id)
    return bool(profile and _profile_facts(customer_id, profile.profile))


def _profile_facts(customer_id, profile: dict) -> list[Fact]:
    card = "".join(c for c in profile.get("payment_card", "") if c.isdigit())
    return [Fact("card_last4", card[-4:])] if len(card) >= 4 else []


def _csv_facts(customer_id, profile: dict) -> list[Fact]:
    """Rows ``customer,kind,value,occurred_on`` where ``customer`` is the account
    number or the email address; the newest row of each kind counts."""
    path = getattr(settings, "VERIFICATION_FACTS_CSV", None)
    if not path:
        return []
    keys = {k for k in (_key(profile.get("account_number")), _key(profile.get("email"))) if k}
    if not keys:
        return []
    newest: dict[str, tuple[str, str]] = {}
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if _key(row.get("customer")) not in keys:
                    continue
                kind, when = (row.get("kind") or "").strip(), (row.get("occurred_on") or "")
                if kind in QUESTIONS and when >= newest.get(kind, ("", ""))[0]:
                    newest[kind] = (when, (row.get("value") or "").strip())
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        log.warning("verification facts CSV unreadable: %s", type(exc).__name__)
        return []
    return [Fact(kind, value) for kind, (_, value) in newest.items()]


def _key(value) -> str:
    return (value or "").strip().casefold()


def _webhook_facts(customer_id, profile: dict) -> list[Fact]:
    """POST ``{"customer": id, "account_number": …}`` (never the email or a name);
    expect ``{"facts": [{"kind": …, "value": …}]}`` within ``WEBHOOK_TIMEOUT``.
    Signed: ``X-TrustDesk-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.body">``."""
    url = getattr(settings, "VERIFICATION_FACTS_URL", "")
    if not url:
        return []
    body = json.dumps({"customer": str(customer_id),
                       "account_number": profile.get("account_number") or None}).encode()
    stamp = str(int(time.time()))
    mac = hmac.new(settings.VERIFICATION_FACTS_SECRET.encode(), stamp.encode() + b"." + body,
                   hashlib.sha256).hexdigest()
    # The scheme is held to http(s) at startup (config/verification.py).
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "X-TrustDesk-Signature": f"t={stamp},v1={mac}"})
    try:
        with _opener().open(request, timeout=WEBHOOK_TIMEOUT) as answer:
            raw = answer.read(WEBHOOK_MAX_BYTES + 1)
        if len(raw) > WEBHOOK_MAX_BYTES:
            raise ValueError("answer too large")
        items = json.loads(raw).get("facts", [])
        return [Fact(str(i["kind"]), str(i["value"])) for i in items
                if isinstance(i, dict) and "kind" in i and "value" in i][:50]
    except (OSError, ValueError, AttributeError, TypeError, urllib.error.URLError) as exc:
        log.warning("verification facts webhook failed: %s", type(exc).__name__)
        return []


def _opener():
    # No redirects: a connected system that answers elsewhere is misconfigured, and a
    # redirect would carry the signed request to a host nobody configured.
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(NoRedirect)
