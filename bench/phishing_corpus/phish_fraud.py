"""Phishing that works on the reader: invoice, payment and CEO fraud, impersonation
of the company, IT or an agent, a known customer's name from a new address, Reply-To on
free mail, and reply-to-me fraud without a link."""

from __future__ import annotations

from . import files, lookalike, world
from .mime import Attachment, Mail
from .phish_kit import (
    OWN,
    _brand,
    _phish_page,
    _sender,
    fake_domain,
    fake_url,
    hosted_url,
)
from .text import client_html, money, order_no, pick

# --- invoice and payment fraud ----------------------------------------------------------


def invoice_fraud(rng, w, index) -> Mail:
    zh = rng.random() < 0.35
    vendor = (
        pick(
            rng,
            "Northwind Supplies Ltd",
            "Kestrel Print & Packaging",
            "Delta Cloud Hosting",
            "Brightline Consulting",
            "Meridian Facilities",
        )
        if not zh
        else pick(rng, "华信科技有限公司", "远航物流", "顺达印务", "蓝天办公用品")
    )
    amount = money(rng, 900, 48000, "¥" if zh else None)
    inv = order_no(rng)
    iban = (
        f"GB{rng.randint(10, 99)} {pick(rng, 'BARC', 'MONZ', 'REVO', 'LOYD')} "
        f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}"
    )
    variant = rng.choice(("overdue", "bank_change", "attached", "confirm"))
    link = ""
    if zh:
        subject, text = {
            "overdue": (
                pick(rng, f"发票 {inv} 逾期未付", "付款提醒"),
                f"您好，贵司 {inv} 号发票（金额 {amount}）已逾期，"
                "请尽快安排付款，以免影响后续合作。",
            ),
            "bank_change": (
                pick(rng, "银行账户变更通知", "关于我司收款账户变更"),
                "您好，因我司银行账户调整，自即日起请将货款汇入以下新账户：\n开户行："
                f"{pick(rng, '招商银行', '中国银行', '建设银行')}香港分行\n"
                f"账号：{rng.randint(10**15, 10**16)}\n原账户已停止使用，请勿再汇款。谢谢配合。",
            ),
            "attached": (
                pick(rng, "发票", f"{vendor} 电子发票", "本月对账单"),
                "您好，附件是本月的发票，请查收。",
            ),
            "confirm": (
                "付款确认",
                f"您好，请确认 {amount} 的款项今天能否安排？财务那边在等，谢谢。",
            ),
        }[variant]
    else:
        subject, text = {
            "overdue": (
                pick(
                    rng,
                    f"OVERDUE: Invoice {inv}",
                    f"Final notice - invoice {inv}",
                    f"Payment reminder {inv}",
                ),
                f"Dear Accounts,\n\nOur records show invoice {inv} for {amount} is now 30 days "
                f"overdue. Please arrange payment today to avoid late fees and suspension "
                f"of services.",
            ),
            "bank_change": (
                pick(
                    rng,
                    "Updated bank details",
                    "Change of remittance account",
                    "Important: new payment instructions",
                ),
                f"Hello,\n\nPlease note our bank details have changed due to an audit. "
                f"All future payments, including the outstanding {amount}, should go to:\n\n"
                f"Account name: {vendor}\nIBAN: {iban}\n\nPlease update your records and "
                f"confirm by reply. Do not use the old account.",
            ),
            "attached": (
                pick(rng, f"Invoice {inv}", f"{vendor} - Invoice attached", "Remittance advice"),
                pick(
                    rng,
                    "Hi, please find the invoice attached.",
                    f"Hello, attached is invoice {inv}. Kindly process at your earliest "
                    f"convenience.",
                    "Please see attached.",
                ),
            ),
            "confirm": (
                "Payment today?",
                f"Hi, can you confirm the {amount} transfer will go out "
                f"today? Our finance team is waiting.",
            ),
        }[variant]
    attachments = []
    if variant in ("attached", "overdue") and rng.random() < 0.7:
        kind = rng.choice(("html", "zip_exe", "pdf_link", "docm"))
        if kind == "html":
            attachments.append(
                Attachment(
                    f"Invoice_{inv.strip('#')}.html", "text/html", _phish_page(rng, zh).encode()
                )
            )
        elif kind == "zip_exe":
            attachments.append(
                Attachment(
                    f"Invoice_{inv.strip('#')}.zip",
                    "application/zip",
                    files.zip_of({f"Invoice_{inv.strip('#')}.pdf.exe": files.program(rng)}),
                )
            )
        elif kind == "docm":
            attachments.append(
                Attachment(
                    f"Invoice_{inv.strip('#')}.doc", "application/msword", files.macro_doc(rng)
                )
            )
        else:
            link = hosted_url(rng, "/invoice/view")
            attachments.append(
                Attachment(
                    f"Invoice-{inv.strip('#')}.pdf",
                    "application/pdf",
                    files.pdf(
                        [
                            vendor.encode("ascii", "replace").decode(),
                            f"Invoice {inv}",
                            f"Amount {amount}",
                            f"View and pay online: {link}",
                        ]
                    ),
                )
            )
    elif variant == "overdue" and rng.random() < 0.6:
        link = hosted_url(rng, "/invoice") if rng.random() < 0.5 else fake_url(rng, OWN[1])
        text += f"\n\n{'查看发票' if zh else 'View invoice'}: {link}"
    kind = pick(rng, "freemail", "hacked", "esp", "vps", "lookalike")
    if kind == "lookalike":
        domain = lookalike.ascii_host(fake_domain(rng, OWN[1]))
        addr, dkim, relay = f"{pick(rng, 'billing', 'accounts', 'finance')}@{domain}", domain, ""
    else:
        addr, dkim, relay = _sender(
            rng, kind, pick(rng, "accounts", "billing", "finance", "ar"), zh
        )
    mail = Mail(
        from_name=vendor if rng.random() < 0.7 else ("财务部" if zh else "Accounts Receivable"),
        from_addr=addr,
        subject=subject,
        text=text
        + "\n\n"
        + (pick(rng, "谢谢", "此致") if zh else pick(rng, "Regards,\nAccounts", "Best regards")),
        client=pick(rng, "outlook", "none", "phpmailer"),
        attachments=attachments,
        dkim_domain=dkim,
        relay=relay,
    )
    if rng.random() < 0.4:
        mail.reply_to = (
            f"{pick(rng, 'accounts', 'finance.dept', 'ar.team')}{rng.randint(1, 99)}@"
            f"{rng.choice(world.FREEMAIL)}"
        )
    if rng.random() < 0.5:
        mail.html = client_html(rng, mail.client, mail.text)
    return mail


