"""The content signals of the phishing analyser: link text against link target, URLs that
hide their target, forms in mail, and credential / payment / urgency language — each with
the ordinary mail it must leave alone."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.mailgateway.analysis.message import Parsed, html_to_text
from trustdesk.mailgateway.analysis.phishing import content, language, links, phrases
from trustdesk.mailgateway.analysis.phishing.base import Context, MailView

OWN = Context(own_domains=frozenset({"trustdesk.example"}),
              brands=(("PayPal", ("paypal.com",)), ("Apple", ("apple.com", "icloud.com"))))
FAILED_DMARC = SimpleNamespace(dmarc=SimpleNamespace(result=SimpleNamespace(result="fail")))


def view(text: str = "", html: str = "", *, subject: str = "",
         sender: str = "ada@customer.example", auth=None) -> MailView:
    shown = text or (html_to_text(html) if html else "")
    return MailView(raw=b"", parsed=Parsed(from_address=sender, subject=subject, text=shown),
                    html=html, text=shown, links=links.extract(html, shown), auth=auth,
                    findings=())


def a(href: str, text: str) -> str:
    return f'<p>Hello</p><a href="{href}">{text}</a>'


def weights(signal, mail: MailView, context: Context = OWN) -> int:
    reasons = signal().check(mail, context)
    assert len(reasons) <= 1 and all(r.signal == signal.name for r in reasons)
    return reasons[0].weight if reasons else 0


def safelink(url: str) -> str:
    return ("https://eur01.safelinks.protection.outlook.com/?url=" + quote(url, safe="")
            + "&data=05%7C01&reserved=0")


# ---------------------------------------------------------------------------------------
# link_text_mismatch: (link text, href, sender, auth, expected weight)
MISMATCH = [
    ("www.shop-a.example", "https://evil.example/login", "x@sender.example", None, 22),
    ("https://www.shop-a.example/account", "http://198.51.100.7/", "x@evil.example", None, 22),
    ("www.paypal.com", "https://paypal.com@evil.example/", "x@evil.example", None, 28),
    ("Log in at PayPal.com", "https://evil.example/", "x@evil.example", None, 28),
    ("www.trustdesk.example/reset", "https://evil.example/", "x@evil.example", None, 28),
    ("www.shop-a.example", safelink("https://evil.example/x"), "x@sender.example", None, 22),
    ("ｗｗｗ.paypal.com", "https://evil.example/", "x@evil.example", None, 28),
    # The sender's own domain, through a redirect on another organisation's domain.
    ("www.shop.example", "https://links.shop-mail.example/c/1", "news@shop.example", None, 8),
    # ... and the sender is not who they claim: a newsletter's excuse no longer holds.
    ("www.shop.example", "https://shop.us5.list-manage.com/track/click?u=1",
     "news@shop.example", FAILED_DMARC, 22),
    # A mail service's click tracker: where it goes next cannot be read.
    ("www.paypal.com", "https://u1.ct.sendgrid.net/ls/click?upn=x", "x@evil.example", None,
     22),
    ("www.partner.example", "https://u1.ct.sendgrid.net/ls/click?upn=x", "news@shop.example",
     None, 8),
    # The sender's own domain linked while another is shown.
    ("www.paypal.com", "https://evil.example/login", "service@evil.example", None, 28),
    ("www.partner.example", "https://www.shop.example/partners", "news@shop.example", None,
     12),
    # Not mismatches:
    ("www.partner.example", "https://click.shop.example/?u=https%3A%2F%2Fwww.partner.example",
     "news@shop.example", None, 0),
    ("www.partner.example", "https://shop.us5.list-manage.com/c?url=https://partner.example/",
     "news@shop.example", None, 0),
    ("www.shop.example", "https://www.shop.example/", "news@shop.example", None, 0),
    ("shop.example", "https://click.shop.example/track?id=9", "news@shop.example", None, 0),
    ("https://www.shop.example/orders", "https://email.shop.example/c/1", "x@other.example",
     None, 0),
    ("shop.co.uk", "https://www.shop.co.uk/", "x@other.example", None, 0),
    ("bücher.example", "https://xn--bcher-kva.example/", "x@other.example", None, 0),
    ("Click here", "https://evil.example/", "x@evil.example", None, 0),
    ("Read more", "https://evil.example/", "x@evil.example", None, 0),
    ("Download invoice.zip", "https://evil.example/", "x@evil.example", None, 0),
    ("Version 2.0 notes.txt", "https://evil.example/", "x@evil.example", None, 0),
    ("Node.js guide", "https://nodejs.example/", "x@evil.example", None, 0),
    ("Write to support@shop.example", "https://help.example/", "x@evil.example", None, 0),
    ("apple.com", "https://www.icloud.com/", "x@evil.example", None, 0),  # one brand
    ("www.paypal.com", "https://trustdesk.example/", "x@evil.example", None, 0),  # ours
    ("www.shop.example", safelink("https://www.shop.example/sale"), "x@x.example", None, 0),
    # A newsletter: the sender's own domain shown, a mail service's click tracker linked,
    # or the sender's own tracking domain redirecting back to the sender's site.
    ("www.shop.example", "https://shop.us5.list-manage.com/track/click?u=1&id=2",
     "news@shop.example", None, 0),
    ("www.shop.example", "https://u123.ct.sendgrid.net/ls/click?upn=abc", "news@shop.example",
     None, 0),
    ("www.shop.example", "https://t.esp.example/r?url=https%3A%2F%2Fwww.shop.example%2Fa",
     "news@shop.example", None, 0),
]


@pytest.mark.parametrize(("text", "href", "sender", "auth", "expected"), MISMATCH)
def test_link_text_mismatch(text, href, sender, auth, expected):
    mail = view(html=a(href, text), sender=sender, auth=auth)
    assert weights(content.LinkTextMismatch, mail) == expected


def test_mismatch_names_both_domains_defanged_and_counts_the_others():
    html = "".join(a(f"https://evil{i}.example/", "www.shop-a.example") for i in range(3))
    (reason,) = content.LinkTextMismatch().check(view(html=html), OWN)
    assert reason.weight == 22 + 2 * 2
    assert "www[.]shop-a[.]example" in reason.text and "evil0[.]example" in reason.text
    assert "2 more links" in reason.text


def test_mismatch_never_more_than_the_cap():
    html = "".join(a(f"https://evil{i}.example/", "www.paypal.com") for i in range(40))
    assert weights(content.LinkTextMismatch, view(html=html)) == content.CAP


# ---------------------------------------------------------------------------------------
CYRILLIC_PAYPAL = "p\u0430ypal.com".encode("idna").decode()  # "pаypal" with a Cyrillic а
# suspicious_url: (href, sender, expected weight, words the reason must say or None)
SUSPICIOUS = [
    ("http://198.51.100.7/", "x@x.example", 18, "bare IP address"),
    ("http://198.51.100.7/login", "x@x.example", 26, "like a sign-in page"),
    ("http://3325256711/", "x@x.example", 25, "written as a number"),
    ("http://0xc6.0x33.0x64.0x7/", "x@x.example", 25, "198.51.100.7"),
    ("http://[2001:db8::1]/", "x@x.example", 18, "bare IP address"),
    ("https://paypal.com@evil.example/", "x@x.example", 22, "before an @"),
    ("https://user@evil.example/", "x@x.example", 12, "before an @"),
    ("https://bit.ly/3abcd", "x@x.example", 10, "shortener bit.ly"),
    ("https://t.cn/A6abc", "x@x.example", 10, "shortener t.cn"),
    (safelink("https://tinyurl.com/y4abc"), "x@x.example", 10, "shortener tinyurl.com"),
    ("https://www.google.com/url?q=https://evil.example/login&sa=D", "x@x.example", 15,
     "redirects through www.google.com"),
    ("https://shop-a.example/out?next=https%3A%2F%2Fevil.example%2F", "x@x.example", 15,
     "redirects"),
    # Where the redirect lands is judged too.
    ("https://www.google.com/url?q=http%3A%2F%2Fx1.azurewebsites.net%2Fauth%2Fverify.php",
     "x@x.example", 30, "then is on x1.azurewebsites.net"),
    ("https://www.google.com/url?q=http://198.51.100.7/", "x@x.example", 30, "then goes to"),
    (f"https://{CYRILLIC_PAYPAL}/signin", "x@x.example", 20, "punycode"),
    ("https://xn--fsqu00a.xn--fiqs8s/", "x@x.example", 6, "punycode"),
    ("https://paypal.com.check-point.example/", "x@x.example", 20, "brand's domain"),
    ("https://login.com.check-point.example/", "x@x.example", 12, "another domain name"),
    ("https://paypal.com.secure-check.example/", "x@x.example", 28, "lure word"),
    ("https://secure-login-verify.example/", "x@x.example", 8, "lure word"),
    ("https://mail-account-check.example/owa", "x@x.example", 8, "lure word"),
    ("https://owa-login.web.app/", "x@x.example", 10, "anyone can publish"),
    ("https://storage.googleapis.com/bucket-x/index.html", "x@x.example", 10, "anyone"),
    ("https://w6zijnpyp92i.github.io/signin/", "x@x.example", 18, "like a sign-in page"),
    ("https://x1.blob.core.windows.net/auth/verify.php", "x@x.example", 18, "sign-in page"),
    ("https://www.shop.example/account/login", "x@x.example", 0, None),
    ("https://forms.gle/AbCdEf", "x@x.example", 10, "a form on forms.gle"),
    ("https://docs.google.com/forms/d/e/1FAIpQL/viewform", "x@x.example", 10, "a form"),
    ("https://jinshuju.net/f/AbCd", "x@x.example", 10, "a form"),
    ("https://old-bakery.example/wp-content/plugins/x/files.php", "x@x.example", 10,
     "WordPress"),
    ("https://old-bakery.example/wp-content/plugins/x/login.php", "x@x.example", 18,
     "like a sign-in page"),
    ("https://files.example/invoice.pdf.exe", "x@x.example", 12, "downloads a program"),
    ("https://docs.google.com/document/d/1abc/edit", "x@x.example", 0, None),
    ("https://old-bakery.example/x/paypal/signin.html", "x@x.example", 10, "names paypal"),
    ("https://sites.google.com/view/x/paypal/", "x@x.example", 20, "names paypal"),
    ("https://www.paypal.com/paypal/signin", "x@x.example", 0, None),
    ("https://news.example/2026/12/qq-results", "x@x.example", 0, None),
    ("https://www.shop.example/www.paypal.com", "x@x.example", 10, "names paypal"),
    ("https://login.shop.example/", "x@x.example", 0, None),
    ("https://www.paypal.com/signin", "x@x.example", 0, None),
    ("https://a.b.c.d.evil.example/", "x@x.example", 8, "4 levels"),
    ("http://shop-a.example:8080/", "x@x.example", 10, "port 8080"),
    ("http://10.20.0.42:3000/d/queue", "x@x.example", 4, "internal network address"),
    ("http://[fd00::42]/", "x@x.example", 4, "internal network address"),
    ("http://0x0a000001/", "x@x.example", 25, "written as a number"),
    ("javascript:document.location='https://evil.example'", "x@x.example", 25, "script"),
    ("data:text/html;base64,PGgxPkxvZ2luPC9oMT4=", "x@x.example", 20, "data:"),
    ("http://198.51.100.7:8080/", "x@x.example", 28, "port 8080"),
    ("http://paypal.com@3325256711:81/", "x@x.example", 30, None),  # capped
    # Ordinary links:
    ("https://www.shop.example/orders/1", "x@x.example", 0, None),
    ("https://www.shop.example:443/orders/1", "x@x.example", 0, None),
    ("https://click.shop.example/track?u=https%3A%2F%2Fwww.shop.example%2F", "x@x.example",
     0, None),
    ("https://shop.us5.list-manage.com/track/click?u=abc&id=def", "x@x.example", 0, None),
    ("https://click.esp.example/?url=https://www.shop.example/", "news@shop.example", 0, None),
    ("https://click.shop.example/?redirect=https://partner.example/", "news@shop.example",
     0, None),
    (safelink("https://www.shop.example/sale"), "x@x.example", 0, None),
    ("https://www.google.com/search?q=trustdesk+help", "x@x.example", 0, None),
    ("https://docs.example.com/view?id=1&q=https", "x@x.example", 0, None),
    ("https://s3.us-east-1.amazonaws.com/bucket/file.pdf", "x@x.example", 0, None),
    ("http://trustdesk.example:8080/", "x@x.example", 0, None),  # the helpdesk's own
    ("https://例子.中国/", "x@x.example", 6, "punycode"),
]


@pytest.mark.parametrize(("href", "sender", "expected", "words"), SUSPICIOUS)
def test_suspicious_url(href, sender, expected, words):
    mail = view(html=a(href, "here"), sender=sender)
    reasons = content.SuspiciousUrl().check(mail, OWN)
    assert (reasons[0].weight if reasons else 0) == expected
    if words:
        assert words in reasons[0].text


def test_suspicious_url_in_plain_text_and_defanged_in_the_reason():
    (reason,) = content.SuspiciousUrl().check(
        view("Log in now: http://198.51.100.7/login"), OWN)
    assert "hxxp://198[.]51[.]100[.]7/login" in reason.text
    assert "http://198" not in reason.text


# ---------------------------------------------------------------------------------------
LOGIN_FORM = ('<form action="https://collect.evil.example/p" method="post">'
              '<input type="email" name="email"><input type="password" name="pw">'
              '<input type="hidden" name="victim" value="ada"><input type="submit"></form>')
# html_form: (html, sender, expected weight, words)
FORMS = [
    (LOGIN_FORM, "x@x.example", 30, "password field"),
    ('<form><input name="username"><input type="password" name="p"></form>', "x@x.example",
     28, "user-name or e-mail field"),
    ('<input type="password" name="p">', "x@x.example", 24, "password field"),
    ('<form action="https://survey.example/r"><input type="radio" name="q" value="5">'
     '<input type="submit"></form>', "x@shop.example", 11, "sent to survey[.]example"),
    ('<form action="https://www.shop.example/r"><input type="radio" name="q">'
     '<button>Send</button></form>', "news@shop.example", 5, "a form"),
    ('<form action="/search"><input name="q"><input type=hidden name=t value=1></form>',
     "x@x.example", 10, "hidden fields"),
    ('<FORM ACTION="HTTPS://EVIL.EXAMPLE/"><INPUT TYPE=PASSWORD></FORM>', "x@x.example", 30,
     "evil[.]example"),
    ('<p>Your password was changed. If this was not you, contact us.</p>', "x@x.example", 0,
     None),
    ('<p>Use the <code>&lt;form&gt;</code> tag</p>', "x@x.example", 0, None),
    ("", "x@x.example", 0, None),
]


@pytest.mark.parametrize(("html", "sender", "expected", "words"), FORMS)
def test_html_form(html, sender, expected, words):
    reasons = content.HtmlForm().check(view(html=html, sender=sender), OWN)
    assert (reasons[0].weight if reasons else 0) == expected
    if words:
        assert words in reasons[0].text


# ---------------------------------------------------------------------------------------
# language: (subject, text, categories found)
FOUND = [
    ("", "Please verify your account.", {"credential"}),
    ("", "Ver\u200bify your acc\u200bount now", {"credential"}),  # zero-width inside
    ("", "ＶＥＲＩＦＹ ＹＯＵＲ ＡＣＣＯＵＮＴ", {"credential"}),  # full-width (NFKC)
    ("", "Verify\n   your\taccount", {"credential"}),
    ("", "We noticed unusual sign in activity", {"account_threat"}),
    ("", "We noticed unusual signin activity", {"account_threat"}),
    ("", "Your password expires today.", {"account_threat", "urgency"}),
    ("", "Click here to verify your account", {"action", "credential"}),  # overlapping
    ("Final notice", "Pay the overdue invoice", {"urgency", "payment"}),
    ("", "We have changed our bank details; wire the payment to the new bank account.",
     {"bank_change", "payment"}),
    ("", "I need you to buy gift cards for a client today.", {"payment"}),
    ("", "Your Contoso account needs verification. Verify your Microsoft 365 account.",
     {"credential"}),
    ("", "Are you at your desk? I need you to handle something discreetly.", {"pressure"}),
    ("", "Can you do me a quick favour? I'm in a meeting.", {"pressure"}),  # first person
    ("", "我在开会不方便接电话，有件事需要你马上处理一下，看到回我。", {"pressure", "urgency"}),
    ("", "方便的话加一下我的新微信，有事找你。", {"pressure"}),
    ("", "Please note our bank details have changed. All future payments should go to the "
     "account below. Do not use the old account.", {"bank_change"}),
    ("", "We are closing an acquisition and I need a wire of $22,000 sent today. Keep this "
     "confidential.", {"payment", "pressure"}),
    ("", "你现在方便吗？帮我买几张京东卡，客户那边要用，稍后报销。", {"payment", "pressure"}),
    ("", "您的订单退款已审核通过，请回复银行卡号和开户行以便退款。", {"payment"}),
    ("", "您的包裹因地址不详无法派送，需支付重新派送费用。", {"lure", "payment"}),
    ("", "您有5封邮件未能成功投递，请登录邮箱查看。", {"account_threat", "credential"}),
    ("", "V\u0435rify y\u043eur \u0430\u0441\u0441ount", {"credential"}),  # Cyrillic е, о, а, с
    ("", "Anna shared a document with you. Sign in to your account to verify access.",
     {"lure", "credential"}),
    ("", "您有一张电子发票待查收，请点击下方链接登录您的邮箱查看", {"lure", "action",
                                                               "credential"}),
    ("", "关于2026年度个人所得税退税申请，请扫描下方二维码领取补贴", {"payment", "action"}),
    ("", "验 证 您 的 账 户", {"credential"}),
    ("", "我们检测到您的账户异常登录，请立即重新登录。", {"account_threat", "urgency",
                                                     "credential"}),
    ("", "您的邮箱容量已满，请点击以下链接升级您的邮箱", {"account_threat", "action",
                                                       "credential"}),
    ("", "我司银行账户变更，请汇款至以下新账户", {"payment"}),
    ("", "密码即将过期，24小时内未更新将被停用", {"account_threat", "urgency"}),
    # What a customer writes: no request to the reader.
    ("Password", "Hi, I forgot my password, can you help me reset it?", set()),
    ("", "I can't log in to my account since yesterday.", set()),
    ("", "My account has been suspended, why? I need to update my payment details.", set()),
    ("", "Can you verify my account please?", set()),
    ("", "I paid the overdue invoice yesterday.", set()),
    ("", "I made a wire transfer to you yesterday.", set()),
    ("", "我已经付款了，请查一下订单", set()),
    ("", "我的账户已被冻结，请帮忙解冻", set()),
    ("", "重新登录后还是不行", set()),
    ("", "忘记账号密码了，身份验证失败，无法完成实名认证", set()),
    ("", "请问手续费是多少？订单异常怎么办？", set()),
    ("", "王经理\n电话：010-12345678 传真：010-12345679", set()),
    ("", "I noticed unusual activity on my account.", set()),
    ("", "Your account will be credited within 3 days.", set()),
    ("", "Проверьте аккаунт", set()),
    # A customer quoting what they were shown.
    ("", "I tried to pay with PayPal but it keeps saying 'we couldn't verify your payment'.",
     set()),
    ("", "用支付宝付款时提示“账户存在风险，请验证身份”，验证了还是付不了", set()),
    ("", 'I got an e-mail saying "verify your account within 24 hours", is it yours?', set()),
    # Quoted without anyone being quoted: a button's words, still said to the reader.
    ("", 'Click "Verify your account" below.', {"credential"}),
    ("", "Delivery fee: $5.00. Your card was charged $42.00.", set()),
    ("", "Will my order go out today? What is the storage limit of my plan?", set()),
    ("", "By signing in you agree to the terms.", set()),
    ("", "Your Acme support portal session has expired.", {"account_threat"}),
    ("", "小王，下午有一笔款需要你先转一下，具体账户我发你。这事先别跟别人说。",
     {"payment", "pressure"}),
    ("", "We attempted to deliver your parcel but no one was available.", {"lure"}),
    ("", "As discussed, here is the revised invoice. Sign in to open it.",
     {"lure", "credential"}),
    ("", "你好，我通过网盘给您共享了一份文件，请登录查看。", {"lure", "credential"}),
    ("", "麻烦帮个忙，登录查看订单时报错，发现一笔异常交易", set()),
    ("", "We will never ask you to confirm your password or verify your account by e-mail.",
     set()),
    ("", "我们绝不会要求您确认您的密码", set()),
    ("", "> Please verify your account\n> by clicking below\nThanks, it worked!", set()),
    ("", "Do you sell gift cards? Do you accept wire transfers?", set()),
]


@pytest.mark.parametrize(("subject", "text", "categories"), FOUND)
def test_language_finds(subject, text, categories):
    found = language.find(language.normalise(f"{subject}\n{language._QUOTED.sub('', text)}"))
    assert set(found) == categories
    mail = view(text, subject=subject)
    assert bool(language.Language().check(mail, OWN)) == bool(categories)


# (text, html, expected weight)
SCORES = [
    ("Please reply immediately.", "", 3),  # urgency alone is weak
    ("Click the link below.", "", 3),
    ("Please verify your account.", "", 10),
    ("Please confirm your password.", "", 16),
    ("Please verify your account: https://evil.example/", "", 22),
    ("Please confirm your password: https://evil.example/", "", 28),
    ("Confirm your password within 24 hours: https://evil.example/", "", 36),
    ("Your mailbox will be suspended. Re-enter your credentials within 24 hours at "
     "https://evil.example/ or lose access to your account.", "", 45),  # capped
    ("", '<p>Your mailbox is full. Enter your password below.</p><form><input type=password>'
         '</form>', 45),
    ("We changed our bank details. Please make the payment today to the new bank account.",
     "", 30),
    # Without a link two strong kinds together may pass 30 (to 38), one kind never does.
    ("We changed our bank details. Please make the payment today to the new bank account. "
     "Keep this confidential and confirm by reply.", "", 38),
    ("Bank details have changed: new bank account, new account details, all future "
     "payments to the new remittance details. Do not use the old account.", "", 18),
    ("Overdue invoice: wire transfer today, final notice.", "", 21),
    ("您的账户已被冻结，请点击以下链接重新验证您的身份 https://evil.example/", "", 45),
]


@pytest.mark.parametrize(("text", "html", "expected"), SCORES)
def test_language_weights(text, html, expected):
    assert weights(language.Language, view(text, html)) == expected


SECURITY_NOTICE = ("We noticed a new sign-in to your Google Account on a Windows device. "
                   "If this was you, you don't need to do anything. If not, we'll help you "
                   "secure your account: https://myaccount.google.com/notifications")


@pytest.mark.parametrize(("text", "expected"), [
    (SECURITY_NOTICE, 10),
    ("我们检测到您的账户异常登录。如果是您本人操作，请忽略此邮件。https://account.example/", 10),
    # Without the reassurance, the same words are a warning that wants the click.
    (SECURITY_NOTICE.replace("If this was you, you don't need to do anything. ", ""), None),
])
def test_a_real_notice_that_needs_nothing_of_the_reader_stays_low(text, expected):
    weight = weights(language.Language, view(text))
    assert weight == expected if expected is not None else weight > 10


@pytest.mark.parametrize(("text", "html", "calls"), [
    ("", '<p>Hello</p><a href="https://x.example/">Verify</a>', {"\u201cverify\u201d link"}),
    ("", '<a href="https://x.example/">去验证</a>', {"\u201c去验证\u201d link"}),
    ("Your account needs verification.\n\nSign in: https://x.example/", "",
     {"\u201csign in\u201d link"}),
    ("", '<a href="https://x.example/">View your order</a>', set()),
    ("Order: https://shop.example/o/1", "", set()),
])
def test_calls_to_act_are_a_links_own_words(text, html, calls):
    mail = view(text, html)
    assert language.calls(mail, language._text(mail)) == calls


def test_a_request_with_a_link_that_hides_its_target_weighs_more():
    text = "Here is the revised invoice: "
    plain = weights(language.Language, view(text + "https://files.shop-a.example/inv/1"))
    risky = weights(language.Language, view(text + "https://x1.web.app/inv/1"))
    assert (plain, risky) == (6 + 6, 6 + 6 + 6)  # a lure, with a link, with a risky one


def test_a_call_adds_to_a_request():
    plain = "Your account needs verification. Details: https://x.example/"
    called = "Your account needs verification.\nVerify: https://x.example/"
    assert weights(language.Language, view(called)) > weights(language.Language, view(plain))
    # ... but a call alone is weak.
    assert weights(language.Language, view("Log in: https://shop.example/")) == 3


def test_a_link_to_the_helpdesks_own_domain_is_not_a_lure():
    notice = "Your password will expire in 5 days. To change it go to "
    own = weights(language.Language, view(notice + "https://sso.trustdesk.example/password"))
    other = weights(language.Language, view(notice + "https://sso.other.example/password"))
    assert own == 10 and other == 18


def test_language_explains_in_plain_words():
    (reason,) = language.Language().check(
        view("Please confirm your password: https://evil.example/"), OWN)
    assert "sign in or confirm their account or password" in reason.text
    assert "\u201cconfirm your password\u201d" in reason.text and "link" in reason.text


def test_language_reads_the_subject_and_an_html_part_that_differs_from_the_text():
    mail = MailView(raw=b"", parsed=Parsed(subject="Action required: verify your account",
                                           text="Hello"),
                    html="<p>Your payment was declined. Update your payment details.</p>",
                    text="Hello", links=(), auth=None, findings=())
    (reason,) = language.Language().check(mail, OWN)
    assert "verify your account" in reason.text and "payment" in reason.text


QUOTED_REPLY_HTML = (
    '<div>Thanks, that worked! See https://www.customer.example/</div>'
    '<div class="gmail_quote">On Mon, Support wrote:<blockquote class="gmail_quote">'
    '<p>Please verify your account by replying with your order number. Click the link '
    'below: <a href="https://help.trustdesk.example/t/1">ticket</a></p></blockquote></div>')


@pytest.mark.parametrize("text", ["", html_to_text(QUOTED_REPLY_HTML),
                                  "Thanks, that worked!\n\n> Please verify your account"])
def test_language_skips_what_a_reply_quotes(text):
    mail = MailView(raw=b"", parsed=Parsed(subject="Re: your ticket",
                                           text=text or html_to_text(QUOTED_REPLY_HTML)),
                    html=QUOTED_REPLY_HTML, text=text or html_to_text(QUOTED_REPLY_HTML),
                    links=links.extract(QUOTED_REPLY_HTML, text), auth=None, findings=())
    assert language.Language().check(mail, OWN) == []


def test_language_still_reads_unquoted_html_beside_a_quote():
    html = ('<p>Your mailbox is full. Verify your account: <a href="https://evil.example/">'
            'here</a></p><blockquote>old text</blockquote>')
    (reason,) = language.Language().check(view(html=html), OWN)
    assert "verify your account" in reason.text


def test_phrase_table_is_well_formed():
    table = language.table()
    assert {p.category for p in table.phrases} == set(language.WHAT) | table.reassurance
    for category in [*language.WHAT, *table.reassurance]:
        mine = [p for p in table.phrases if p.category == category]
        assert any(phrases._CJK.search(p.text) for p in mine), f"{category}: no Chinese"
        assert any(not phrases._CJK.search(p.text) for p in mine), f"{category}: no English"
    texts = [p.text for p in table.phrases]
    assert len(texts) == len(set(texts)), "a phrase is listed twice"
    bare = {"password", "密码", "付款", "汇款", "account", "login", "invoice"}
    assert not bare & {p.text for p in table.phrases}
    assert table.cap <= 45 and table.cap_without_link <= 30


def test_a_custom_table_combines_as_written():
    doc = yaml.safe_load("""
