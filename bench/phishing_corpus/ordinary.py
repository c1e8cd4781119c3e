"""Ordinary mail that reaches a support address: customers (who forget passwords, cannot
sign in, see payments fail, paste the company's own links and attach screenshots),
replies in threads, receipts, shipping notices, newsletters, mailing lists, auto-replies,
calendar invitations and real services' notices, in English and Chinese.

Much of it says exactly what phishing says ("password", "payment", "verify", "付款",
"登录") — because customers really write that — so the class tests that words alone do
not make a verdict.
"""

from __future__ import annotations

import random

from . import world
from .mime import Mail
from .ordinary_bulk import mailing_list, newsletter, receipt, service_notice, shipping
from .ordinary_people import (
    auto_reply,
    calendar_invite,
    colleague,
    customer,
    customer_it,
    second_address,
    thread_reply,
)


def generate(rng: random.Random, w: world.World, index: int) -> tuple[str, Mail]:
    styles = (
        (14, lambda: customer(rng, w, "account")),
        (12, lambda: customer(rng, w, "payment")),
        (12, lambda: customer(rng, w, "question")),
        (10, lambda: thread_reply(rng, w, index)),
        (10, lambda: receipt(rng, w, index)),
        (8, lambda: shipping(rng, w, index)),
        (9, lambda: newsletter(rng, w, index)),
        (6, lambda: mailing_list(rng, w, index)),
        (6, lambda: auto_reply(rng, w, index)),
        (4, lambda: calendar_invite(rng, w, index)),
        (6, lambda: service_notice(rng, w, index)),
        (3, lambda: colleague(rng, w, index)),
        (2, lambda: second_address(rng, w, index)),
        (3, lambda: customer_it(rng, w, index)),
    )
    make = rng.choices([s[1] for s in styles], [s[0] for s in styles])[0]
    return make()
