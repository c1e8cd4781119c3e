"""Ordinary mail from people: customers, their replies in threads, auto-replies and
invitations, colleagues."""

from __future__ import annotations

import random

from . import files, mime, world
from .mime import Attachment, Mail
from .text import client_html, money, order_no, pick, quote

SITE, SUPPORT = world.SITE, world.SUPPORT


def _client(rng: random.Random, person: world.Person) -> str:
    d = person.domain
    if d == "gmail.com":
        return "gmail"
    if d in ("outlook.com", "hotmail.com"):
        return "outlook"
    if d == "icloud.com":
        return pick(rng, "apple", "iphone")
    if d in ("qq.com", "foxmail.com"):
        return pick(rng, "qqmail", "foxmail")
    if person.zh:
        return pick(rng, "foxmail", "outlook", "none")
    return pick(rng, "outlook", "thunderbird", "apple", "iphone", "none")


def _customer(rng: random.Random, w: world.World, *, zh: bool | None = None) -> world.Person:
    pool = w.customers if rng.random() < 0.8 else w.newcomers
    if zh is not None:
        pool = [p for p in pool if p.zh == zh] or pool
    return rng.choice(pool)


def _signed(person: world.Person) -> str:
    """The DKIM domain of a person's mail: free-mail providers sign everything, most
    organisations do (a fixed two in three of them, by name), some do not."""
    d = person.domain
    signs = d in world.FREEMAIL + world.FREEMAIL_ZH or sum(d.encode()) % 3 != 0
    return d if signs else ""


def _own_url(rng: random.Random) -> str:
    return pick(
        rng,
        f"https://{SITE}/account/login",
        f"https://{SITE}/orders/{rng.randint(1000, 99999)}",
        f"https://{SITE}/pricing",
        f"https://{SITE}/help/articles/{rng.randint(100, 999)}",
        f"https://app.{SITE}/settings/billing",
        f"https://{SITE}/password/reset",
        f"https://{SITE}/checkout?cart={rng.getrandbits(32):08x}",
    )


def _customer_mail(rng, w, person, subject, body, *, attach=None) -> Mail:
    client = _client(rng, person)
    closing = (
        pick(
            rng,
            "Thanks",
            "Thanks in advance",
            "Best regards",
            "Kind regards",
            "Cheers",
            "Many thanks",
            "Regards",
        )
        if not person.zh
        else pick(rng, "谢谢", "谢谢！", "麻烦了", "辛苦了", "多谢")
    )
    first = person.name.split()[0] if not person.zh else person.name
    text = f"{body}\n\n{closing},\n{first}\n"
    if rng.random() < 0.3 and client in ("iphone",):
        text += "\nSent from my iPhone\n"
    html_part = (
        client_html(rng, client, text)
        if client not in ("none", "thunderbird") or rng.random() < 0.3
        else ""
    )
    charset = "gb18030" if person.zh and client == "foxmail" and rng.random() < 0.6 else "utf-8"
    return Mail(
        from_name=person.name,
        from_addr=person.address,
        subject=subject,
        text=text,
        html=html_part,
        client=client,
        attachments=attach or [],
        dkim_domain=_signed(person),
        charset=charset,
    )


