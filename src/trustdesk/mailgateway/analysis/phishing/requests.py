"""Requests aimed at a helpdesk's own weak spot: taking over a customer's account.

An impostor writes as a customer and asks the agent to move the account to a new
address, send a password reset or a code "here", refund to a different card, turn off
two-factor, or send the account's details or invoices to this address. A real customer
asks the same now and then, from the address the helpdesk knows; from an address it has
never seen, the request is the attack (the agent should verify the caller first). So the
same words weigh little from a known customer's address (12) and enough for a warning on
their own from an unknown one (35); 20 when the context cannot tell (it did not look the
sender up: ``Context.knows_senders``). Quoted lines (``>``) are someone else's words.
"""

from __future__ import annotations

import re
import unicodedata

from trustdesk.mailgateway.analysis.phishing.base import Context, MailView, Reason, Signal

_EN = (
    # Move the account's login or contact details to the writer's new address.
    r"\b(?:change|update|move|switch|transfer)\b[^.\n]{0,40}\b(?:e-?mail|login|address|phone"
    r"(?: number)?|number)\b[^.\n]{0,40}\b(?:to|on)\b[^.\n]{0,25}\b(?:this|my new|the new)\b",
    r"\b(?:move|transfer|switch)\b[^.\n]{0,20}\bmy account\b[^.\n]{0,30}\bto\b",
    r"\bthis is my new (?:e-?mail|address|number)\b",
    # Send a way in to "here".
    r"\bsend\b[^.\n]{0,30}\b(?:password )?(?:reset|recovery|verification|login) "
    r"(?:link|code|e-?mail)\b[^.\n]{0,30}\b(?:here|to this|this address|to me)\b",
    r"\b(?:disable|turn off|remove|switch off)\b[^.\n]{0,20}\b(?:two[- ]factor|2fa|mfa|"
    r"two[- ]step|verification)\b",
    # Money to somewhere new.
    r"\brefund\b[^.\n]{0,40}\b(?:different|new|another|other)\b[^.\n]{0,15}\b(?:card|account"
    r"|bank)\b",
    # The account's data to this address.
    r"\bsend\b[^.\n]{0,40}\b(?:card on file|account details|account information|"
    r"invoices?|statements?)\b[^.\n]{0,40}\b(?:here|this (?:e-?mail|address)|to me)\b",
    r"\bsend (?:me|us)\b[^.\n]{0,50}\b(?:card on file|account details|account information|"
    r"card details|saved card)\b",
)
_ZH = (
    r"(?:邮箱|手机|手机号|登录邮箱|绑定邮箱|绑定手机)(?:号)?(?:改成|改为|换成|更换为|变更为)",
    r"(?:改成|换成|更换为|改为)(?:这个|我新的|新的)(?:邮箱|手机号|手机|号码)",
    r"(?:验证码|重置链接|密码)(?:发到|发送到|发给)(?:这个|我(?:的)?新)",
    r"(?:关闭|取消|解除)(?:一下)?(?:两步验证|二次验证|双重验证|短信验证)",
    r"退款(?:请)?(?:打到|退到|转到)(?:我)?(?:新的|另一张|另外一张|这张)",
    r"(?:发票|账户信息|账号信息|银行卡信息)(?:和[^。\n]{0,10})?(?:发到|发送到)(?:这个)?(?:邮箱|地址)",
)
_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (*_EN, *_ZH))
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
MAX_TEXT = 20_000


def _own_words(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    joined = unicodedata.normalize("NFKC", "\n".join(lines)).translate(_ZERO_WIDTH)
    return re.sub(r"[ \t]+", " ", joined)[:MAX_TEXT]


class AccountChangeRequest(Signal):
    name = "account_change_request"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        text = _own_words(f"{mail.parsed.subject}\n{mail.text}")
        if not any(p.search(text) for p in _PATTERNS):
            return []
        address = mail.parsed.from_address
        known = address and address in context.known_addresses
        if known:
            return [Reason(self.name, 12, "The message asks to change how the account is "
                           "reached or paid, or to send its details; it comes from the "
                           "customer's known address.")]
        if not context.knows_senders:
            return [Reason(self.name, 20, "The message asks to change how an account is "
                           "reached or paid (a new address, a reset link sent here, a refund "
                           "to another card, two-factor turned off) or to send its details: "
                           "verify the customer before doing it.")]
        return [Reason(self.name, 35, "The message asks to change how an account is reached "
                       "or paid (a new address, a reset link sent here, a refund to another "
                       "card, two-factor turned off) or to send its details, from an address "
                       "the helpdesk has never seen: verify the customer before doing it.")]


SIGNALS = (AccountChangeRequest,)
