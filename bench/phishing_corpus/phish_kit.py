"""What the phishing styles share: where phishing pages are hosted, lookalike URLs,
the sending infrastructure (free mail, hacked sites, ESPs, VPSes), brand templates."""

from __future__ import annotations

import html
import random

from . import lookalike, world
from .mime import Mail
from .text import button, pick, template_html

OWN = world.OWN_DOMAINS
# Hosting that phishing pages sit on: real platforms, hacked sites, raw addresses.
HOSTED = (
    "{r}.web.app",
    "{r}.firebaseapp.com",
    "{r}.netlify.app",
    "{r}.pages.dev",
    "{r}.workers.dev",
    "storage.googleapis.com/{r}",
    "{r}.blob.core.windows.net",
    "ipfs.io/ipfs/bafy{r}",
    "{r}.github.io",
    "sites.google.com/view/{r}",
    "harbourview-florist.com/wp-content/uploads/{r}",
    "old.kleinbakkerij.nl/{r}",
    "{ip}",
    "{ip}:8080",
    "{r}.azurewebsites.net",
    "forms.office.com/r/{r}",
)
HACKED = (
    "harbourview-florist.com",
    "kleinbakkerij.nl",
    "dentalcare-plus.com.br",
    "stmarks-parish.org",
    "autohaus-weber.de",
    "greenleaf-yoga.com",
    "tianyuan-jixie.cn",
)


def _r(rng: random.Random, n: int = 8) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def _ip(rng: random.Random) -> str:
    return (
        f"{rng.choice((45, 91, 103, 185, 193, 194, 212))}.{rng.randint(1, 254)}."
        f"{rng.randint(1, 254)}.{rng.randint(1, 254)}"
    )


def hosted_url(rng: random.Random, path: str = "") -> str:
    host = rng.choice(HOSTED).format(r=_r(rng, rng.randint(5, 12)), ip=_ip(rng))
    path = path or pick(
        rng,
        "/login",
        "/index.html",
        "/signin/",
        "/auth/verify.php",
        f"/?id={_r(rng, 16)}",
        "/office365/",
        "/secure/account/update",
        f"/#{_r(rng, 10)}",
        "/owa/",
        "/",
    )
    return f"{pick(rng, 'https', 'https', 'http')}://{host}{path}"


def fake_domain(rng: random.Random, real: str, trick: str | None = None) -> str:
    return lookalike.make(rng, real, trick)[1]


def fake_url(rng: random.Random, real: str, trick: str | None = None) -> str:
    host = fake_domain(rng, real, trick)
    return f"https://{lookalike.ascii_host(host) if rng.random() < 0.5 else host}" + pick(
        rng,
        "/login",
        "/signin",
        "/account/verify",
        "/secure/update",
        "/auth",
        f"/session/{_r(rng, 12)}",
        "/",
    )


def _sender(
    rng: random.Random, kind: str, name_hint: str = "", zh: bool = False
) -> tuple[str, str, str]:
    """(address, DKIM domain or "", relay) for the sending infrastructure kind."""
    local = name_hint or pick(
        rng,
        "support",
        "security",
        "admin",
        "notice",
        "service",
        "info",
        "billing",
        "accounts",
        "no-reply",
    )
    if kind == "freemail":
        domain = rng.choice(world.FREEMAIL_ZH if zh else world.FREEMAIL)
        return (
            f"{local}{pick(rng, '', '.', '_')}"
            f"{pick(rng, 'desk', 'team', 'dept', 'acme', str(rng.randint(1, 999)))}"
            f"@{domain}",
            domain,
            "",
        )
    if kind == "hacked":
        domain = rng.choice(HACKED)
        return (
            f"{pick(rng, 'info', 'office', 'wordpress', 'admin', local)}@{domain}",
            (domain if rng.random() < 0.5 else ""),
            "",
        )
    if kind == "esp":
        word = pick(rng, "mail", "notify", "alerts", "news")
        domain = f"{_r(rng, 6)}-{word}.{pick(rng, 'com', 'net', 'xyz')}"
        return f"{local}@{domain}", domain, f"o{rng.randint(1, 40)}.{rng.choice(world.ESPS)}"
    # a VPS with PHPMailer and a random domain
    domain = f"{_r(rng, rng.randint(5, 9))}.{pick(rng, 'com', 'top', 'xyz', 'online', 'ru', 'cn')}"
    return f"{local}@{domain}", "", f"vps{rng.randint(100, 999)}.{domain}"


def _brand(rng: random.Random) -> tuple[str, str]:
    return rng.choice(world.BRANDS)


def _wrap(
    rng,
    mail: Mail,
    brand: str,
    colour: str,
    paragraphs: list[str],
    link: str,
    label: str,
    *,
    shown: str = "",
) -> None:
    """An HTML body in a brand's template; the text part with the link as plain text."""
    inner = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    if shown:  # the link's text shows a URL, not the target
        inner += f'<p><a href="{html.escape(link)}">{html.escape(shown)}</a></p>'
    else:
        inner += button(link, label, colour)
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in "".join(paragraphs))
    footer = pick(
        rng,
        f"© 2026 {brand}. " + ("版权所有。" if zh else "All rights reserved."),
        f"此邮件由{brand}系统自动发送，请勿直接回复。"
        if zh
        else f"This is an automated message from {brand}. Please do not reply.",
        f"{brand} · " + ("隐私政策 · 服务条款" if zh else "Privacy · Terms"),
        "",
    )
    if shown:
        label = "链接" if zh else pick(rng, "Link", "Official site", "View online")
    mail.html = template_html(brand, colour, inner, html.escape(footer))
    mail.text = "\n\n".join(paragraphs) + f"\n\n{label}: {shown or link}\n\n{footer}\n"


def _phish_page(rng, zh: bool) -> str:
    action = hosted_url(rng, "/p.php")
    if rng.random() < 0.4:  # a page that only sends the browser on
        return (
            f'<html><head><meta http-equiv="refresh" content="0; url={action}">'
            f"<script>window.location.href=atob('{_r(rng, 24)}')</script></head><body>"
            f"Loading...</body></html>"
        )
    return (
        "<html><head><title>"
        + ("登录" if zh else pick(rng, "Sign in", "Secure Document"))
        + "</title></head><body><h3>"
        + ("请登录查看文件" if zh else "Sign in to view this document")
        + f'</h3><form method="post" action="{action}"><input name="email" '
        f'value="{world.SUPPORT}"><input type="password" name="pw"><button>'
        + ("登录" if zh else "Next")
        + "</button></form></body></html>"
    )
