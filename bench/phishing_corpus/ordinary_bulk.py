"""Ordinary mail from machines: receipts, shipping notices, newsletters, mailing lists
and real services' notices, each from the sender's own domain."""

from __future__ import annotations

import html
import random
import re

from . import files, world
from .mime import Attachment, Mail
from .text import button, money, order_no, pick, template_html

SITE, SUPPORT = world.SITE, world.SUPPORT
CJK = re.compile(r"[\u3400-\u9fff]")


def receipt(rng, w, index) -> tuple[str, Mail]:
    zh = rng.random() < 0.25
    shop, domain = rng.choice(world.SHOPS_ZH if zh else world.SHOPS)
    order, total = order_no(rng), money(rng, cur="¥" if zh else None)
    items = [
        pick(
            rng,
            "Ceramic mug",
            "Notebook A5",
            "USB-C cable",
            "Wool socks",
            "Desk lamp",
            "Coffee beans 1kg",
            "Phone case",
            "Paperback novel",
        )
        if not zh
        else pick(rng, "保温杯", "笔记本", "数据线", "台灯", "咖啡豆", "手机壳", "小说")
        for _ in range(rng.randint(1, 4))
    ]
    link = f"https://{domain}/account/orders/{order.strip('#')}?utm_source=email&utm_medium=receipt"
    button_link = tracker(rng, domain) if rng.random() < 0.4 else link
    if zh:
        subject = pick(
            rng, f"订单确认 {order}", f"您的订单 {order} 已付款成功", f"{shop}：付款成功"
        )
        text = (
            f"亲爱的顾客，您好！\n\n感谢您在{shop}购物。您的订单 {order} 已付款成功，"
            f"合计 {total}。\n\n商品：{'、'.join(items)}\n\n查看订单：{link}\n\n{shop}"
        )
    else:
        subject = pick(
            rng,
            f"Your {shop} order {order}",
            f"Order confirmation {order}",
            f"Thanks for your order! ({order})",
            f"Receipt for your payment to {shop}",
        )
        text = (
            f"Hi,\n\nThanks for shopping with {shop}. We've received your payment of "
            f"{total} for order {order}.\n\nItems:\n"
            + "\n".join(f" - {i}" for i in items)
            + f"\n\nView or manage your order: {link}\n\nQuestions? Reply to this email or "
            f"visit https://{domain}/help\n\n{shop}"
        )
    inner = (
        f"<p>{html.escape(text.split(chr(10))[2])}</p><ul>"
        + "".join(f"<li>{html.escape(i)}</li>" for i in items)
        + "</ul>"
        + button(button_link, "查看订单" if zh else "View your order")
    )
    footer = (
        f'<a href="https://{domain}/privacy">Privacy</a> · <a href="https://{domain}/help">'
        f"Help</a><br>{shop}, 1 Market Square"
    )
    esp = rng.choice(world.ESPS)
    mail = Mail(
        from_name=shop,
        from_addr=pick(rng, f"orders@{domain}", f"no-reply@{domain}", f"receipts@{domain}"),
        subject=subject,
        text=text,
        html=template_html(shop, "#2d6a4f", inner, footer),
        client="esp",
        dkim_domain=domain,
        relay=f"o{rng.randint(1, 30)}.{esp}",
        return_path=f"bounces+{rng.getrandbits(40):x}@em.{domain}",
    )
    if rng.random() < 0.3:
        mail.attachments.append(
            Attachment(
                f"receipt-{order.strip('#')}.pdf",
                "application/pdf",
                files.pdf([shop, f"Order {order}", f"Total {total}"]),
            )
        )
    return "receipt", mail


