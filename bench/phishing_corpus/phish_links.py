"""Phishing that sends the reader to a page: credential harvest, forms in the mail,
delivery scams, lookalike domains, link text showing another domain, shorteners and
open redirects."""

from __future__ import annotations

import html

from . import lookalike, world
from .mime import Mail
from .phish_kit import (
    OWN,
    _brand,
    _ip,
    _r,
    _sender,
    _wrap,
    fake_url,
    hosted_url,
)
from .text import money, order_no, pick, template_html

# --- credential harvest --------------------------------------------------------------------

EN_CRED = (
    (
        "Your mailbox is almost full",
        [
            "Your mailbox has reached 98% of its storage limit.",
            "Incoming messages will be rejected after 24 hours. Sign in to "
            "increase your quota at no cost.",
        ],
        "Increase storage",
    ),
    (
        "Unusual sign-in activity",
        [
            "We detected an unusual sign-in attempt on your account.",
            "If this wasn't you, please verify your identity immediately to avoid suspension.",
        ],
        "Verify now",
    ),
    (
        "Password expires today",
        [
            "The password for {email} expires today.",
            "Keep your current password by confirming it below.",
        ],
        "Keep current password",
    ),
    (
        "Action required: confirm your account",
        [
            "We could not verify your account details.",
            "Please confirm your information within 48 hours or your account will be limited.",
        ],
        "Confirm account",
    ),
    (
        "You have 3 pending messages",
        ["3 messages are being held on the mail server for {email}.", "Log in to release them."],
        "Release messages",
    ),
    (
        "Document shared with you",
        [
            '{sender} shared "Q4 invoice reconciliation.xlsx" with you.',
            "Sign in with your work account to view the document.",
        ],
        "Open",
    ),
    (
        "Support portal session expired",
        [
            "Your {company} support portal session has expired.",
            "Agents must re-enter their credentials to keep access to tickets.",
        ],
        "Sign in to the portal",
    ),
    (
        "New voicemail (0:43)",
        [
            "You received a new voicemail from +44 20 7946 0{n}.",
            "Listen to it by signing in with your email account.",
        ],
        "Play message",
    ),
)
ZH_CRED = (
    (
        "邮箱账户验证通知",
        ["尊敬的用户：您的邮箱账户未通过年度验证，将于24小时后停用。", "请立即登录完成账户验证。"],
        "立即验证",
    ),
    (
        "企业邮箱系统升级",
        [
            "为提升邮箱安全，系统将于今晚升级。",
            "请所有员工登录并确认账户信息，逾期未确认的账户将被冻结。",
        ],
        "登录确认",
    ),
    (
        "异常登录提醒",
        ["您的账号于今日在异地登录。", "如非本人操作，请点击下方链接修改密码。"],
        "修改密码",
    ),
    (
        "您的Apple ID已被锁定",
        ["由于安全原因，您的Apple ID已被停用。", "请验证您的身份以恢复使用。"],
        "恢复账户",
    ),
    ("邮件退信通知", ["您有5封邮件未能成功投递，已暂存于服务器。", "请登录邮箱查看。"], "查看邮件"),
)


def credential_harvest(rng, w, index) -> Mail:
    zh = rng.random() < 0.3
    brand, real = _brand(rng) if rng.random() < 0.6 else (world.COMPANY, OWN[1])
    subject, paras, label = rng.choice(ZH_CRED if zh else EN_CRED)
    fill = {
        "email": world.SUPPORT,
        "company": world.COMPANY,
        "n": rng.randint(100, 999),
        "sender": rng.choice(world.AGENTS),
    }
    paras = [p.format(**fill) for p in paras]
    link = hosted_url(rng) if rng.random() < 0.5 else fake_url(rng, real)
    kind = pick(rng, "freemail", "hacked", "esp", "vps")
    addr, dkim, relay = _sender(rng, kind, zh=zh)
    name = (
        pick(
            rng,
            f"{brand}",
            f"{brand} Account Team",
            f"{brand} Security",
            "Mail Administrator",
            "Email Admin",
            "",
        )
        if not zh
        else pick(rng, "系统管理员", "邮箱管理中心", f"{brand}", "安全中心", "")
    )
    mail = Mail(
        from_name=name,
        from_addr=addr,
        subject=subject,
        text="",
        client="esp" if kind == "esp" else pick(rng, "phpmailer", "none", "outlook"),
        dkim_domain=dkim,
        relay=relay,
    )
    _wrap(rng, mail, brand, "#0067b8", paras, link, label)
    if rng.random() < 0.25:  # the text part alone, no HTML
        mail.html = ""
    return mail


