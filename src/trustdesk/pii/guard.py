"""Reply guard, the pure half: does an agent's reply ask the customer for a secret?

A company should never ask for a password, a full card number, a card security code, a
one-time code or a PIN (seed 000 §3): phishers do, and customers who were asked once by
the real company will answer the fake one. ``secret_requests(text)`` finds such requests
in English and Chinese; the ``tickets`` app decides whether to block or warn.

A request is a secret word ("password", "CVV", "验证码"…) with a request word ("send",
"tell", "confirm", "请提供", "告诉"…) in the same sentence, within a few words. A sentence
that negates ("we will never ask for your password", "请勿告诉任何人验证码") or asks only
for the last digits of a card is not a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trustdesk.pii.recognizers.base import words_regex

KINDS = ("password", "card_number", "card_code", "one_time_code", "pin")

# Friendly, specific: the agent should learn why, not just be stopped.
EXPLANATIONS = {
    "password": "asks the customer for their password. We never ask for passwords: "
                "offer a password reset link instead.",
    "card_number": "asks for a full card number. Card numbers must never travel by "
                   "message; ask for the last four digits, or send a secure payment link.",
    "card_code": "asks for a card security code (CVV/CVC). Nobody at the company may ever "
                 "ask for it; use the secure payment page.",
    "one_time_code": "asks the customer to share a one-time or verification code. Those "
                     "codes prove the customer is present; anyone asking for them is "
                     "how account takeovers happen. Ask them to enter it in the app.",
    "pin": "asks for a PIN. PINs are never shared with anyone, including us.",
}

_SECRET_WORDS = {
    "password": ("password", "passwords", "passcode", "passphrase", "pwd", "login password",
                 "密码", "登录密码", "口令"),
    "card_number": ("card number", "credit card number", "debit card number", "card no",
                    "full card number", "long card number", "16-digit number",
                    "16 digit number", "card details", "卡号", "银行卡号", "信用卡号",
                    "完整卡号", "完整的卡号"),
    "card_code": ("cvv", "cvv2", "cvc", "cvc2", "cid", "security code", "card security code",
                  "card verification code", "3-digit code", "three-digit code",
                  "code on the back", "安全码", "cvv码", "信用卡背面"),
    "one_time_code": ("one-time code", "one time code", "one-time password", "otp",
                      "verification code", "sms code", "text code", "2fa code",
                      "authentication code", "login code", "code we sent",
                      "code we just sent", "code you received", "code you just received",
                      "6-digit code", "six-digit code", "验证码", "短信验证码", "动态码",
                      "动态密码", "校验码", "一次性密码"),
    "pin": ("pin", "pin code", "pin number", "pin码", "取款密码", "支付密码"),
}
_SECRETS = {kind: words_regex(words) for kind, words in _SECRET_WORDS.items()}
_ASK = words_regex((
    "send", "send us", "send me", "give", "give us", "give me", "tell", "tell us", "tell me",
    "provide", "share", "confirm", "reply with", "write back with", "email us", "email me",
    "text us", "text me", "read out", "read me", "we need", "i need", "we require",
    "what is", "what's", "whats", "let me know", "could you", "can you", "forward", "dm",
    "need the", "need your",
    "提供", "告诉", "发送", "发给", "发一下", "报一下", "说一下", "回复", "确认", "输入",
    "给我", "是多少", "多少"))
# Sentences about a secret that ask for nothing ("please reset your password", "enter the
# code in the app", "在App中输入验证码").
_BENIGN = words_regex((
    "reset", "change", "forgot", "forgotten", "update", "create", "choose", "set", "new",
    "strong", "manager", "link", "in the app", "into the app", "on the website",
    "on the screen", "login page", "sign-in page", "重置", "修改", "忘记", "更改", "设置",
    "在app", "在页面", "在网页", "在应用", "app内", "页面上"))
_NOT = words_regex((
    "not", "never", "don't", "do not", "dont", "no need", "shouldn't", "should not",
    "won't", "will not", "must not", "mustn't", "nobody", "no one", "never ask",
    "不要", "请勿", "切勿", "无需", "不需要", "不会", "绝不", "不用", "别"))
_LAST_DIGITS = re.compile(r"(?i)(?:last|final)\s+(?:4|four)(?:\s+digits)?(?:\s+of)?\s*"
                          r"(?:your|the)?\s*$|后四位\s*$|末四位\s*$")
_SENTENCE = re.compile(r"[.!?\n。！？；;]")


@dataclass(frozen=True, slots=True)
class SecretRequest:
    kind: str
    start: int
    end: int

    @property
    def explanation(self) -> str:
        return EXPLANATIONS[self.kind]


def secret_requests(text: str) -> list[SecretRequest]:
    """Requests for secrets in ``text``, in text order, at most one per sentence and
    kind."""
    found: list[SecretRequest] = []
    seen: set[tuple[str, int]] = set()
    for kind, regex in _SECRETS.items():
        for m in regex.finditer(text):
            begin = _sentence_start(text, m.start())
            end = _sentence_end(text, m.end())
            before, after = text[max(begin, m.start() - 80):m.start()], text[m.end():end]
            if kind == "card_number" and _LAST_DIGITS.search(before):
                continue  # "the last four digits of your card number" is fine
            asked = _ASK.search(before) or _ASK.search(after[:24])
            if not asked or _NOT.search(before) or _NOT.search(after[:16]) \
                    or _BENIGN.search(before[-30:]) or _BENIGN.search(after[:30]):
                continue
            if (kind, begin) not in seen:
                seen.add((kind, begin))
                found.append(SecretRequest(kind, m.start(), m.end()))
    # "取款密码" is a PIN, not also a password: a match inside another kind's is dropped.
    found = [r for r in found if not any(
        o is not r and o.start <= r.start and r.end <= o.end and o.end - o.start > r.end - r.start
        for o in found)]
    found.sort(key=lambda r: r.start)
    return found


def _sentence_start(text: str, pos: int) -> int:
    cut = max((m.end() for m in _SENTENCE.finditer(text, max(0, pos - 200), pos)),
              default=max(0, pos - 200))
    return cut


def _sentence_end(text: str, pos: int) -> int:
    m = _SENTENCE.search(text, pos, pos + 200)
    return m.start() if m else min(len(text), pos + 200)