def shipping(rng, w, index) -> tuple[str, Mail]:
    zh = rng.random() < 0.25
    name, domain, prefix = rng.choice(world.CARRIERS_ZH if zh else world.CARRIERS)
    number = f"{prefix}{rng.randint(10**9, 10**10 - 1)}"
    track = f"https://{pick(rng, 'www.', 'track.', '')}{domain}/track?id={number}"
    if zh:
        subject = pick(
            rng, f"您的快递 {number} 已发出", f"【{name}】包裹正在派送中", "您的包裹已签收"
        )
        text = (
            f"您好，您的包裹（运单号 {number}）{pick(rng, '已发出', '正在派送中', '已签收')}。"
            f"\n\n查询物流：{track}\n\n{name}"
        )
    else:
        subject = pick(
            rng,
            f"Your parcel {number} is on its way",
            "Your package was delivered",
            f"Delivery update for {number}",
            "Out for delivery today",
        )
        text = (
            f"Hello,\n\nYour parcel {number} is "
            f"{pick(rng, 'on its way', 'out for delivery', 'delivered')}. Expected delivery: "
            f"{pick(rng, 'Tuesday', 'Wednesday', 'today')}, between 9:00 and 13:00."
            f"\n\nTrack your parcel: {track}\n\nManage delivery preferences at "
            f"https://{domain}/preferences\n\n{name}"
        )
    inner = (
        f"<p>{html.escape(text.split(chr(10))[2] if not zh else text.split(chr(10))[0])}</p>"
        + button(track, "查询物流" if zh else "Track parcel", "#d40511")
    )
    mail = Mail(
        from_name=name,
        from_addr=f"noreply@{domain}",
        subject=subject,
        text=text,
        html=template_html(
            name, "#d40511", inner, f'{name} · <a href="https://{domain}/privacy">Privacy</a>'
        ),
        client="esp",
        dkim_domain=domain,
        relay=f"mta{rng.randint(1, 9)}.{domain}",
    )
    return "shipping", mail


def tracker(rng: random.Random, domain: str) -> str:
    """A click-tracking redirector as ESPs write them (the target is looked up, not in
    the URL)."""
    slug, token = domain.split(".")[0], f"{rng.getrandbits(96):024x}"
    return pick(
        rng,
        f"https://click.{domain}/ls/click?upn={token}",
        f"https://u{rng.randint(10**6, 10**7)}.ct.sendgrid.net/ls/click?upn={token}",
        f"https://{slug}.us{rng.randint(1, 21)}.list-manage.com/track/click?u={token[:16]}"
        f"&id={rng.getrandbits(40):x}",
        f"https://email.{domain}/c/{rng.getrandbits(120):x}",
        f"https://links.{domain}/els/v2/{rng.getrandbits(64):x}",
    )


def newsletter(rng, w, index) -> tuple[str, Mail]:
    zh = rng.random() < 0.2
    shop, domain = rng.choice(world.SHOPS_ZH if zh else world.SHOPS)
    esp = rng.choice(world.ESPS)
    click = tracker(rng, domain)
    unsub = f"https://{domain}/unsubscribe?u={rng.getrandbits(64):016x}"
    en_stories = (
        "Autumn collection is here",
        "20% off this weekend only",
        "Meet our new roastery",
        "Free shipping over $50",
        "Last chance: sale ends tonight",
        "Our favourite books of the month",
        "Your November picks",
        "Act fast: only 3 left in stock",
        "Members save more this week",
    )
    zh_stories = (
        "双十一预售开启",
        "新品上市",
        "限时八折",
        "满199包邮",
        "会员专享福利",
        "最后一天，抓紧抢购",
    )
    stories = rng.sample(zh_stories if zh else en_stories, rng.randint(2, 4))
    labels = (
        ("立即购买", "查看详情", "去看看") if zh else ("Shop now", "Read more", "See the offer")
    )
    # Tracked links, some with the shop's own address as their text: the ESP's
    # redirector behind a URL that reads as the shop's is how newsletters really look.
    shown = f"www.{domain}" if rng.random() < 0.35 else ""
    inner = "".join(
        f'<h2 style="font-size:18px">{html.escape(s)}</h2><p>'
        f'<a href="{click}&amp;n={i}">{rng.choice(labels)}'
        f"</a></p>"
        for i, s in enumerate(stories)
    )
    if shown:
        inner += (
            f'<p>{"访问" if zh else "Visit us at"} <a href="{click}&amp;n=home">{shown}</a></p>'
        )
    if rng.random() < 0.2:
        inner += f'<p>Follow us: <a href="https://bit.ly/{rng.getrandbits(30):x}">Instagram</a></p>'

    inner += (
        f'<img src="https://{domain}/o/{rng.getrandbits(48):x}.gif" width="1" height="1" alt="">'
    )
    footer = (
        f"You are receiving this because you subscribed at {domain}. "
        f'<a href="{unsub}">Unsubscribe</a> · <a href="https://{domain}/preferences">'
        f"Preferences</a>"
    )
    text = (
        "\n\n".join(f"{s}\n{click}&n={i}" for i, s in enumerate(stories))
        + f"\n\nUnsubscribe: {unsub}\n"
    )
    mail = Mail(
        from_name=shop,
        from_addr=pick(rng, f"news@{domain}", f"hello@{domain}", f"newsletter@{domain}"),
        subject=stories[0] + pick(rng, "", " 🍂", " — inside"),
        text=text,
        html=template_html(shop, "#3a5a40", inner, footer),
        client="esp",
        dkim_domain=domain,
        relay=f"mail{rng.randint(1, 200)}.{esp}",
        return_path=f"bounce-{rng.getrandbits(32):x}@{esp}",
    )
    mail.headers += [
        ("List-Unsubscribe", f"<{unsub}>, <mailto:unsubscribe@{domain}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Precedence", "bulk"),
        ("Feedback-ID", f"{rng.randint(1, 999)}:{domain}:esp"),
    ]
    mail.to = SUPPORT
    return "newsletter", mail