# --- HTML forms in the mail ---------------------------------------------------------------


def html_form(rng, w, index) -> Mail:
    zh = rng.random() < 0.3
    brand, real = _brand(rng) if rng.random() < 0.6 else (world.COMPANY, OWN[1])
    action = (
        hosted_url(rng, pick(rng, "/post.php", "/submit", "/next.php", "/login.php"))
        if rng.random() < 0.6
        else fake_url(rng, real)
    )
    user, pw, go = (
        ("邮箱地址", "密码", "登录")
        if zh
        else pick(
            rng,
            ("Email", "Password", "Sign in"),
            ("Username", "Password", "Verify"),
            ("Email address", "Current password", "Continue"),
        )
    )
    intro = (
        pick(rng, "为了继续使用您的账户，请在下方输入您的密码进行验证。", "您的邮箱需要重新验证。")
        if zh
        else pick(
            rng,
            f"To keep your {brand} account active, confirm your details below.",
            "Your session timed out. Please sign in again to continue.",
            f"Verify your {brand} account directly in this email.",
        )
    )
    form = (
        f'<form action="{html.escape(action)}" method="{pick(rng, "post", "POST", "get")}">'
        f'<p>{user}<br><input type="{pick(rng, "email", "text")}" '
        f'name="{pick(rng, "email", "user", "login")}" '
        f'value="{world.SUPPORT}"></p><p>{pw}<br><input type="password" name="'
        f'{pick(rng, "pass", "password", "pwd", "p")}"></p>'
        + ('<p>Card number<br><input type="text" name="cc"></p>' if rng.random() < 0.2 else "")
        + f'<p><input type="submit" value="{go}"></p></form>'
    )
    addr, dkim, relay = _sender(rng, pick(rng, "freemail", "hacked", "vps"), zh=zh)
    mail = Mail(
        from_name=pick(
            rng, brand, f"{brand} Verification", "IT Helpdesk", "管理员" if zh else "Webmail"
        ),
        from_addr=addr,
        subject=pick(rng, "账户验证", "请验证您的账户")
        if zh
        else pick(
            rng,
            "Account verification required",
            "Re-validate your mailbox",
            f"{brand}: confirm your identity",
        ),
        text=intro + f"\n\n{user}: ______\n{pw}: ______\n",
        client="phpmailer",
        dkim_domain=dkim,
        relay=relay,
    )
    mail.html = template_html(brand, "#444", f"<p>{html.escape(intro)}</p>{form}", "")
    return mail


def delivery_scam(rng, w, index) -> Mail:
    zh = rng.random() < 0.4
    carrier = (
        pick(rng, "DHL", "UPS", "FedEx", "Royal Mail", "USPS")
        if not zh
        else pick(rng, "顺丰速运", "中通快递", "京东物流", "EMS")
    )
    number = f"{rng.choice(('JD', '1Z', 'SF', 'RM'))}{rng.randint(10**9, 10**11)}"
    link = pick(
        rng,
        hosted_url(rng, "/track"),
        fake_url(rng, pick(rng, "dhl.com", "ups.com", "fedex.com")),
        f"https://{pick(rng, 'bit.ly', 't.cn', 'tinyurl.com')}/{_r(rng, 7)}",
    )
    if zh:
        subject = pick(rng, "您的快递无法派送", "快递派送失败通知", "【快递】包裹待补充地址")
        paras = [
            f"您的包裹（单号{number}）因地址不详无法派送。",
            pick(rng, "请在48小时内更新地址，否则包裹将被退回。", "需支付1.99元重新派送费用。"),
        ]
        label = "更新地址"
    else:
        subject = pick(
            rng,
            "Your package could not be delivered",
            f"{carrier}: delivery attempt failed",
            "Action required: customs fee",
            "Parcel on hold",
        )
        paras = [
            f"We attempted to deliver your parcel {number} but no one was available.",
            pick(
                rng,
                "Please confirm your address and pay the €1.99 redelivery fee.",
                "A customs fee of £2.99 is due before we can release it.",
                "Schedule a new delivery within 48 hours or it will be returned.",
            ),
        ]
        label = "Reschedule delivery"
    addr, dkim, relay = _sender(
        rng, pick(rng, "vps", "esp", "hacked"), pick(rng, "noreply", "delivery", "tracking"), zh
    )
    mail = Mail(
        from_name=carrier,
        from_addr=addr,
        subject=subject,
        text="",
        client="esp",
        dkim_domain=dkim,
        relay=relay,
    )
    _wrap(rng, mail, carrier, "#ffcc00", paras, link, label)
    return mail