def ceo_fraud(rng, w, index) -> Mail:
    zh = rng.random() < 0.35
    boss = (
        pick(rng, "James Carter", "Helen Marsh", "Robert Ellis", "Anna Kovacs")
        if not zh
        else pick(rng, "张总", "王建国", "李总", "陈董")
    )
    if zh:
        subject, text = pick(
            rng,
            ("在吗", "在吗？我在开会不方便接电话，有件事需要你马上处理一下，看到回我。"),
            ("急", "你现在方便吗？帮我买几张京东卡，客户那边要用，稍后报销。回复我这个邮箱。"),
            ("", "小王，下午有一笔款需要你先转一下，具体账户我发你。这事先别跟别人说。"),
            ("帮个忙", "方便的话加一下我的新微信，有事找你。"),
        )
    else:
        subject, text = pick(
            rng,
            (
                "Quick favour",
                "Are you at your desk? I need you to handle "
                "something for me discreetly. I'm in meetings all day so email only.",
            ),
            (
                "Gift cards",
                "I need 6 Apple gift cards ($100 each) for a client "
                "appreciation today. Scratch the backs and send me photos of the codes. "
                "I'll reimburse you.",
            ),
            (
                "Urgent wire",
                "We are closing an acquisition and I need a wire of "
                f"{money(rng, 9000, 60000, '$')} sent today. Keep this confidential. "
                "Reply and I'll send the details.",
            ),
            ("Request", "Hi, are you available? Reply when you see this."),
            ("", "Can you do me a quick favour?"),
        )
    name_local = boss.lower().replace(" ", ".") if not zh else f"boss{rng.randint(1, 99)}"
    domain = rng.choice(world.FREEMAIL_ZH if zh else world.FREEMAIL)
    mail = Mail(
        from_name=boss if rng.random() < 0.7 else f"{boss} (CEO)",
        subject=subject,
        from_addr=f"{name_local}{pick(rng, '', '.office', '.ceo', str(rng.randint(1, 99)))}"
        f"@{domain}",
        text=text
        + "\n\n"
        + (
            pick(rng, "发自我的手机", boss, "")
            if zh
            else pick(rng, "Sent from my iPhone", boss.split()[0], "")
        ),
        client=pick(rng, "iphone", "gmail", "qqmail" if zh else "outlook"),
        dkim_domain=domain,
    )
    if rng.random() < 0.3:
        mail.reply_to = f"{name_local}.private@{rng.choice(world.FREEMAIL)}"
    return mail


# --- who it claims to be ------------------------------------------------------------------