EN_ACCOUNT = (
    (
        "I forgot my password",
        "Hi,\n\nI forgot my password and the reset email never arrives. "
        "I've checked my spam folder. Can you help me get back into my account?",
    ),
    (
        "Can't log in",
        "Hello,\n\nI can't log in since this morning. It says my password is "
        "wrong but I haven't changed it. I tried {url} and it just reloads the page.",
    ),
    (
        "Locked out of my account",
        "Hi there, I think my account got locked after too many "
        "attempts. Could you unlock it? My username is the address I'm writing from.",
    ),
    (
        "Password reset link expired",
        "The password reset link you sent expired before I could "
        "use it. Could you send a new one? I'm on {url}",
    ),
    (
        "2FA not working",
        "Hi, I got a new phone and now the verification codes don't work. "
        "How can I sign in and set up two-factor authentication again?",
    ),
    (
        "Login problem",
        "hi, login not working on the app, works on the website. "
        "Please verify my account is ok? screenshot attached",
    ),
    (
        "Changed email address",
        "I need to change the email address on my account, "
        "I no longer have access to my old one. What do you need from me to verify it's me?",
    ),
)
EN_PAYMENT = (
    (
        "PayPal payment not going through",
        "Hi, I tried to pay with PayPal but it keeps saying 'we couldn't verify your "
        "payment'. I logged into PayPal and everything looks fine. Can I pay by card instead?",
    ),
    (
        "Apple Pay declined",
        "Hello, Apple Pay was declined at checkout on {url} - is there a problem on your "
        "side? My Microsoft account subscription renewed fine with the same card.",
    ),
    (
        "My payment failed",
        "Hello,\n\nMy payment failed twice today with the message 'card "
        "declined' but my bank says there's no problem. Order {order}, amount {money}. "
        "Could you check?",
    ),
    (
        "Charged twice",
        "Hi, I was charged twice for my subscription this month ({money} each). "
        "Please refund one of them. Invoice attached.",
    ),
    (
        "Refund request",
        "Hi,\n\nI'd like a refund for order {order}. The item arrived "
        "damaged. I paid by credit card. How long does the refund take?",
    ),
    (
        "Invoice question",
        "Hello, the invoice you sent me ({order}) shows the wrong VAT number "
        "for our company. Could you issue a corrected invoice? Attached is the one I received.",
    ),
    (
        "Update billing details",
        "Hi, our company card changed. Where do I update the "
        "payment method? Is it {url} ? I don't see the option.",
    ),
    (
        "Payment confirmation",
        "I paid the overdue invoice {order} yesterday by bank transfer, "
        "can you confirm you received the payment so the account isn't suspended?",
    ),
)
EN_QUESTION = (
    (
        "Question about the Pro plan",
        "Hi, does the Pro plan include API access? The page at "
        "{url} doesn't say. We're about 12 users.",
    ),
    ("Export my data", "Hello, how can I export all my data as CSV? I looked in settings."),
    (
        "Feature request",
        "Would it be possible to add dark mode to the dashboard? "
        "Our team works late and would love it.",
    ),
    (
        "Delivery address",
        "Hi, I made a typo in my delivery address for order {order}. "
        "Can you change it to 14 Harbour Street before it ships?",
    ),
    (
        "Error on checkout",
        "Getting 'something went wrong' on {url} when I click pay. "
        "Screenshot attached. Chrome on Windows.",
    ),
    (
        "Cancel subscription",
        "Please cancel my subscription at the end of this billing period. Thanks for the service.",
    ),
    (
        "Urgent: site down?",
        "Is the site down? I get a 502 error on {url} since 10 minutes. "
        "We have a deadline today, please reply asap.",
    ),
    (
        "Account verification email",
        "I signed up yesterday but never got the email to verify my account. Could you resend it?",
    ),
)
ZH_ACCOUNT = (
    ("登录不了", "你好，我的账号登录不了，一直提示密码错误，但是我没有改过密码。请帮忙看一下。"),
    ("忘记密码", "您好，我忘记密码了，重置密码的邮件一直收不到，垃圾箱也看过了。"),
    ("账号被锁定", "客服你好，我的账户好像被锁定了，输错了几次密码。能帮我解锁吗？"),
    ("验证码收不到", "你好，登录的时候手机验证码一直收不到，换了号码怎么办？"),
    ("请问怎么修改邮箱", "您好，请问账户绑定的邮箱怎么修改？我在 {url} 没有找到。"),
)
ZH_PAYMENT = (
    (
        "支付宝付款失败",
        "你好，用支付宝付款时提示\u201c账户存在风险，请验证身份\u201d，验证了还是付不了，请问怎么回事？",
    ),
    (
        "我已经付款了",
        "你好，我已经付款了，订单号 {order}，但是订单状态还是显示未支付。麻烦查一下。",
    ),
    ("请问怎么退款", "您好，请问怎么退款？订单 {order} 的商品不合适，想退货退款。"),
    ("发票问题", "你好，我需要开增值税专用发票，公司抬头和税号如下，请问发票多久能开好？"),
    ("重复扣款", "您好，这个月被扣了两次费用，每次 {money}，请帮忙退回一笔。截图在附件。"),
    ("支付失败", "你好，用支付宝付款一直失败，提示\u201c支付异常\u201d，换了银行卡也不行。"),
)
ZH_QUESTION = (
    ("咨询一下套餐", "你好，想问一下企业版和专业版有什么区别？我们大概二十个人用。"),
    ("发货时间", "请问订单 {order} 什么时候发货？已经三天了。"),
    ("导出数据", "您好，请问怎么把数据导出成 Excel？"),
    ("网站打不开", "你好，{url} 打不开，显示 502 错误，是不是服务器有问题？比较急，谢谢。"),
)


