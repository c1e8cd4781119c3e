"""The reply guard's detector: requests for secrets, in English and Chinese, and the
sentences that mention secrets without asking for them."""

from __future__ import annotations

import pytest

from trustdesk.pii.guard import EXPLANATIONS, KINDS, secret_requests

REQUESTS = [
    ("password", "Could you send us your password so we can check the account?"),
    ("password", "What is your password?"),
    ("password", "Please reply with your current login password."),
    ("password", "To verify you, tell me your password."),
    ("card_number", "Please confirm your full card number."),
    ("card_number", "Send me the 16-digit number on the front of the card."),
    ("card_number", "Can you give us your credit card number and expiry date?"),
    ("card_code", "We also need the CVV on the back of your card, can you provide it?"),
    ("card_code", "What's the security code of the card?"),
    ("one_time_code", "I just sent you a code, tell me the verification code please."),
    ("one_time_code", "Please read me the one-time code you received by SMS."),
    ("one_time_code", "Could you forward the code we just sent?"),
    ("pin", "What is your PIN?"),
    ("pin", "Tell me the PIN code of your card."),
    ("password", "请提供您的登录密码，我们帮您查看。"),
    ("password", "请问您的密码是多少？"),
    ("card_number", "麻烦发送一下您的完整卡号。"),
    ("card_code", "请告诉我信用卡背面的安全码。"),
    ("one_time_code", "请把收到的验证码发给我。"),
    ("one_time_code", "请告诉我短信验证码"),
    ("pin", "请告诉我您的取款密码。"),
]

NOT_REQUESTS = [
    "We will never ask for your password.",
    "Please do not send your card number by e-mail.",
    "Please reset your password using the link we sent.",
    "You can change your password in Settings.",
    "Enter the verification code in the app to finish signing in.",
    "Can you confirm the last four digits of your card number?",
    "Your PIN was never stored by us, don't share it with anyone.",
    "Nobody from our team will ask for your CVV.",
    "The code we sent expires in ten minutes.",
    "请勿向任何人透露验证码。",
    "我们不会向您索要密码。",
    "请在App中输入验证码完成登录。",
    "您可以在设置中修改密码。",
    "Thanks, the refund is on its way.",
    "I pinned the ticket for the team.",
]


@pytest.mark.parametrize(("kind", "text"), REQUESTS, ids=[t[:40] for _, t in REQUESTS])
def test_requests_for_secrets_are_found(kind, text):
    found = secret_requests(text)
    assert [r.kind for r in found] == [kind]
    assert found[0].explanation == EXPLANATIONS[kind]


@pytest.mark.parametrize("text", NOT_REQUESTS, ids=[t[:40] for t in NOT_REQUESTS])
def test_mentions_without_a_request_pass(text):
    assert secret_requests(text) == []


def test_several_requests_in_one_reply_each_have_an_explanation():
    text = "Hi! Please send your password. Also, what is the CVV? Thanks."
    assert [r.kind for r in secret_requests(text)] == ["password", "card_code"]
    assert set(EXPLANATIONS) == set(KINDS)
