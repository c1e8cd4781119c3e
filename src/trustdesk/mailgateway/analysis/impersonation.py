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

from trustdesk.mailgateway.analysis import domains

# Role names inside a company that phishing mail borrows (English and Chinese).
ROLE_WORDS = (
    "it support", "it department", "it team", "it helpdesk", "it service", "helpdesk",
    "help desk", "service desk", "support team", "tech support", "technical support",
    "security team", "security department", "administrator", "system administrator",
    "sysadmin", "postmaster", "webmaster", "mail administrator", "payroll", "hr department",
    "human resources", "accounts payable", "finance department", "ceo", "信息技术部", "IT部",
    "技术支持", "客服中心", "安全团队", "管理员", "人力资源", "财务部",
)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def check(display_name: str, from_domain: str | None, *, company_domains: Iterable[str],
          names: Iterable[str] = ()) -> str:
    """"" when nothing is wrong; else a plain-words warning naming what was borrowed."""
    shown = (display_name or "").strip()
    if not shown:
        return ""
    org = domains.organisational(from_domain or "") or (from_domain or "")
    companies = {domains.organisational(d) or d for d in company_domains if d}
    if org and org in companies:
        return ""
    normal = _words(shown)
    padded = f" {normal} "
    borrowed = ""
    for name in names:
        name_words = _words(name)
        if len(name_words) >= 4 and f" {name_words} " in padded:
            borrowed = "a colleague's name"
            break
    if not borrowed:
        for company in companies:
            label = company.split(".")[0]
            if len(label) >= 3 and f" {label} " in padded:
                borrowed = "the company's name"
                break
    if not borrowed:
        lowered = shown.lower()
        for role in ROLE_WORDS:
            if (f" {role} " in padded) if role.isascii() else (role.lower() in lowered):
                borrowed = "a role inside the company"
                break
    if not borrowed:
        return ""
    where = from_domain or "an address outside the company"
    return (f"The sender calls themself \u201c{shown[:80]}\u201d, {borrowed}, but writes "
            f"from {where}, not from a company address.")
