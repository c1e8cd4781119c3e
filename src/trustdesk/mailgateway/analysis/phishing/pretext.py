"""First contact that only opens a door: fraud without a link, an attachment or a lie a
gateway could check.

Business-email compromise and its Chinese twins start with a short, polite note from an
address the helpdesk has never seen: *are you available?*, *who handles vendor
payments?*, *send me a direct number*, *buy six gift cards*, *this is the bank, reply
with a contact and phone*. Nothing in it is false on its face; what gives it away is who
asks (a stranger, usually on free mail) and that every sentence moves the conversation
towards money or off the helpdesk's channel (FBI IC3's BEC advisories list exactly these
openers; APWG and China's anti-fraud centre (国家反诈中心) publish the Chinese forms).

So the signal counts *kinds* of such requests in the writer's own words (quoted lines
are someone else's): each kind has its points, summed and capped; free mail adds to it,
a customer the helpdesk knows, its own domains, mailing lists and bulk mail take it
away; when the context did not look the sender up (``Context.knows_senders``), every
sender looks new and the points are halved. One kind alone stays below a warning (a
real customer asks "are you available?" or for a phone number); two kinds, or one with
another sign (a Reply-To on free mail, a "Re:" that answers nothing), warn.

``fake_reply``: a subject starting "Re:" or "回复:" with no In-Reply-To or References,
from a stranger on free mail — a reply to a conversation that never took place, the
oldest trick for looking expected (SpamAssassin's FAKE_REPLY rules). Mail from companies'
own servers is left alone: old gateways strip those headers.
"""

from __future__ import annotations

import re
import unicodedata

from trustdesk.mailgateway.analysis.phishing import tables
from trustdesk.mailgateway.analysis.phishing.base import (
    Context,
    MailView,
    Reason,
    Signal,
    name_key,
    org_of,
)
from trustdesk.mailgateway.analysis.phishing.senders import domain_of

MAX_TEXT = 8_000  # openers are short; a long message is something else
_I = re.IGNORECASE
_S = r"[^.?!\n。？！]"  # within one sentence

# kind -> (points, what it asks in plain words, patterns)
KINDS: dict[str, tuple[int, str, tuple[re.Pattern, ...]]] = {
    "finance_contact": (20, "who handles payments or finance", tuple(re.compile(p, _I) for p in (
        rf"\bwho(?:m)?\b{_S}{{0,30}}\b(?:handles?|handling|manages?|is in charge of|is "
        rf"responsible for|deals? with|looks? after|processes|approves?)\b{_S}{{0,30}}\b"
        r"(?:payments?|invoices?|payables|finance|accounts|billing|wires?|transfers?|payroll)\b",
        rf"\b(?:best|right|correct|direct)\s+(?:contact|person|email)\b{_S}{{0,20}}\b(?:in|for|"
        r"at|on)\b\s+(?:the\s+)?(?:accounts?|finance|billing|payroll|payments?|accounting)\b",
        r"\b(?:contact|e-?mail|details|name)\s+(?:of|for)\s+(?:your|the)\s+(?:finance|accounts?"
        r"(?: payable)?|accounting|payroll|billing)\s+(?:team|department|dept|manager|person|"
        r"contact|officer)\b",
        r"(?:负责|管|处理)(?:财务|付款|账务|采购|对账|结算)(?:的)?(?:同事|人|负责人|部门)",
        r"财务(?:负责人|同事|部门|人员)(?:是)?(?:哪位|谁|的联系方式|的邮箱|的电话)",
        r"对接(?:一下)?财务",
    ))),
    "off_channel": (20, "a direct or private way to reach someone", tuple(
        re.compile(p, _I) for p in (
            rf"\b(?:share|send|give|provide|text|forward)\b{_S}{{0,20}}\b(?:direct|personal|"
            rf"private|mobile|cell|whatsapp|telegram)\b{_S}{{0,15}}\b(?:number|line|phone|"
            r"contact|e-?mail)\b",
            r"\b(?:whatsapp|telegram) me\b",
            r"\breach me (?:on|at|via) (?:whatsapp|telegram|my (?:personal|private|cell|mobile))",
            r"留(?:个|下|一下)?(?:您的|你的)?(?:联系方式|电话|手机|微信)",
            r"加(?:一下)?(?:我的?)?(?:新)?(?:微信|QQ|WhatsApp)",
            r"回复(?:一下)?(?:联系人|负责人|收件人)?(?:和|及|的)?(?:电话|手机号?|联系方式)",
        ))),
    "availability": (15, "whether the reader is free for a task", tuple(
        re.compile(p, _I) for p in (
            r"\bare you (?:available|at your desk|in the office)\b",
            r"\bdo you have a (?:minute|moment|second)\b",
            r"\breply (?:when|once|as soon as) you (?:see|get|read) this\b",
            r"\b(?:can|could|would) you do me a (?:quick |small )?fav(?:ou)?r\b",
            r"\bi need (?:a|you to do a) (?:quick |small )?fav(?:ou)?r\b",
            r"(?:^|[\s，,])在吗",
            r"(?:你|您)现在方便吗",
            r"看到(?:请|后)?回(?:我|复)",
            r"帮(?:我)?(?:个|一个)忙",
            r"有(?:件|个)事(?:情)?(?:需要|要|想)(?:你|您)",
        ))),
    # A shop's customer buys gift cards too; the scam wants them bought *for* the writer,
    # the codes sent back and a promise to pay it back.
    "gift_cards": (30, "gift cards or their codes", tuple(re.compile(p, _I | re.DOTALL) for p in (
        r"\bgift ?cards?\b.{0,200}?(?:\bscratch|\bphotos? of\b|\bpictures? of\b|"
        r"\breimburse|\bpay you back\b|\bsend (?:me )?(?:the|all the) codes\b)",
        r"(?:\bscratch|\bphotos? of\b|\bpictures? of\b|\breimburse|\bpay you back\b)"
        r".{0,200}?\bgift ?cards?\b",
        rf"\b(?:can|could|would) you\b{_S}{{0,20}}\b(?:buy|purchase|get|pick up|grab)\b"
        rf"{_S}{{0,30}}\bgift ?cards?\b",
        r"(?:帮我|替我|你去|您去)(?:买|购买|采购)[^。\n]{0,8}(?:京东卡|购物卡|充值卡|礼品卡|苹果卡|"
        r"iTunes卡|话费卡|油卡)",
        r"(?:卡号|卡密)(?:和|及)?(?:密码)?(?:拍照|发给我|发我)",
    ))),
    "institution": (25, "contact, claiming to be a bank or an authority", tuple(
        re.compile(p, _I) for p in (
            r"\b(?:this is|i am|i'm|we are|writing from|on behalf of)\s+(?:the\s+|your\s+)?"
            r"(?:bank|tax (?:office|authority)|irs|hmrc|police|court|customs|ministry|"
            r"government)\b",
            r"(?:我(?:这边|们)?是|这里是|我方是)[^。，,\n]{0,8}(?:银行|税务局|公安|派出所|法院|"
            r"海关|社保|政府|监管)",
        ))),
}
# Institutions do not write from free mail; from their own domain this kind says nothing.
FREE_ONLY = frozenset({"institution"})
FREE_MAIL = 10
CAP = 45