def mailing_list(rng, w, index) -> tuple[str, Mail]:
    lst, host, _software = rng.choice(world.LISTS)
    poster = rng.choice(w.newcomers + w.customers)
    list_addr = f"{lst}@{host}"
    subject = f"[{lst}] " + pick(
        rng,
        "Re: Release 3.13.1 is out",
        "Question about TLS settings",
        "Re: Upgrading from 15 to 16",
        "Meeting notes",
        "Re: spam on the list",
        "Patch review request",
        "Re: password hashing defaults",
    )
    body = pick(
        rng,
        "I think the default changed in the last release; see the notes at "
        f"https://{host}/notes and the thread from last week.",
        "Has anyone seen this error after upgrading? It only happens with the new config.",
        "+1, this worked for me as well. Thanks for the patch.",
        "Minutes are attached to the wiki page. Next call is Thursday.",
    )
    footer = f"\n\n--\n{lst} mailing list\n{list_addr}\nhttps://{host}/mailman/listinfo/{lst}\n"
    mail = Mail(
        from_name=poster.name,
        from_addr=poster.address,
        subject=subject,
        text=f"{body}\n\n{poster.name.split()[0]}{footer}",
        to=list_addr,
        client=pick(rng, "thunderbird", "gmail", "none"),
        relay=f"mail.{host}",
        return_path=f"{lst}-bounces@{host}",
        dkim_domain=host,
    )
    mail.headers += [
        ("List-Id", f"<{lst}.{host}>"),
        ("List-Post", f"<mailto:{list_addr}>"),
        ("List-Archive", f"<https://{host}/pipermail/{lst}/>"),
        ("List-Unsubscribe", f"<https://{host}/mailman/options/{lst}>"),
        ("Precedence", "list"),
        ("X-Mailman-Version", "2.1.39"),
        ("Sender", f"{lst}-bounces@{host}"),
    ]
    if rng.random() < 0.5:
        mail.in_reply_to = f"<{rng.getrandbits(64):x}@{host}>"
    return "mailing_list", mail