guards: {en: [my], zh: [我]}
extra: 1
extra_max: 1
categories:
  credential: {weight: 5, en: [open sesame, {say please: 9}], zh: [芝麻开门]}
  urgency: {weight: 2, en: [hurry], zh: []}
combinations: [{when: [credential, urgency], bonus: 7}]
weak_alone: [urgency]
weak_alone_max: 1
cap: 20
cap_without_link: 15
""")
    table = phrases.build(doc)
    found = language.find(language.normalise("Open  Sesame! Say please, hurry. 芝麻 开门"), table)
    assert found == {"credential": {"open sesame": 5, "say please": 9, "芝麻开门": 5},
                     "urgency": {"hurry": 2}}
    assert language.score(found, has_link=True, t=table) == 9 + 1 + 2 + 7
    assert language.score(found, has_link=False, t=table) == 15
    assert language.score({"urgency": {"hurry": 2}}, has_link=True, t=table) == 1
    assert language.find("my open sesame", table) == {}


# ---------------------------------------------------------------------------------------
# Whole ordinary messages: no content signal may make a case of them.
RECEIPT = """<html><body><img src="https://img.shop.example/logo.png">
<p>Thank you for your order #10442. Your payment was received.</p>
<table><tr><td>Blue mug</td><td>$12.00</td></tr></table>
<p><a href="https://www.shop.example/orders/10442">View your order</a> or visit
<a href="https://click.shop.example/track?u=https%3A%2F%2Fwww.shop.example%2Fhelp">
www.shop.example/help</a>. Track it at
<a href="https://track.carrier.example/?id=1Z999">the carrier's site</a>.</p>
<p><a href="https://click.shop.example/ls/click?upn=abc">www.shop.example</a></p>
</body></html>"""
NEWSLETTER = """<html><body><h1>Spring sale: today only!</h1>
<p><a href="https://shop.us5.list-manage.com/track/click?u=a1&id=b2&e=c3">www.shop.example</a>
<a href="https://shop.us5.list-manage.com/track/click?u=a1&id=b4">Shop now</a>
<a href="https://click.shop.example/?redirect=https%3A%2F%2Fpartner.example%2Foffer">
Our partner's offer</a></p>
<p>We will never ask for your password by e-mail.</p>
<p><a href="https://shop.us5.list-manage.com/unsubscribe?u=a1&id=b5">Unsubscribe</a> |
<a href="https://shop.us5.list-manage.com/profile?u=a1">Update your preferences</a></p>
</body></html>"""
MAILING_LIST = """On Monday, Bob wrote:
> Did anyone verify your account settings on the staging box?
> Click here to see: https://wiki.example.org/staging
Yes, staging is fine now. See https://github.com/example/project/issues/42 and
https://lists.example.org/pipermail/dev/2026-December/001234.html