def impersonation(rng, w, index) -> Mail:
    zh = rng.random() < 0.3
    target = rng.choice(("it", "company", "agent"))
    if target == "it":
        name = (
            pick(
                rng,
                "IT Support",
                "IT Helpdesk",
                "IT Service Desk",
                "System Administrator",
                "Acme IT Department",
            )
            if not zh
            else pick(rng, "IT部", "信息技术部", "系统管理员", "技术支持")
        )
    elif target == "company":
        name = (
            pick(rng, "Acme Support", "Acme Support Team", "Acme Billing", "Acme Security", "Acme")
            if not zh
            else pick(rng, "Acme 客服中心", "Acme 安全团队", "Acme")
        )
    else:
        name = rng.choice(world.AGENTS)
    local = (
        name.lower().replace(" ", ".").encode("ascii", "ignore").decode().strip(".") or "it.support"
    )
    domain = rng.choice(world.FREEMAIL_ZH if zh and rng.random() < 0.7 else world.FREEMAIL)
    addr = f"{local}{pick(rng, '', '.desk', '.acme', str(rng.randint(1, 99)))}@{domain}"
    link = pick(rng, hosted_url(rng), fake_url(rng, OWN[0]), "")
    if zh:
        subject, body = pick(
            rng,
            ("密码到期提醒", "您的邮箱密码今天到期，请尽快更新。"),
            ("系统维护通知", "今晚系统维护，请提前登录确认账号，否则将无法使用。"),
            ("工单附件", "这个工单的附件请帮忙看一下，客户比较急。"),
            ("帮忙处理", "你好，我现在不方便登录后台，麻烦把这位客户的密码重置后把新密码发我。"),
        )
    else:
        subject, body = pick(
            rng,
            (
                "Password expiry notice",
                "Your network password expires in 24 hours. "
                "Update it now to avoid losing access to the ticket system.",
            ),
            (
                "Mandatory security update",
                "All support staff must install the "
                "security update today. Download it from the link below.",
            ),
            (
                "Can you look at this ticket?",
                "Hi, I'm out of the office and can't "
                "reach the console. Could you reset the password for customer "
                f"{rng.choice(w.customers).address} and send it to me here?",
            ),
            (
                "New MFA enrolment",
                "We are moving to a new MFA provider. Please "
                "re-register your device by signing in below.",
            ),
            (
                "Quick question",
                "Hi, are you on shift today? I need a hand with a customer's account, reply here.",
            ),
        )
    if link and ("link" in body or rng.random() < 0.5):
        body += f"\n\n{link}"
    sig = f"\n\n{name}\n" + ("Acme Ltd" if not zh else "")
    mail = Mail(
        from_name=name,
        from_addr=addr,
        subject=subject,
        text=body + sig,
        client=pick(rng, "gmail", "outlook", "qqmail" if zh else "iphone"),
        dkim_domain=domain,
    )
    if rng.random() < 0.3:
        mail.attachments.append(
            Attachment(
                pick(rng, "SecurityUpdate.zip", "ticket_5521.zip"),
                "application/zip",
                files.zip_of(
                    {pick(rng, "update.exe", "patch.scr", "readme.lnk"): files.program(rng)}
                ),
            )
        )
    if rng.random() < 0.5:
        mail.html = client_html(rng, mail.client, mail.text)
    return mail


def customer_impostor(rng, w, index) -> Mail:
    """A first-time sender using a known customer's name: the helpdesk's own weak spot."""
    victim = rng.choice(w.customers)
    zh = victim.zh
    if zh:
        domain = rng.choice(world.FREEMAIL_ZH)
        addr = f"{rng.choice(list(world.ZH_PINYIN.values()))}{rng.randint(1000, 99999)}@{domain}"
        subject, body = pick(
            rng,
            (
                "账号邮箱变更",
                "你好，我原来的邮箱不用了，麻烦把我账户的登录邮箱改成这个，并重置一下密码，谢谢。",
            ),
            (
                "退款账户",
                "您好，我上次的退款请打到我新的银行卡上：6222 "
                + str(rng.randint(10**11, 10**12))
                + "，谢谢。",
            ),
            ("发票", "你好，请把最近三个月的发票和账户信息发到这个邮箱。"),
        )
    else:
        domain = rng.choice(world.FREEMAIL)
        first, last = [*victim.name.split(), ""][:2]
        tail = pick(rng, ".new", "2026", ".personal", "1")
        addr = f"{first.lower()}.{last.lower().replace(chr(39), '')}{tail}@{domain}"
        subject, body = pick(
            rng,
            (
                "Change of email on my account",
                "Hi, this is my new address, I "
                "lost access to my old one. Please move my account to this email "
                "and send me a password reset link here.",
            ),
            (
                "Refund to a different card",
                "Hello, could you send my refund to a "
                "different card? My old one was cancelled. I'll reply with the number.",
            ),
            (
                "Invoice copies",
                "Hi, can you send me copies of our last invoices and "
                "the card on file? Our accountant needs them today.",
            ),
            (
                "Urgent - account access",
                "I'm travelling and can't get the 2FA codes. "
                "Please disable two-factor on my account so I can log in.",
            ),
        )
    mail = Mail(
        from_name=victim.name,
        from_addr=addr,
        subject=subject,
        text=body + "\n\n" + (victim.name if zh else victim.name.split()[0]),
        client=pick(rng, "gmail", "iphone", "qqmail" if zh else "outlook"),
        dkim_domain=domain,
    )
    return mail