# --- lookalike domains ----------------------------------------------------------------------


def lookalike_own(rng, w, index) -> Mail:
    zh = rng.random() < 0.3
    real = rng.choice(OWN)
    _trick, fake = lookalike.make(rng, real)
    wire = lookalike.ascii_host(fake)
    name = pick(
        rng,
        "Acme Support",
        "Acme Billing",
        "Acme Security",
        rng.choice(world.AGENTS),
        "Acme Helpdesk",
    )
    local = pick(rng, "support", "billing", "security", "noreply", "helpdesk", "it")
    path = pick(rng, "login", "console/signin", "billing/update", "sso")
    link = f"https://{fake if rng.random() < 0.5 else wire}/{path}"
    if zh:
        subject, paras, label = pick(
            rng,
            ("客服系统账号验证", ["客服后台将升级，请所有坐席重新登录验证账号。"], "登录验证"),
            ("账单更新", ["您的账户付款信息需要更新。"], "更新付款信息"),
        )
    else:
        subject, paras, label = pick(
            rng,
            (
                "Console sign-in required",
                [
                    "The helpdesk console is moving "
                    "to single sign-on. Sign in once to keep your access."
                ],
                "Sign in",
            ),
            (
                "Updated billing information",
                [
                    f"Your {world.COMPANY} billing details "
                    "need to be updated before the next renewal."
                ],
                "Update billing",
            ),
            (
                "Ticket assigned to you",
                ["A priority ticket was assigned to you. Open it in the console."],
                "Open ticket",
            ),
            (
                "Re: your request",
                ["Following up on your request, please review the attached statement and confirm."],
                "Review",
            ),
        )
    mail = Mail(
        from_name=name,
        from_addr=f"{local}@{wire}",
        subject=subject,
        text="",
        client="outlook",
        dkim_domain=wire if rng.random() < 0.5 else "",
    )
    _wrap(rng, mail, world.COMPANY, "#b5179e", paras, link, label)
    if rng.random() < 0.3:  # the lookalike only in the sender; no link at all
        mail.html = ""
        mail.text = "\n".join(paras) + (
            "\n\n请直接回复此邮件。" if zh else "\n\nPlease reply to this email."
        )
    return mail


def lookalike_brand(rng, w, index) -> Mail:
    zh = rng.random() < 0.25
    brand, real = _brand(rng)
    _trick, fake = lookalike.make(rng, real)
    wire = lookalike.ascii_host(fake)
    path = pick(rng, "signin", "myaccount/verify", "security/confirm", "billing")
    link = f"https://{fake if rng.random() < 0.4 else wire}/{path}"
    if zh:
        subject, paras, label = pick(
            rng,
            (f"{brand}账户安全提醒", ["您的账户存在风险，请立即验证身份。"], "验证身份"),
            (f"{brand}付款失败", ["您的订阅付款失败，请更新付款方式。"], "更新付款方式"),
        )
    else:
        subject, paras, label = pick(
            rng,
            (
                "Your account has been limited",
                [
                    f"We noticed unusual activity on your {brand} account.",
                    "Confirm your information to restore full access.",
                ],
                "Restore access",
            ),
            (
                "Payment declined",
                [
                    f"Your {brand} payment could not be processed.",
                    "Update your payment details to keep your subscription.",
                ],
                "Update payment",
            ),
            (
                "Receipt for your order",
                [
                    f"Thank you for your {brand} order {order_no(rng)} of {money(rng)}.",
                    "If you did not make this purchase, cancel it here.",
                ],
                "Cancel order",
            ),
        )
    local = pick(rng, "service", "no-reply", "security", "account", "billing")
    mail = Mail(
        from_name=brand,
        from_addr=f"{local}@{wire}",
        subject=subject,
        text="",
        client="esp",
        dkim_domain=wire if rng.random() < 0.6 else "",
        relay=f"o{rng.randint(1, 30)}.{rng.choice(world.ESPS)}" if rng.random() < 0.3 else "",
    )
    _wrap(rng, mail, brand, "#003087", paras, link, label)
    if rng.random() < 0.4:  # the sender real-looking (a random sender), only the link a lookalike
        mail.from_addr, mail.dkim_domain, mail.relay = _sender(rng, pick(rng, "esp", "hacked"))
    return mail


