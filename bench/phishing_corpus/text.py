"""Small text helpers shared by the two classes: HTML wrappers in the shapes that Gmail,
Outlook and ESP templates produce, signatures, quoting and plain-text renderings."""

from __future__ import annotations

import html
import random
import re
from urllib.parse import quote as quote_url


def pick(rng: random.Random, *options):
    return rng.choice(options)


def money(rng: random.Random, lo: int = 9, hi: int = 900, cur: str | None = None) -> str:
    cur = cur or rng.choice(("$", "€", "£", "$"))
    return f"{cur}{rng.randint(lo, hi)}.{rng.randint(0, 99):02d}"


def order_no(rng: random.Random) -> str:
    return rng.choice(
        (
            f"#{rng.randint(10000, 999999)}",
            f"AC-{rng.randint(100000, 999999)}",
            f"{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}",
        )
    )


def paragraphs_html(text: str) -> str:
    out = []
    for block in text.split("\n\n"):
        out.append("<p>" + html.escape(block).replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def gmail_html(text: str) -> str:
    body = "".join(f"<div>{html.escape(line) or '<br>'}</div>" for line in text.split("\n"))
    return f'<div dir="ltr">{body}</div>\n'


def outlook_html(text: str) -> str:
    body = "\n".join(
        f'<p class="MsoNormal">{html.escape(line) or "&nbsp;"}<o:p></o:p></p>'
        for line in text.split("\n")
    )
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",'
        'sans-serif;} --></style></head><body lang="EN-US" link="#0563C1">'
        f'<div class="WordSection1">\n{body}\n</div></body></html>'
    )


URL = re.compile(r"https?://[^\s<>\"']+")


def safelink(url: str, rng: random.Random) -> str:
    """Microsoft Defender's rewrite of a link in mail to an Office 365 tenant."""
    return (
        f"https://{rng.choice(('eur01', 'eur02', 'nam10', 'nam12', 'apc01'))}.safelinks."
        f"protection.outlook.com/?url={quote_url(url, safe='')}&data=05%7C02%7C"
        f"{rng.getrandbits(64):x}%7C0&sdata={rng.getrandbits(128):x}%3D&reserved=0"
    )


def client_html(rng: random.Random, client: str, text: str, *, safelinks: bool = False) -> str:
    """The HTML alternative a client writes: the text with its URLs made links (behind
    Safe Links when the sender's tenant rewrote them)."""
    if client == "outlook":
        markup = outlook_html(text)
    elif client in ("gmail", "apple", "iphone"):
        markup = gmail_html(text)
    else:
        markup = "<html><body>" + paragraphs_html(text) + "</body></html>"

    def link(m: re.Match) -> str:
        url = html.unescape(m.group(0))
        href = safelink(url, rng) if safelinks else url
        return f'<a href="{html.escape(href)}">{m.group(0)}</a>'

    return URL.sub(link, markup)


def template_html(brand: str, colour: str, inner: str, footer: str) -> str:
    """An ESP-style table layout: header band, the content, a small-print footer."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width"><title></title></head><body style="margin:0;'
        'padding:0;background:#f4f4f4">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td '
        'align="center"><table role="presentation" width="600" style="background:#ffffff">'
        f'<tr><td style="background:{colour};padding:18px;color:#fff;font:bold 20px '
        f'Arial">{html.escape(brand)}</td></tr>'
        f'<tr><td style="padding:24px;font:14px/1.5 Arial;color:#333">{inner}</td></tr>'
        f'<tr><td style="padding:16px;font:11px Arial;color:#888">{footer}</td></tr>'
        "</table></td></tr></table></body></html>"
    )


def button(href: str, label: str, colour: str = "#1a73e8") -> str:
    return (
        f'<table role="presentation"><tr><td style="background:{colour};border-radius:4px;'
        f'padding:10px 18px"><a href="{html.escape(href)}" style="color:#fff;'
        f'text-decoration:none;font-weight:bold">{html.escape(label)}</a></td></tr></table>'
    )


def quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))
