"""The phishing analyser as a whole: the verdict's calibration, the ordinary mail it must
pass, robustness on hostile bytes, and no network without a resolver."""

from __future__ import annotations

import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trustdesk.mailgateway as gateway_package
from trustdesk.mailgateway.analysis.dns import EVERY_NAME, StubResolver
from trustdesk.mailgateway.analysis.phishing import analyze
from trustdesk.mailgateway.analysis.phishing.analyze import analyze_message, verdict_of
from trustdesk.mailgateway.analysis.phishing.base import Context, Reason, Signal
from trustdesk.mailgateway.analysis.phishing.registry import Registry

from .phishmail import mail, weights

HELPDESK = Context(own_domains=frozenset({"acme.example"}),
                   agent_names=frozenset({"Grace Hopper"}),
                   customer_addresses=frozenset({"ada@customer.example"}),
                   customer_names=frozenset({"Ada Lovelace"}))
RECEIVED = "from mx.sender.example (mx.sender.example [192.0.2.9]) by mx.acme.example"


# -- calibration ----------------------------------------------------------------------

def R(signal: str, weight: int) -> Reason:
    return Reason(signal, weight, "")


@pytest.mark.parametrize(("reasons", "verdict", "score"), [
    ([], "clean", 0),
    ([R("a", 34)], "clean", 34),
    ([R("a", 35)], "suspicious", 35),
    ([R("a", 50), R("a", 50)], "suspicious", 50),  # one signal is capped at 50
    ([R("a", 50), R("b", 20)], "phishing", 70),
    ([R("a", 45), R("b", 30)], "phishing", 75),
    # one strong signal and a scatter of weak ones is a warning, not a verdict
    ([R("a", 50), R("b", 10), R("c", 10), R("d", 10)], "suspicious", 80),
    ([R("a", 50), R("b", 40), R("good", -30)], "suspicious", 60),
    ([R("a", -20)], "clean", 0),
    ([R(s, 50) for s in "abcd"], "phishing", 100),
])
def test_thresholds(reasons, verdict, score):
    got = verdict_of(reasons)
    assert (got.verdict, got.score) == (verdict, score)


@given(st.lists(st.integers(-50, 50), max_size=8))
def test_one_signal_alone_never_makes_phishing(weights_):
    assert verdict_of([R("only", w) for w in weights_]).verdict != "phishing"


def test_reasons_are_listed_strongest_first():
    got = verdict_of([R("a", 10), R("b", 40), R("c", -5)])
    assert [r.weight for r in got.reasons] == [40, 10, -5]


# Messages that each carry one weak sign: none of them may be called phishing, and
# none of the identity signals' weak signs reaches a warning alone.
WEAK = [
    mail(name="IT Support", sender="helper@outlook.com"),  # a role word
    mail(sender="orders@paypal-shop-news.com"),  # a brand and a neutral word
    mail(sender="ada.l@gmail.com", reply_to="ada.l@gmail.com"),  # Reply-To is From
    mail(name="Ada Lovelace", sender="ada.home@gmail.com"),  # a customer's second address
    mail(text="Please click https://bit.ly/3xYz to track your parcel."),  # a shortener
    mail(subject="URGENT: action required today",
         text="Please respond immediately, this is urgent."),  # urgency words
    mail(sender="alerts@bank.example", received=RECEIVED),  # no auth checked at all
]


@pytest.mark.parametrize("raw", WEAK)
def test_single_weak_signs_never_reach_phishing(raw):
    verdict = analyze_message(raw, context=HELPDESK)
    assert verdict.verdict != "phishing"
    identity_only = {"display_name", "lookalike_domain", "freemail_reply",
                     "customer_name_new_address"}
    assert sum(w for s, w in weights(raw, HELPDESK).items() if s in identity_only) < 35


