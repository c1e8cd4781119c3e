"""Display-name impersonation: a sender who calls themself by a colleague's name, the
company's, or a role inside it ("IT Support", "Helpdesk") while writing from an address
outside the company's domains. A customer may well be called "Support" by their mail
client's owner; an outsider named after the company's IT department is the classic
opening of a phishing mail to a support team. The result is a warning for the agent, not
a verdict on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from trustdesk.mailgateway.analysis import domains

# Role names inside a company that phishing mail borrows (English and Chinese).
ROLE_WORDS = (
    "it support", "it department", "it team", "it helpdesk", "it service", "helpdesk",
    "help desk", "service desk", "support team", "tech support", "technical support",
    "security team", "security department", "administrator", "system administrator",
    "sysadmin", "postmaster", "webmaster", "mail administrator", "payroll", "hr department",
    "human resources", "accounts payable", "finance department", "ceo", "信息技术部", "IT部",
    "email admin", "mail admin", "email administrator", "mailbox administrator",
    "email team", "mail team", "it admin", "system admin", "network administrator",
    "技术支持", "客服中心", "安全团队", "管理员", "人力资源", "财务部", "总经理", "董事长", "总裁",
    "邮箱管理", "邮件管理", "系统管理", "信息中心", "网络中心", "安全中心",
)
# How Chinese mail names an executive: a surname and 总 or 董 ("李总", "陈董").
_EXECUTIVE = re.compile(r"[\u4e00-\u9fff]{1,2}[总董]")


@lru_cache(maxsize=1024)
def _label(domain: str) -> str:
    """The organisational domain's first label: ``paypal`` of ``www.paypal.co.uk``."""
    return (domains.organisational(domain) or domain).split(".")[0]


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


COLLEAGUE, COMPANY, ROLE = "a colleague's name", "the company's name", \
    "a role inside the company"


def borrowed(display_name: str, from_domain: str | None, *, company_domains: Iterable[str],
             names: Iterable[str] = ()) -> str:
    """What the display name borrows (``COLLEAGUE``, ``COMPANY`` or ``ROLE``) while the
    address is outside the company's domains; "" when nothing."""
    shown = (display_name or "").strip()
    if not shown:
        return ""
    org = domains.organisational(from_domain or "") or (from_domain or "")
    companies = {domains.organisational(d) or d for d in company_domains if d}
    if org and org in companies:
        return ""
    normal = _words(shown)
    padded = f" {normal} "
    for name in names:
        name_words = _words(name)
        if name_words.isascii():
            if len(name_words) >= 4 and f" {name_words} " in padded:
                return COLLEAGUE
        # A Chinese name is two or three characters, written without spaces.
        elif len(name_words.replace(" ", "")) >= 2 and name_words.replace(" ", "") in \
                normal.replace(" ", ""):
            return COLLEAGUE
    for company in companies:
        label = company.split(".")[0]
        if len(label) >= 3 and f" {label} " in padded:
            return COMPANY
    lowered = shown.lower()
    for role in ROLE_WORDS:
        if (f" {role} " in padded) if role.isascii() else (role.lower() in lowered):
            return ROLE
    if _EXECUTIVE.fullmatch(shown):
        return ROLE
    return ""


def check(display_name: str, from_domain: str | None, *, company_domains: Iterable[str],
          names: Iterable[str] = ()) -> str:
    """"" when nothing is wrong; else a plain-words warning naming what was borrowed."""
    what = borrowed(display_name, from_domain, company_domains=company_domains, names=names)
    if not what:
        return ""
    shown = display_name.strip()
    where = from_domain or "an address outside the company"
    return (f"The sender calls themself \u201c{shown[:80]}\u201d, {what}, but writes "
            f"from {where}, not from a company address.")


# One brand ready to match: (brand, its domains with their first labels, its names as
# (words, is ascii, lowered)).
_Prepared = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, bool, str], ...]]


@lru_cache(maxsize=8)
def _prepared(brands: tuple) -> tuple[_Prepared, ...]:
    """The brand table with every name normalised once. A message is matched against
    every brand, so normalising the table per message cost more than matching it; the
    table is the same tuple for every message (the bundled one, or a context's)."""
    return tuple(
        (name, tuple((d, _label(d)) for d in brand_domains),
         tuple((_words(alias), alias.isascii(), alias.lower()) for alias in shown_names))
        for name, shown_names, brand_domains in brands)


def brand(display_name: str, from_domain: str | None,
          brands: Iterable[tuple[str, tuple[str, ...], tuple[str, ...]]]) -> str:
    """The brand whose name the display name carries while the address is none of that
    brand's domains, or "". ``brands``: (brand, its names as shown, its domains).

    A sender whose own domain spells their display name ("Apple Growers" at
    applegrowers.example) is named after themself, not borrowing a brand."""
    shown = (display_name or "").strip()
    if not shown:
        return ""
    host = (from_domain or "").lower()
    padded = f" {_words(shown)} "
    lowered = shown.lower()
    org = domains.organisational(host) or host
    org_label = org.split(".")[0]
    own_label = org_label.replace("-", "")
    country = len(org.rsplit(".", 1)[-1]) == 2
    joined = padded.replace(" ", "")
    table = brands if isinstance(brands, tuple) else tuple(brands)
    for name, brand_domains, aliases in _prepared(table):
        # A brand's name under another country's ending is usually the brand's own too
        # (paypal.co.uk, amazon.fr), not under a generic one (amazon.info); a look-alike
        # name is the lookalike signal's to judge.
        if any(host == d or host.endswith("." + d) or (country and label == org_label)
               for d, label in brand_domains):
            continue
        for words, ascii_only, alias_lower in aliases:
            if not ((f" {words} " in padded) if ascii_only else (alias_lower in lowered)):
                continue
            compact = words.replace(" ", "")
            # Named after their own domain: the display name spelled in the domain's label
            # ("Apple Growers" at applegrowers.example), or the label opening the name
            # and longer than the brand ("Applegrowers Ltd").
            if own_label != compact and joined != compact and len(own_label) > len(compact) and (
                    joined in own_label or joined.startswith(own_label)):
                return ""
            return name
    return ""
