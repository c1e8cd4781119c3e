"""Phishing as it reaches a support team, one primary style per message (its label), in
English and Chinese. Many messages mix tricks, as real ones do; some are made hard on
purpose: no link at all (reply to me), short and polite, few tell-tale words, pages
hosted on real cloud platforms, senders on free mail or on a hacked small business's
domain that passes authentication.
"""

from __future__ import annotations

import random

from . import world
from .mime import Mail
from .phish_files import compromised_account, html_attachment, malware_attachment
from .phish_fraud import (
    ceo_fraud,
    customer_impostor,
    impersonation,
    invoice_fraud,
    no_link_fraud,
    reply_to_freemail,
)
from .phish_links import (
    credential_harvest,
    delivery_scam,
    html_form,
    link_mismatch,
    lookalike_brand,
    lookalike_own,
    shortener_redirect,
)

STYLES = {
    "impersonation": impersonation,
    "customer_impostor": customer_impostor,
    "credential_harvest": credential_harvest,
    "html_form": html_form,
    "invoice_fraud": invoice_fraud,
    "ceo_fraud": ceo_fraud,
    "delivery_scam": delivery_scam,
    "lookalike_own": lookalike_own,
    "lookalike_brand": lookalike_brand,
    "link_mismatch": link_mismatch,
    "shortener_redirect": shortener_redirect,
    "html_attachment": html_attachment,
    "malware_attachment": malware_attachment,
    "reply_to_freemail": reply_to_freemail,
    "no_link_fraud": no_link_fraud,
    "compromised_account": compromised_account,
}


def generate(rng: random.Random, w: world.World, index: int) -> tuple[str, Mail]:
    style = rng.choice(tuple(STYLES))
    return style, STYLES[style](rng, w, index)