# -- what it flags --------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "verdict"), [
    (mail(name="PayPal Service", sender="service@paypa1.com", reply_to="pp.help@gmail.com",
          subject="Verify your account"), "phishing"),
    (mail(name="Grace Hopper", sender="grace@acme-support.net", subject="Quick favour"),
     "phishing"),  # an agent's name on a look-alike of the helpdesk's domain
    (mail(name="Grace Hopper", sender="grace.hopper.work@gmail.com",
          reply_to="g.hopper@outlook.com", subject="Quick favour"), "suspicious"),
    (mail(name="Ada Lovelace", sender="ada.lovelace.billing@gmail.com",
          reply_to="ada.payments@outlook.com", subject="New bank details"), "suspicious"),
    (mail(name="DHL Express", sender="track@dhl-express-track.com",
          attachments=(("label.html", "text/html", b"<html><form></form></html>"),)),
     "phishing"),
    (mail(name="Billing", sender="billing@micros0ft-support.net", subject="Your licence"),
     "suspicious"),
])
def test_impersonation_is_flagged(raw, verdict):
    assert analyze_message(raw, context=HELPDESK).verdict == verdict


# -- what it must pass ----------------------------------------------------------------

RECEIPT_HTML = """<html><body><p>Hello Ada, thanks for your order #112-4455.</p>
<p><a href="https://www.amazon.com/gp/your-account/order-details?orderID=112-4455">View
your order</a> &middot; <a href="https://www.amazon.com/gp/help">Help</a></p>
<img src="https://images-na.ssl-images-amazon.com/pixel.gif"></body></html>"""
NEWSLETTER_HTML = """<html><body><h1>Shop Weekly</h1><p>Our spring release is out.</p>
<a href="https://click.mailchimp.com/track?u=abc&id=1&url=https%3A%2F%2Fshop.example">Read
more</a> <a href="https://shop.example.us1.list-manage.com/unsubscribe?u=abc">Unsubscribe
</a></body></html>"""
ORDINARY = [
    # a customer who forgot their password
    mail(subject="I forgot my password", text="Hi, I forgot my password and the reset "
         "link does not arrive. Can you help me log in to my account? Thanks, Ada"),
    mail(sender="ada.private@gmail.com", name="Ada L.", subject="忘记密码",
         text="您好，我忘记了密码，无法登录账户，请帮忙重置。谢谢"),
    # a real receipt from the brand's real domain, with links
    mail(sender="auto-confirm@amazon.com", name="Amazon.com", subject="Your order",
         text="Thanks for your order", html=RECEIPT_HTML),
    # a newsletter with tracking links
    mail(sender="news@shop.example", name="Shop Weekly", subject="Spring release",
         return_path="bounce-123@mail.shop.example", html=NEWSLETTER_HTML,
         headers={"List-Unsubscribe": "<https://shop.example/unsubscribe>"}),
    # a mailing list
    mail(sender="jane@uni.example", name="Jane Doe via devel", subject="[devel] Release",
         reply_to="devel@lists.example.org", return_path="devel-bounces@lists.example.org",
         headers={"List-Id": "<devel.lists.example.org>", "Precedence": "list"}),
    # a customer named like a brand, from their own domain
    mail(sender="info@applegrowers.com", name="Apple Growers Ltd",
         subject="Question about our invoice"),
    # an auto-reply
    mail(sender="ops@vendor.example", name="Vendor Ops", subject="Out of office",
         headers={"Auto-Submitted": "auto-replied"}),
    # a colleague writing from the company's own domain
    mail(sender="grace@acme.example", name="Grace Hopper", subject="Ticket 1234"),
]


@pytest.mark.parametrize("raw", ORDINARY)
def test_ordinary_mail_is_clean(raw):
    verdict = analyze_message(raw, context=HELPDESK)
    assert verdict.verdict == "clean", verdict.reasons


def test_a_mailing_list_breaking_dmarc_is_not_flagged():
    raw = mail(sender="jane@uni.example", received=RECEIVED, headers={
        "List-Id": "<devel.lists.example.org>"}, return_path="devel-bounces@uni.example")
    resolver = StubResolver({"uni.example": ["v=spf1 ip4:198.51.100.0/24 -all"],
                             "_dmarc.uni.example": ["v=DMARC1; p=reject"]})
    verdict = analyze_message(raw, context=HELPDESK, resolver=resolver)
    assert verdict.verdict == "clean"
    assert any(r.signal == "authentication" for r in verdict.reasons)


