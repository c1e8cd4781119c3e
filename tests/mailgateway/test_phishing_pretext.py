"""Link-less first contact: a stranger's opener that moves towards money or off the
helpdesk's channel warns when it asks two kinds of thing (or one, with another sign);
one kind alone, a known customer, the company's own colleagues and lists stay clean.
A "Re:" that answers nothing adds a sign for strangers on free mail only."""

from __future__ import annotations

import pytest

from mailgateway import phishmail
from trustdesk.mailgateway.analysis.phishing.analyze import analyze_message
from trustdesk.mailgateway.analysis.phishing.base import Context
from trustdesk.mailgateway.analysis.phishing.pretext import FakeReply, Pretext

KNOWN = "ada@customer.test"
CONTEXT = Context(own_domains=frozenset({"acme.test"}), customer_addresses=frozenset({KNOWN}),
                  customer_names=frozenset({"Ada Lovelace"}), knows_senders=True)


def _mail(body: str, *, sender: str = "d.brooks291@gmail.com", name: str = "David Brooks",
          subject: str = "Hello", **headers: str) -> bytes:
    return phishmail.mail(sender=sender, name=name, subject=subject, text=body,
                          headers={k.replace("_", "-"): v for k, v in headers.items()})


def _weights(raw: bytes, context: Context = CONTEXT) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in analyze_message(raw, context=context).reasons:
        out[r.signal] = out.get(r.signal, 0) + r.weight
    return out


@pytest.mark.parametrize("body", [
    # two kinds each, from free mail: warning
    "Hi, are you available? I need you to share your direct mobile number, it's urgent.",
    "Could you confirm who handles vendor payments there? Please send me a direct phone "
    "number for them.",
    "I need 6 Apple gift cards ($100 each) for a client today. Scratch the backs and send "
    "me photos of the codes. Are you at your desk?",
    "您好，我这边是银行对公业务部，贵司账户需要更新信息，请回复联系人和电话。",
    "在吗？请问负责财务的同事是哪位？",
    "你现在方便吗？帮我买几张京东卡，客户那边要用。",
])
def test_a_strangers_two_kinds_of_ask_warn(body):
    raw = _mail(body)
    assert _weights(raw)[Pretext.name] >= 35
    assert analyze_message(raw, context=CONTEXT).verdict in ("suspicious", "phishing")


@pytest.mark.parametrize("body", [
    # one kind alone: what a real customer may write
    "Hi, are you available to help me with order 4411? It still hasn't shipped.",
    "Who handles billing questions? I was charged twice for my subscription.",
    "Could you give me a direct phone number for your support team? I'd rather call.",
    "I bought a gift card from your shop and the code doesn't work.",
    "你好，请留个联系方式，我想咨询一下发票的问题。",
    "我的京东卡充值失败了，怎么办？",
    "I'd like to buy 2 gift cards for Christmas, do you sell them online?",
    "我想买几张京东卡送人，可以开发票吗？",
])
def test_one_kind_alone_stays_clean(body):
    raw = _mail(body)
    assert _weights(raw).get(Pretext.name, 0) < 35
    assert analyze_message(raw, context=CONTEXT).verdict == "clean"


@pytest.mark.parametrize("sender", [KNOWN, "colleague@acme.test"])
def test_known_customers_and_colleagues_raise_nothing(sender):
    raw = _mail("Are you available? Please share your direct mobile number.", sender=sender)
    assert Pretext.name not in _weights(raw)


def test_mailing_lists_raise_nothing():
    raw = _mail("Are you available? Please share your direct mobile number.",
                List_Id="<devel.lists.example.org>")
    assert Pretext.name not in _weights(raw)


def test_quoted_lines_are_someone_elses_words():
    raw = _mail("Thanks, order 4411 arrived.\n\n> Are you available? Share your direct "
                "mobile number and buy 5 gift cards.")
    assert Pretext.name not in _weights(raw)


def test_an_institution_on_free_mail_counts_on_its_own_domain_not():
    body = "This is the bank. Please send a direct phone number for your accounts team."
    on_free = _weights(_mail(body))[Pretext.name]
    on_own = _weights(_mail(body, sender="notices@bigbank.example"))[Pretext.name]
    assert on_free >= 35 > on_own


def test_without_knowing_the_senders_the_points_are_halved():
    raw = _mail("Hi, are you available? I need you to share your direct mobile number.")
    assert _weights(raw, Context())[Pretext.name] == _weights(raw)[Pretext.name] // 2


@pytest.mark.parametrize(("subject", "headers", "body", "fires"), [
    ("Re: invoice", {}, "Thanks for getting back to me.", True),
    ("回复: 合同", {}, "收到，谢谢。", True),
    ("Following up", {}, "Just following up on my previous email.", True),
    ("Re: invoice", {"In_Reply_To": "<a1@mail.gmail.com>"}, "Thanks for getting back.", False),
    ("Re: invoice", {"References": "<a1@mail.gmail.com>"}, "Thanks for getting back.", False),
    ("Regarding my order", {}, "Where is order 4411?", False),
])
def test_a_reply_to_nothing_from_a_stranger_on_free_mail(subject, headers, body, fires):
    raw = _mail(body, subject=subject, **headers)
    assert (FakeReply.name in _weights(raw)) is fires


@pytest.mark.parametrize(("sender", "name"), [
    ("ljensen@saltmarsh.nl", "Lena Jensen"),  # a company's server: old gateways strip ids
    (KNOWN, "Ada Lovelace"),  # a known customer
    ("ada.home@gmail.com", "Ada Lovelace"),  # a customer's name: the name signal's question
])
def test_a_reply_to_nothing_is_left_alone_when_it_says_nothing(sender, name):
    raw = _mail("Thanks for getting back to me.", sender=sender, name=name, subject="Re: hi")
    assert FakeReply.name not in _weights(raw)