def link_mismatch(rng, w, index) -> Mail:
    zh = rng.random() < 0.25
    brand, real = _brand(rng) if rng.random() < 0.6 else (world.COMPANY, OWN[1])
    path = pick(rng, "signin", "account", "billing", "security")
    shown = f"https://{pick(rng, 'www.', 'account.', 'secure.', '')}{real}/{path}"
    target = pick(rng, hosted_url(rng), fake_url(rng, real), f"http://{_ip(rng)}/{_r(rng, 6)}/")
    paras = [
        "请通过以下官方链接核实您的账户信息："
        if zh
        else pick(
            rng,
            f"For your security, review your {brand} account at the official address below.",
            "Please confirm your recent transaction on our website:",
            "Your statement is ready. View it online:",
        )
    ]
    addr, dkim, relay = _sender(rng, pick(rng, "esp", "hacked", "vps", "freemail"), zh=zh)
    mail = Mail(
        from_name=pick(rng, brand, f"{brand} Notifications", f"{brand} Billing"),
        from_addr=addr,
        subject=pick(rng, "账户信息核实", "对账单")
        if zh
        else pick(
            rng, "Review your account", "Your statement is ready", "Transaction confirmation"
        ),
        text="",
        client="esp",
        dkim_domain=dkim,
        relay=relay,
    )
    _wrap(rng, mail, brand, "#222", paras, target, "Link", shown=shown)
    return mail


def shortener_redirect(rng, w, index) -> Mail:
    zh = rng.random() < 0.3
    brand, real = _brand(rng) if rng.random() < 0.6 else (world.COMPANY, OWN[1])
    final = hosted_url(rng) if rng.random() < 0.5 else fake_url(rng, real)
    if rng.random() < 0.5:
        link = f"https://{rng.choice(world.SHORTENERS)}/{_r(rng, rng.randint(5, 8))}"
    else:
        from urllib.parse import quote as q

        link = rng.choice(world.OPEN_REDIRECTS).format(u=q(final, safe=""))
    if zh:
        subject, paras, label = pick(
            rng,
            ("账户验证", ["您的账户需要验证，请点击链接完成。"], "去验证"),
            (
                "银行通知",
                ["您的银行卡存在异常交易，已临时冻结。", "请点击链接解除冻结。"],
                "解除冻结",
            ),
        )
    else:
        subject, paras, label = pick(
            rng,
            ("Please verify", [f"Your {brand} account needs verification."], "Verify"),
            ("Shared file", [f"A file has been shared with you via {brand}."], "View file"),
            ("Security notice", ["Unusual activity was detected.", "Review it now."], "Review"),
        )
    addr, dkim, relay = _sender(rng, pick(rng, "freemail", "esp", "hacked", "vps"), zh=zh)
    mail = Mail(
        from_name=pick(rng, brand, f"{brand} Team", "Notification"),
        from_addr=addr,
        subject=subject,
        text="",
        client=pick(rng, "esp", "phpmailer"),
        dkim_domain=dkim,
        relay=relay,
    )
    _wrap(rng, mail, brand, "#555", paras, link, label)
    if rng.random() < 0.3:  # plain text only, the bare link
        mail.html = ""
    return mail