--
dev mailing list
dev@lists.example.org
https://lists.example.org/mailman/listinfo/dev
"""
ORDINARY = [
    ("receipt", "", RECEIPT, "orders@shop.example", "Your order #10442"),
    ("newsletter", "", NEWSLETTER, "news@shop.example", "Spring sale"),
    ("mailing list", MAILING_LIST, "", "bob@example.org", "Re: [dev] staging"),
    ("password question", "Hi, I forgot my password and now I can't log in to my account. "
     "Can you reset it? My username is ada. Please help immediately, thanks!", "",
     "ada@customer.example", "Can't log in"),
    ("pasted URL", "The page https://www.shop.example/account/settings?tab=billing shows "
     "error 500 when I try to update my payment details. Screenshot: "
     "https://imgur.com/a/Xy12Ab", "", "ada@customer.example", "Error on your site"),
    ("paid", "我已经付款了，请查一下订单 10442。付款截图见附件。", "", "wang@customer.example",
     "订单付款"),
    ("paid, html", "", "<p>您好，</p><p>我已经付款了，请查一下订单。</p><p>谢谢</p>",
     "wang@customer.example", "付款"),
    ("auto-reply", "I am out of the office until Monday 7 December with limited access to "
     "e-mail. For urgent matters please contact bob@customer.example.", "",
     "ada@customer.example", "Automatic reply: Your ticket"),
    ("auto-reply zh", "您好，我目前休假中，12月7日返回。如有紧急事务，请联系王先生。", "",
     "li@customer.example", "自动回复"),
    ("verification", "Please confirm your e-mail address by clicking the button below: "
     "https://app.saas.example/confirm?t=abc", "", "no-reply@saas.example",
     "Confirm your e-mail address"),
]


@pytest.mark.parametrize(("case", "text", "html", "sender", "subject"), ORDINARY,
                         ids=[c[0] for c in ORDINARY])
def test_ordinary_mail_is_left_alone(case, text, html, sender, subject):
    mail = view(text, html, subject=subject, sender=sender)
    reasons = [r for s in content.SIGNALS for r in s().check(mail, OWN)]
    assert [r for r in reasons if r.signal != "language"] == []
    assert sum(r.weight for r in reasons) <= 3, reasons


def test_every_signal_has_its_name_and_survives_an_empty_view():
    names = {s.name for s in content.SIGNALS}
    assert names == {"link_text_mismatch", "suspicious_url", "html_form", "language"}
    empty = MailView(raw=b"", parsed=Parsed(), html="", text="", links=(), auth=None,
                     findings=())
    assert all(s().check(empty, Context()) == [] for s in content.SIGNALS)


# ---------------------------------------------------------------------------------------
# Through the analyser: the registry runs these signals on a parsed message.
def _raw(sender: str, subject: str, body: str, ctype: str = "text/plain") -> bytes:
    return (f"From: {sender}\r\nTo: support@trustdesk.example\r\nSubject: {subject}\r\n"
            f"Message-ID: <m1@sender.example>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: {ctype}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            f"{body}").encode()


def test_the_analyser_runs_the_content_signals():
    from trustdesk.mailgateway.analysis.phishing.analyze import analyze_message

    raw = _raw("Mail Admin <admin@mailhost.example>", "Mailbox quota",
               "<p>Your mailbox is full. Verify your account within 24 hours:</p>"
               "<a href='http://198.51.100.23/owa/'>https://outlook.office365.com/owa</a>",
               "text/html")
    verdict = analyze_message(raw, context=OWN)
    names = {r.signal for r in verdict.reasons}
    assert {"language", "link_text_mismatch", "suspicious_url"} <= names
    assert verdict.verdict == "phishing"


@pytest.mark.parametrize(("case", "text", "html", "sender", "subject"), ORDINARY,
                         ids=[c[0] for c in ORDINARY])
def test_the_analyser_leaves_ordinary_mail_clean(case, text, html, sender, subject):
    from trustdesk.mailgateway.analysis.phishing.analyze import analyze_message

    raw = _raw(sender, subject, html or text, "text/html" if html else "text/plain")
    verdict = analyze_message(raw, context=OWN)
    mine = {"link_text_mismatch", "suspicious_url", "html_form"}
    assert not [r for r in verdict.reasons if r.signal in mine]
    assert verdict.verdict == "clean", verdict.reasons


_PIECES = st.sampled_from([
    "<a href='", "'>", "</a>", "<form action='", "<input type=password>", "<input type=",
    "hidden", "<blockquote>", "</blockquote>", "https://", "hxxp://", "www.", "paypal.com",
    "@", "%2F", "?url=", "https%3A%2F%2F", "[.]", "xn--", "\u0430", "\u200b", "verify your",
    " account", "验证您的", "账户", "我", "“", "”", "'", '"', ">", "\n", ":", "0x7f.1",
    "[::1]", ":8080", "javascript:", "data:", "bit.ly/", "safelinks.protection.outlook.com/",
    "urldefense.com/v3/__", "__;", "google.com/url?q=", "?u=", "-", "_",
])


@settings(max_examples=200, deadline=None)
@given(html=st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join),
       text=st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join),
       sender=st.sampled_from(["", "a@b.example", "x@paypal.com", "bad@", "@"]))
def test_content_signals_never_raise_and_stay_in_bounds(html, text, sender):
    mail = view(text, html, sender=sender, subject=text[:40])
    for signal in content.SIGNALS:
        reasons = signal().check(mail, OWN)
        assert len(reasons) <= 1
        for reason in reasons:
            assert reason.signal == signal.name and reason.text
            assert 0 < reason.weight <= (45 if signal is language.Language else content.CAP)
