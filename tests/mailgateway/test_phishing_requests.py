"""The account-change request signal: an impostor's asks weigh enough for a warning from
an address the helpdesk has never seen, little from the customer's own; ordinary
questions, quoted text and the company's own notices raise nothing."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from trustdesk.mailgateway.analysis.phishing.analyze import analyze_message
from trustdesk.mailgateway.analysis.phishing.base import Context
from trustdesk.mailgateway.analysis.phishing.requests import AccountChangeRequest

KNOWN = "ada@customer.test"
CONTEXT = Context(customer_addresses=frozenset({KNOWN}), knows_senders=True)


def _mail(body: str, sender: str = "ada.new2026@gmail.com", subject: str = "Hello") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Ada Lovelace <{sender}>"
    msg["To"] = "support@acme.test"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


def _weight(raw: bytes) -> int:
    verdict = analyze_message(raw, context=CONTEXT)
    return sum(r.weight for r in verdict.reasons if r.signal == AccountChangeRequest.name)


@pytest.mark.parametrize("body", [
    "Hi, this is my new address, I lost access to my old one. Please move my account to "
    "this email and send me a password reset link here.",
    "Hello, could you send my refund to a different card? My old one was cancelled.",
    "Hi, can you send me copies of our last invoices and the card on file to this email?",
    "Hi, can you send me copies of our last invoices and the card on file? Our accountant "
    "needs them today.",
    "Please disable two-factor on my account, I lost my phone.",
    "Please change the email on my account to this one.",
    "你好，我原来的邮箱不用了，麻烦把我账户的登录邮箱改成这个，并重置一下密码，谢谢。",
    "您好，我上次的退款请打到我新的银行卡上，谢谢。",
    "你好，请把最近三个月的发票和账户信息发到这个邮箱。",
    "请帮我关闭两步验证，手机丢了。",
])
def test_an_impostors_request_from_an_unknown_address_is_a_warning(body):
    raw = _mail(body)
    assert _weight(raw) == 35
    assert analyze_message(raw, context=CONTEXT).verdict in ("suspicious", "phishing")


def test_without_knowing_the_senders_an_unknown_address_is_not_first_time():
    """A context that did not look the sender up cannot call them new: less weight."""
    raw = _mail("Please change the email on my account to this one.")
    verdict = analyze_message(raw, context=Context())
    assert [r.weight for r in verdict.reasons if r.signal == AccountChangeRequest.name] == [20]
    assert verdict.verdict == "clean"


def test_the_same_request_from_the_customers_known_address_weighs_little():
    raw = _mail("Please change the email on my account to this one.", sender=KNOWN)
    assert _weight(raw) == 12
    assert analyze_message(raw, context=CONTEXT).verdict == "clean"


@pytest.mark.parametrize("body", [
    "Hi, writing from my personal email as our work mail is down today. Has order 4411 "
    "shipped yet?",
    "Hello, this is my home address, sorry. Could you send the renewal quote to my usual "
    "work address? Nothing else needs to change.",
    "I forgot my password and the reset email never arrived. Can you help?",
    "I can't log in since yesterday.",
    "> Please move my account to this email\nThat was not me! Someone else wrote that.",
    "你好，我用私人邮箱发的，公司邮箱今天登录不上。想问一下订单什么时候发货？",
    "我已经付款了，请查一下订单",
    "我忘记密码了，怎么重置密码？",
    "Thanks for the refund, it arrived on my card today.",
])
def test_ordinary_questions_raise_nothing(body):
    assert _weight(_mail(body)) == 0
