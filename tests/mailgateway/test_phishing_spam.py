"""The spam verdict: selling nobody asked for, scored apart from deceit. Three phrases
(or two strong ones) make spam; one mention, a newsletter, a known customer, the
company's own mail and anything suspicious for deceit do not."""

from __future__ import annotations

import pytest

from mailgateway import phishmail
from trustdesk.mailgateway.analysis.phishing.analyze import SPAM, analyze_message, verdict_of
from trustdesk.mailgateway.analysis.phishing.base import Context, Reason

KNOWN = "ada@customer.test"
CONTEXT = Context(own_domains=frozenset({"acme.test"}), customer_addresses=frozenset({KNOWN}),
                  knows_senders=True)


def _mail(body: str, *, sender: str = "offers@rankboost.example", subject: str = "Hello"
          ) -> bytes:
    return phishmail.mail(sender=sender, name="", subject=subject, text=body)


@pytest.mark.parametrize("body", [
    "We offer SEO services to get you on the first page of Google and increase your "
    "website traffic.",
    "Cheap viagra and cialis, no prescription needed.",
    "本公司代开增值税专用发票，各类发票，点数优惠。",
    "网上赌场真人娱乐，百家乐，六合彩，注册送彩金。",
    "Buy verified leads: our B2B email list has 2 million contacts, plus an email "
    "marketing list for every industry.",
])
def test_selling_what_spam_sells_is_spam(body):
    verdict = analyze_message(_mail(body), context=CONTEXT)
    assert verdict.verdict == "spam" and verdict.score >= SPAM
    assert any(r.signal == "spam" for r in verdict.reasons)


@pytest.mark.parametrize("body", [
    "My online casino bonus page is broken, please help.",  # one offer, named by a customer
    "Our spring newsletter: new colours in the shop, free shipping over $50. Unsubscribe "
    "at any time.",
    "Your order 4411 has shipped. Track it in your account.",
    "我想开发票，请问怎么操作？",
])
def test_a_mention_or_a_newsletter_is_not_spam(body):
    assert analyze_message(_mail(body), context=CONTEXT).verdict == "clean"


@pytest.mark.parametrize("sender", [KNOWN, "marketing@acme.test"])
def test_known_customers_and_the_company_are_never_spam(sender):
    body = "SEO services, first page of Google, increase your website traffic."
    assert analyze_message(_mail(body, sender=sender), context=CONTEXT).verdict == "clean"


def test_deceit_wins_and_spam_points_never_add_to_it():
    both = [Reason("spam", 50, "sells"), Reason("display_name", 40, "borrows a name")]
    verdict = verdict_of(both)
    assert verdict.verdict == "suspicious" and verdict.score == 40
    assert verdict_of([Reason("spam_custom", 45, "custom spam rule")]).verdict == "spam"
    assert verdict_of([Reason("spam", 30, "one offer")]).verdict == "clean"