def customer(rng: random.Random, w: world.World, kind: str) -> tuple[str, Mail]:
    zh = rng.random() < 0.3
    person = _customer(rng, w, zh=zh)
    table = {
        ("account", False): EN_ACCOUNT,
        ("account", True): ZH_ACCOUNT,
        ("payment", False): EN_PAYMENT,
        ("payment", True): ZH_PAYMENT,
        ("question", False): EN_QUESTION,
        ("question", True): ZH_QUESTION,
    }[(kind, zh)]
    subject, body = rng.choice(table)
    body = body.format(url=_own_url(rng), order=order_no(rng), money=money(rng))
    if rng.random() < 0.3 and not zh:
        subject = subject.lower() if rng.random() < 0.5 else subject
    attach = []
    if "attach" in body or "附件" in body or rng.random() < 0.15:
        attach.append(
            Attachment(
                pick(
                    rng,
                    "screenshot.png",
                    "Screenshot 2026-11-02 at 09.14.png",
                    "image001.png",
                    "IMG_4471.PNG",
                    "截图.png",
                ),
                "image/png",
                files.png(rng),
            )
        )
    if kind == "question" and rng.random() < 0.15:  # what customers attach besides images
        stem = pick(rng, "logs", "export", "users", "report")
        if rng.random() < 0.5:
            data = files.zip_of(
                {
                    f"{stem}-{d}.txt": f"2026-11-0{d} INFO request ok\n".encode() * 40
                    for d in range(1, rng.randint(2, 5))
                }
            )
            attach.append(Attachment(f"{stem}.zip", "application/zip", data))
        else:
            attach.append(
                Attachment(
                    f"{stem}.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    files.xlsx(rng),
                )
            )
    if kind == "payment" and ("nvoice" in body or rng.random() < 0.2):
        attach.append(
            Attachment(
                f"Acme-Invoice-{rng.randint(10000, 99999)}.pdf",
                "application/pdf",
                files.pdf(
                    [
                        "Acme Ltd - Invoice",
                        f"Amount due: {money(rng)}",
                        f"Customer: {person.name.encode('ascii', 'replace').decode()}",
                        "Pay at https://acme.example/billing",
                    ]
                ),
            )
        )
    return f"customer_{kind}", _customer_mail(rng, w, person, subject, body, attach=attach)


def second_address(rng, w, index) -> tuple[str, Mail]:
    """A known customer from an address the helpdesk has not seen: says so, and asks an
    ordinary question (not to move the account)."""
    known = rng.choice(w.customers)
    person = w.second_address(rng, known)
    if person.zh:
        subject, body = pick(
            rng,
            (
                "咨询",
                "你好，我用私人邮箱发的，公司邮箱今天登录不上。想问一下订单 {order} 什么时候发货？",
            ),
            ("发票", "您好，这是我的个人邮箱。上个月的发票能再发一份到我原来的邮箱吗？"),
        )
    else:
        subject, body = pick(
            rng,
            (
                "Question from my personal address",
                "Hi, writing from my personal email as our work "
                "mail is down today. Has order {order} shipped yet?",
            ),
            (
                "Re: renewal",
                "Hello, this is my home address, sorry. Could you send the renewal "
                "quote to my usual work address? Nothing else needs to change.",
            ),
            ("Pricing", "Hi, quick question from my phone: does the Pro plan include API access?"),
        )
    body = body.format(order=order_no(rng))
    return "customer_second_address", _customer_mail(rng, w, person, subject, body)