def reply_to_freemail(rng, w, index) -> Mail:
    zh = rng.random() < 0.3
    brand = _brand(rng)[0] if rng.random() < 0.5 else world.COMPANY
    addr, dkim, relay = _sender(rng, pick(rng, "hacked", "esp", "vps"), zh=zh)
    reply = (
        f"{pick(rng, 'claims', 'payments', 'support', 'office', 'legal')}."
        f"{pick(rng, 'dept', 'desk', 'team')}{rng.randint(1, 999)}"
        f"@{rng.choice(world.FREEMAIL_ZH if zh else world.FREEMAIL)}"
    )
    if zh:
        subject, body = pick(
            rng,
            ("合作咨询", "您好，我司有一批订单想和贵司合作，详细报价请回复此邮件。"),
            ("中奖通知", "恭喜您获得年度客户回馈奖励，请回复您的姓名、电话和银行卡号领取。"),
            ("退款通知", "您的订单退款已审核通过，请回复银行卡号和开户行以便退款。"),
        )
    else:
        subject, body = pick(
            rng,
            (
                "Refund approved",
                f"Your refund of {money(rng)} from {brand} is approved. "
                "Reply with your card number and expiry date to receive it.",
            ),
            (
                "Business proposal",
                "Dear Sir/Madam, I have a confidential business "
                "proposal that will benefit both of us. Kindly reply for details.",
            ),
            (
                "Legal notice",
                f"A claim has been filed against your {brand} account. "
                "Reply within 24 hours to avoid legal action.",
            ),
            (
                "Partnership",
                f"Hello, we would like to become a reseller of {brand}. "
                "Please reply to our procurement desk with your price list.",
            ),
        )
    mail = Mail(
        from_name=pick(
            rng, brand, f"{brand} Claims", "Customer Service", "客服" if zh else "Office"
        ),
        from_addr=addr,
        subject=subject,
        text=body,
        reply_to=reply,
        client=pick(rng, "phpmailer", "none"),
        dkim_domain=dkim,
        relay=relay,
    )
    if rng.random() < 0.3:
        mail.return_path = reply
    return mail


def no_link_fraud(rng, w, index) -> Mail:
    """Reply-to-me fraud: no link, no attachment, polite, short, few tell-tale words."""
    zh = rng.random() < 0.6
    if zh:
        subject, body = pick(
            rng,
            ("你好", "您好，我是贵司的老客户，有一笔款项想咨询一下，方便的话请回复一下，谢谢。"),
            ("咨询", "你好，请问负责财务的同事是哪位？有份资料需要对接。"),
            ("合作", "您好，冒昧打扰。我们这边有个项目想和贵司合作，请留个联系方式。"),
            ("银行", "您好，我这边是银行对公业务部，贵司账户需要更新信息，请回复联系人和电话。"),
            ("快递", "你好，有一个寄给贵司的快递地址不全，麻烦回复一下收件人电话。"),
        )
        domain = rng.choice(world.FREEMAIL_ZH)
        name = pick(rng, "王经理", "刘先生", "李女士", "陈主任", "")
        addr = f"{rng.choice(list(world.ZH_PINYIN.values()))}{rng.randint(100, 99999)}@{domain}"
    else:
        subject, body = pick(
            rng,
            (
                "Hello",
                "Hi, I have a quick question about an outstanding payment. "
                "Could you reply with the best contact in accounts?",
            ),
            (
                "Following up",
                "Just following up on my previous email. Please get back to me when you can.",
            ),
            ("Quick one", "Could you confirm who handles vendor payments there? Thanks."),
            ("Re:", "Thanks for getting back to me. Can you share a direct phone number?"),
        )
        domain = rng.choice(world.FREEMAIL)
        name = pick(rng, "David Brooks", "Sarah Kim", "Michael Grant", "")
        local = pick(rng, "d.brooks", "sarah.k", "mgrant", "accounts.dept")
        addr = f"{local}{rng.randint(1, 999)}@{domain}"
    return Mail(
        from_name=name,
        from_addr=addr,
        subject=subject,
        text=body,
        client=pick(rng, "gmail", "qqmail" if zh else "outlook", "iphone"),
        dkim_domain=domain,
        reply_to=f"{addr.split('@')[0]}.{rng.randint(1, 99)}@{rng.choice(world.FREEMAIL)}"
        if rng.random() < 0.5
        else "",
    )