SERVICE = (
    (
        "支付宝",
        "alipay.com",
        "service@mail.alipay.com",
        "交易提醒：付款成功",
        "您好，您的支付宝账户于今日付款成功，金额 ¥{n}。如非本人操作，请登录支付宝查看："
        "https://www.alipay.com/security",
    ),
    (
        "招商银行信用卡",
        "cmbchina.com",
        "ccsvc@message.cmbchina.com",
        "招商银行信用卡电子账单",
        "尊敬的客户，您的本期信用卡账单已出，请在到期还款日前还款，以免影响信用记录。查看账单："
        "https://cc.cmbchina.com/bill",
    ),
    (
        "HSBC UK",
        "hsbc.co.uk",
        "noreply@mail.hsbc.co.uk",
        "Your statement is ready",
        "Your latest business account statement is ready to view. Log on to online banking "
        "to see it: https://www.hsbc.co.uk/online-banking. We will never ask for your "
        "password by email.",
    ),
    (
        "{who} (via Google Docs)",
        "google.com",
        "drive-shares-dm-noreply@google.com",
        'Document shared with you: "Q4 onboarding checklist"',
        "{who} shared a document with you. Open it: "
        "https://docs.google.com/document/d/1{n}AbCdEfGh/edit?usp=sharing_eil",
    ),
    (
        "Dropbox",
        "dropbox.com",
        "no-reply@dropbox.com",
        '{who} shared "export-logs" with you',
        '{who} invited you to view the folder "export-logs" on Dropbox. View folder: '
        "https://www.dropbox.com/scl/fo/{n}/h?dl=0",
    ),
    (
        "GitHub",
        "github.com",
        "noreply@github.com",
        "[GitHub] A new SSH key was added to your account",
        "A new public key was added to the account of acme-support. If you did not add it, "
        "visit https://github.com/settings/keys",
    ),
    (
        "Microsoft account team",
        "accountprotection.microsoft.com",
        "account-security-noreply@accountprotection.microsoft.com",
        "Microsoft account security alert",
        "We detected a new sign-in to the Microsoft account "
        "su***@acme-support.example. Country/region: Ireland. If this was you, you can ignore this "
        "message. Review recent activity: https://account.live.com/activity",
    ),
    (
        "Google",
        "accounts.google.com",
        "no-reply@accounts.google.com",
        "Security alert",
        "A new sign-in on Windows. We noticed a new sign-in to your Google Account. If this was "
        "you, you don't need to do anything. Check activity: https://myaccount.google.com/notifications",
    ),
    (
        "PayPal",
        "paypal.com",
        "service@paypal.com",
        "Receipt for your payment to Fernhill Books",
        "You sent a payment of €24.90 EUR to Fernhill Books. Transaction ID 4KX{n}. "
        "View details: https://www.paypal.com/myaccount/transactions",
    ),
    (
        "Stripe",
        "stripe.com",
        "receipts+acct_1@stripe.com",
        "Your receipt from Acme Ltd #{n}",
        "Amount paid $49.00. Date paid Nov 2, 2026. Questions? Visit https://support.stripe.com",
    ),
    (
        "Slack",
        "slack.com",
        "feedback@slack.com",
        "Your Slack password was changed",
        "The password for your Slack account was changed. If you didn't change it, reset it at "
        "https://slack.com/reset",
    ),
    (
        "Zoom",
        "zoom.us",
        "no-reply@zoom.us",
        "Your cloud recording is available",
        "Your recording of 'Support sync' is now available: https://zoom.us/rec/share/{n}",
    ),
    (
        "DocuSign",
        "docusign.net",
        "dse_na2@docusign.net",
        "Completed: Acme Ltd - Service agreement",
        "All parties have completed Service agreement. View it at https://app.docusign.com/documents",
    ),
)


def service_notice(rng, w, index) -> tuple[str, Mail]:
    name, domain, sender, subject, body = rng.choice(SERVICE)
    n = rng.randint(10**6, 10**7)
    who = rng.choice(w.customers).name  # a known customer sharing with the helpdesk
    body = body.replace("{n}", str(n)).replace("{who}", who)
    subject = subject.replace("{n}", str(n)).replace("{who}", who)
    name = name.replace("{who}", who)
    if "Google Docs" in name and CJK.search(who):  # as Google writes it in Chinese
        name = f"{who}（通过 Google 文档）"
    urls = [tok for tok in body.split() if tok.startswith("https://")]
    inner = f"<p>{html.escape(body)}</p>" + (button(urls[0], "Review") if urls else "")
    mail = Mail(
        from_name=name,
        from_addr=sender,
        subject=subject,
        text=body + f"\n\n{name}\n",
        html=template_html(name, "#24292f", inner, f"{name} · this is an automated message"),
        client="esp",
        dkim_domain=domain.split(".", 1)[1] if domain.count(".") > 1 else domain,
        relay=f"out-{rng.randint(1, 30)}.smtp.{domain}",
        to=SUPPORT,
    )
    return "service_notice", mail