_EARLIER = re.compile(
    r"\b(?:following up on|as per|further to|regarding|re) my (?:previous|last|earlier|prior) "
    r"(?:e-?mail|message|mail)\b|\bdid you (?:get|receive|see) my (?:previous|last|earlier) "
    r"(?:e-?mail|message)\b|(?:我|本人)(?:之前|上次|前几天)(?:发|给您发|给你发)的(?:邮件|信)",
    re.IGNORECASE)
_RE = re.compile(r"^\s*(?:re|aw|sv|antw)\s*[:：]|^\s*(?:回复|答复)\s*[:：]", re.IGNORECASE)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _own_words(mail: MailView) -> str:
    lines = [line for line in mail.text.splitlines() if not line.lstrip().startswith(">")]
    text = f"{mail.parsed.subject}\n" + "\n".join(lines)
    return unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)[:MAX_TEXT]


def _stranger(mail: MailView, context: Context) -> bool:
    """Neither a known customer, nor the helpdesk itself, nor a list or bulk sender."""
    parsed = mail.parsed
    address = parsed.from_address
    if not address or parsed.list_id or parsed.bulk:
        return False
    if address in context.known_addresses:
        return False
    return org_of(domain_of(address)) not in context.own_orgs


def _on_free_mail(mail: MailView) -> bool:
    parsed = mail.parsed
    return tables.is_freemail(domain_of(parsed.from_address)) or any(
        tables.is_freemail(domain_of(a)) for a in parsed.reply_to[:3])


class Pretext(Signal):
    name = "pretext"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        if not _stranger(mail, context):
            return []
        text = _own_words(mail)
        free = _on_free_mail(mail)
        found = [(points, what) for kind, (points, what, patterns) in KINDS.items()
                 if (free or kind not in FREE_ONLY) and any(p.search(text) for p in patterns)]
        if not found:
            return []
        weight = min(CAP, sum(points for points, _ in found) + (FREE_MAIL if free else 0))
        if not context.knows_senders:
            weight //= 2  # "first-time" is a guess: every sender looks new
        asks = "; ".join(what for _, what in found)
        where = " on free mail" if free else ""
        return [Reason(self.name, weight, f"A first-time sender{where} asks for: {asks}. "
                       "This is how payment and impersonation fraud opens; answer only "
                       "through the helpdesk and verify who they are first.")]


class FakeReply(Signal):
    name = "fake_reply"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        parsed = mail.parsed
        if parsed.in_reply_to or parsed.references or not _stranger(mail, context):
            return []
        if not tables.is_freemail(domain_of(parsed.from_address)):
            return []
        # A customer's own name on a second address is the customer_name_new_address
        # signal's question; a hand-typed "Re:" from them is not a second sign.
        shown = name_key(parsed.from_name)
        if shown and shown in context.customer_name_keys:
            return []
        weight = 15 if context.knows_senders else 7  # as in Pretext: "first-time" a guess
        if _RE.match(parsed.subject or ""):
            return [Reason(self.name, weight, f"The subject \u201c{parsed.subject[:60]}\u201d "
                           "answers a message, but this first-time sender's mail refers to "
                           "no earlier message.")]
        if _EARLIER.search(_own_words(mail)):
            return [Reason(self.name, weight, "The message follows up an earlier one, but this "
                           "first-time sender's mail refers to no earlier message.")]
        return []


SIGNALS = (Pretext, FakeReply)