# -- robustness -----------------------------------------------------------------------

class Broken(Signal):
    name = "broken"

    def check(self, mail, context):
        raise RuntimeError("bug")


class Wrong(Signal):
    name = "wrong"

    def check(self, mail, context):
        return ["not a reason"]


def test_a_failing_signal_is_recorded_and_the_others_still_count():
    registry = Registry([Broken(), Wrong(), *Registry.default().signals])
    verdict = analyze_message(mail(sender="service@paypa1.com"), registry=registry)
    by = {r.signal: r.weight for r in verdict.reasons}
    assert by["broken_error"] == 0 and by["wrong_error"] == 0
    assert by["lookalike_domain"] == 50


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=3000),
    st.lists(st.sampled_from([
        b"From: ", b"Reply-To: ", b"Received: from x ([", b"Content-Type: text/html\r\n",
        b"Content-Type: multipart/mixed; boundary=b\r\n", b"--b\r\n", b"\r\n", b"<a href=",
        b"xn--pypal-4ve.com", b"@", b"\"PayPal\" <", b">", b"=?utf-8?b?5pSv5LuY5a6d?=",
        b"\xff\xfe", b"Content-Transfer-Encoding: base64\r\n", b"PK\x03\x04",
    ]), max_size=60).map(b"".join)))
def test_never_raises_and_is_quick_on_any_bytes(raw):
    started = time.monotonic()
    verdict = analyze_message(raw)
    assert time.monotonic() - started < 2.0
    assert verdict.verdict in ("clean", "suspicious", "phishing", "spam")
    assert 0 <= verdict.score <= 100
    assert not [r for r in verdict.reasons if r.signal.endswith("_error")]


def test_no_resolver_means_no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    for name in ("getaddrinfo", "gethostbyname", "create_connection"):
        monkeypatch.setattr(socket, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    import dns.resolver

    monkeypatch.setattr(dns.resolver.Resolver, "resolve", refuse)
    raw = mail(name="PayPal", sender="service@paypa1.com", received=RECEIVED,
               html='<a href="https://paypal.com.verify.example/">log in</a>')
    verdict = analyze_message(raw, context=HELPDESK)
    assert attempts == []
    assert verdict.verdict == "phishing"
    assert not [r for r in verdict.reasons if r.signal.endswith("_error")]


def test_dns_goes_through_the_resolver_and_an_outage_is_bounded():
    raw = mail(sender="alerts@bank.example", received=RECEIVED,
               return_path="bounce@bank.example")
    answering = StubResolver({"bank.example": ["v=spf1 ip4:192.0.2.0/24 -all"]})
    analyze_message(raw, resolver=answering)
    assert ("bank.example", "TXT") in answering.queries
    down = StubResolver(failing=[EVERY_NAME])
    started = time.monotonic()
    verdict = analyze_message(raw, resolver=down)
    assert time.monotonic() - started < analyze.AUTH_BUDGET
    # DNS that does not answer is neutral: no authentication reason either way
    assert not [r for r in verdict.reasons if r.signal == "authentication"]


def test_the_gateway_package_re_exports_it():
    verdict = gateway_package.analyze_message(mail(sender="service@paypa1.com"))
    assert verdict.score >= 50


def test_warm_loads_the_tables_before_the_first_message():
    import subprocess
    import sys

    code = ("from trustdesk.mailgateway.analysis.phishing import analyze, lookalike, tables\n"
            "caches = (analyze.default_registry, tables.brands, tables.freemail,\n"
            "          lookalike._glyphs)\n"
            "print([c.cache_info().currsize for c in caches])\n"
            "analyze.warm()\n"
            "print([c.cache_info().currsize for c in caches])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.splitlines() == ["[0, 0, 0, 0]", "[1, 1, 1, 1]"]