def customer_it(rng, w, index) -> tuple[str, Mail]:
    """A customer's own IT or security team: role names in the display name, words about
    passwords, SSO and phishing — from their own domain, about their own set-up."""
    domain = rng.choice(world.CUSTOMER_ORGS)
    org = domain.split(".")[0].replace("-", " ").title()
    name = pick(
        rng, f"{org} IT", f"{org} IT Support", f"{org} Security Team", "IT Helpdesk", "Service Desk"
    )
    local = pick(rng, "it", "itsupport", "security", "servicedesk", "helpdesk")
    subject, body = pick(
        rng,
        (
            "SSO set-up",
            "Hello, we'd like to enable SAML single sign-on for our users. Our IdP "
            "metadata is at https://login.{domain}/saml/metadata. What do you need from us?",
        ),
        (
            "Is this email from you?",
            "Our security team received an email claiming to be from "
            "Acme asking users to verify their password. We blocked it. Can you confirm you did "
            "not send a password reset campaign this week?",
        ),
        (
            "Allow-list your sending IPs",
            "Hi, our mail filter quarantined your ticket "
            "notifications. Please send us your sending IP ranges and DKIM selector.",
        ),
        (
            "Offboarding a user",
            "Please remove the account of a former employee from our "
            "organisation and transfer their tickets to the IT mailbox.",
        ),
        (
            "Password policy question",
            "Does your platform support enforcing a 14-character "
            "minimum password and MFA for all our users? Our auditors asked.",
        ),
    )
    body = body.replace("{domain}", domain)
    mail = Mail(
        from_name=name,
        from_addr=f"{local}@{domain}",
        subject=subject,
        text=f"{body}\n\nRegards,\n{name}\n",
        client="outlook",
        dkim_domain=domain,
    )
    mail.html = client_html(rng, "outlook", mail.text)
    return "customer_it", mail


def thread_reply(rng, w, index) -> tuple[str, Mail]:
    person = _customer(rng, w)
    agent = rng.choice(world.AGENTS)
    ticket = rng.randint(1000, 99999)
    if person.zh:
        earlier = (
            f"您好，\n\n感谢您的耐心。请您在 https://{SITE}/account 中重新设置一次密码，"
            f"然后告诉我们结果。\n\n{agent}\nAcme 客服"
        )
        body = pick(
            rng,
            "好的，已经可以登录了，谢谢！",
            "还是不行，我按照你说的做了，还是提示错误。",
            "收到，我明天再试一下。",
            "已经付款了，请查收。",
        )
        header = f"在 2026年11月1日，{agent} <{SUPPORT}> 写道："
    else:
        earlier = (
            f"Hi {person.name.split()[0]},\n\nThanks for your patience. Could you try "
            f"resetting your password at https://{SITE}/password/reset and let us know "
            f"if the link arrives?\n\nBest,\n{agent}\nAcme Support\n"
            f"Ticket #{ticket}: https://acme-support.example/t/{ticket}"
        )
        body = pick(
            rng,
            "That worked, thank you so much!",
            "Still not working, I did what you said and I get the same error.",
            "Thanks, the refund arrived today.",
            "OK I'll try again tonight and let you know.",
            "Sorry for the late reply. Yes, please go ahead and cancel it.",
            "Great, and can you also send me the invoice for last month?",
        )
        header = f"On Sun, 1 Nov 2026 at 16:{rng.randint(10, 59)}, {agent} <{SUPPORT}> wrote:"
    mail = _customer_mail(rng, w, person, "", body)
    mail.subject = pick(rng, "Re: ", "RE: ", "Re: Re: ", "回复：" if person.zh else "Re: ") + pick(
        rng,
        f"[Ticket #{ticket}] Your request",
        "Can't log in",
        "Refund",
        f"Your request #{ticket}",
        "Invoice question",
    )
    mid = f"<ticket-{ticket}-{rng.getrandbits(32):08x}@acme-support.example>"
    mail.in_reply_to = mid
    mail.references = mid
    mail.text = mail.text + f"\n{header}\n{quote(earlier)}\n"
    if mail.html:  # a company on Office 365 quotes our links behind Safe Links
        wrapped = mail.client == "outlook" and person.domain in world.CUSTOMER_ORGS
        mail.html = client_html(rng, mail.client, mail.text, safelinks=wrapped)
    return "thread_reply", mail


def colleague(rng, w, index) -> tuple[str, Mail]:
    agent = rng.choice(world.AGENTS)
    local = agent.lower().replace(" ", ".")
    subject, body = rng.choice(
        (
            (
                "Shift swap Friday",
                "Hi team, can someone take my Friday late shift? I'll take a Monday in return.",
            ),
            (
                "Macro for refund replies",
                "I updated the refund macro, please use the new one from "
                f"https://acme-support.example/macros/{rng.randint(10, 99)}",
            ),
            (
                "Fwd: customer escalation",
                "Forwarding this one, the customer asked for a call back. "
                "Can someone from billing pick it up?",
            ),
            (
                "Password manager rollout",
                "Reminder: IT is rolling out the new password manager "
                "this week. Do not share passwords by email; use the vault.",
            ),
            ("交接", "今天的工单我已经处理到 #5521，剩下的麻烦你们跟进一下。"),
            (
                "Queue dashboard",
                "The queue dashboard moved to the internal server: "
                f"http://10.20.0.{rng.randint(2, 250)}:3000/d/queue?orgId=1 (VPN needed).",
            ),
        )
    )
    mail = Mail(
        from_name=agent,
        from_addr=f"{local}@acme-support.example",
        subject=subject,
        text=f"{body}\n\n{agent.split()[0]}\n",
        client="outlook",
        dkim_domain="acme-support.example",
        relay="mail.acme-support.example",
    )
    mail.html = client_html(rng, "outlook", mail.text)
    return "colleague", mail


def auto_reply(rng, w, index) -> tuple[str, Mail]:
    person = _customer(rng, w)
    back = pick(rng, "Monday 9 November", "14 November", "after the holidays")
    if person.zh:
        subject, text = pick(
            rng,
            ("自动回复：您的请求", f"我正在休假，{back}回来。如有急事请联系同事。"),
            ("自动回复: Re: 订单问题", "您好，邮件已收到，我会尽快回复。"),
        )
    else:
        subject = pick(
            rng,
            "Automatic reply: Your request",
            "Out of Office: Re: Invoice question",
            "Auto: Re: Can't log in",
            "Out of office",
        )
        text = (
            f"Thank you for your email. I am out of the office until {back} with limited "
            f"access to email. For urgent matters please contact "
            f"{pick(rng, 'my colleague', 'the office')} at "
            f"office@{person.domain if person.domain not in world.FREEMAIL else 'example.org'}."
        )
    mail = _customer_mail(rng, w, person, subject, text)
    mail.headers += [("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")]
    mail.return_path = ""
    return "auto_reply", mail


def calendar_invite(rng, w, index) -> tuple[str, Mail]:
    person = _customer(rng, w, zh=False)
    agent = rng.choice(world.AGENTS)
    start = mime.when(rng, index)
    stamp = start.strftime("%Y%m%dT%H%M%S")
    uid = f"{rng.getrandbits(96):024x}@{person.domain}"
    title = pick(
        rng,
        "Onboarding call",
        "Quarterly review with Acme",
        "Demo of the new features",
        "Billing question call",
    )
    ics = (
        "BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n"
        "VERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
        f"ORGANIZER;CN={person.name}:mailto:{person.address}\r\n"
        f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE;CN={agent}:mailto:{SUPPORT}\r\n"
        f"DTSTART:{stamp}\r\nDTEND:{stamp}\r\nUID:{uid}\r\nSUMMARY:{title}\r\n"
        f"LOCATION:https://meet.{person.domain}/{rng.getrandbits(32):x}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    text = f"{title}\nWhen: {start:%A %d %B %Y %H:%M}\nOrganizer: {person.name}\n"
    mail = Mail(
        from_name=person.name,
        from_addr=person.address,
        subject=f"Invitation: {title}",
        text=text,
        html=client_html(rng, "outlook", text),
        client="outlook",
        calendar=ics,
        dkim_domain=_signed(person),
    )
    return "calendar_invite", mail
