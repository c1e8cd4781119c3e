"""Phishing that carries its payload: HTML pages and malware (programs in zips,
scripts, macro documents) as attachments; and a known customer's mailbox taken over."""

from __future__ import annotations

from . import files
from .mime import Attachment, Mail
from .phish_kit import _phish_page, _sender, hosted_url
from .text import client_html, pick

# --- attachments ----------------------------------------------------------------------------


def html_attachment(rng, w, index) -> Mail:
    zh = rng.random() < 0.3
    name = (
        pick(
            rng,
            "Secure_Message.htm",
            "Remittance_Advice.html",
            f"INV{rng.randint(1000, 9999)}.html",
            "Voicemail_0043.html",
            "Payment_Confirmation.shtml",
            "DocuSign_Review.html",
        )
        if not zh
        else pick(rng, "发票.html", "对账单.htm", "付款通知.html")
    )
    subject, body = (
        pick(
            rng,
            ("付款通知", "附件是付款通知，请查收。"),
            ("对账单", "您好，麻烦看一下附件里的对账单，有问题随时联系。"),
        )
        if zh
        else pick(
            rng,
            ("Remittance advice", "Please find the remittance advice attached."),
            (
                "Secure message",
                "You have received a secure message. Open the attachment to read it.",
            ),
            ("Voicemail", "New voice message attached (0:43)."),
            ("Payment confirmation", "Hi, payment has been made. See attached."),
        )
    )
    addr, dkim, relay = _sender(rng, pick(rng, "freemail", "hacked", "esp", "vps"), zh=zh)
    mail = Mail(
        from_name=pick(
            rng, "Accounts", "DocuSign", "Voice Services", "财务部" if zh else "Finance"
        ),
        from_addr=addr,
        subject=subject,
        text=body,
        client=pick(rng, "outlook", "none", "phpmailer"),
        dkim_domain=dkim,
        relay=relay,
        attachments=[
            Attachment(
                name,
                pick(rng, "text/html", "application/octet-stream"),
                _phish_page(rng, zh).encode(),
            )
        ],
    )
    return mail


def malware_attachment(rng, w, index) -> Mail:
    zh = rng.random() < 0.3
    kind = rng.choice(("zip_exe", "zip_script", "doc_macro", "docm", "xlsm", "exe_renamed"))
    stem = (
        pick(rng, "Invoice", "Order", "Statement", "Scan", "Payment", "Contract")
        if not zh
        else pick(rng, "发票", "订单", "合同", "扫描件")
    )
    n = rng.randint(1000, 99999)
    if kind == "zip_exe":
        att = Attachment(
            f"{stem}_{n}.zip",
            "application/zip",
            files.zip_of({f"{stem}_{n}.pdf.exe": files.program(rng)}),
        )
    elif kind == "zip_script":
        att = Attachment(
            f"{stem}_{n}.zip",
            "application/zip",
            files.zip_of({f"{stem}_{n}.{pick(rng, 'js', 'vbs', 'bat', 'cmd')}": files.script(rng)}),
        )
    elif kind == "doc_macro":
        att = Attachment(f"{stem}_{n}.doc", "application/msword", files.macro_doc(rng))
    elif kind == "docm":
        att = Attachment(
            f"{stem}_{n}.docm",
            "application/vnd.ms-word.document.macroEnabled.12",
            files.macro_docm(rng, "word"),
        )
    elif kind == "xlsm":
        att = Attachment(
            f"{stem}_{n}.xlsm",
            "application/vnd.ms-excel.sheet.macroEnabled.12",
            files.macro_docm(rng, "excel"),
        )
    else:  # a program that calls itself a PDF
        att = Attachment(f"{stem}_{n}.pdf", "application/pdf", files.program(rng))
    body = (
        pick(rng, "附件是合同，请查收并确认。", "您好，附件是发票，请尽快处理。", "请查看附件。")
        if zh
        else pick(
            rng,
            "Please see the attached document and confirm.",
            "Attached is the invoice as requested.",
            "Enable editing and content to view the document.",
            "Here is the scan you asked for.",
            "Hi,\n\nPlease review the attached order and let me know by end of day.",
        )
    )
    addr, dkim, relay = _sender(rng, pick(rng, "freemail", "hacked", "vps"), zh=zh)
    return Mail(
        from_name=pick(rng, "Accounts Payable", "Sales", "Scanner", "Office")
        if not zh
        else pick(rng, "财务", "销售部", ""),
        from_addr=addr,
        subject=f"{stem} {n}"
        if rng.random() < 0.6
        else pick(rng, "Documents", "文件", "RE: order"),
        text=body,
        client=pick(rng, "outlook", "none"),
        dkim_domain=dkim,
        relay=relay,
        attachments=[att],
    )


def compromised_account(rng, w, index) -> Mail:
    """A known customer's real mailbox, taken over: a shared-document lure, or a reply
    in one of their own ticket threads (thread hijack) with a new link or attachment."""
    victim = rng.choice(w.customers)
    zh = victim.zh
    link = hosted_url(rng)
    hijack = rng.random() < 0.5
    if zh:
        subject = (
            "回复：" + pick(rng, "订单问题", "发票")
            if hijack
            else pick(rng, "共享文件", "请查看文件")
        )
        body = pick(
            rng,
            f"你好，更新后的文件在这里，请登录查看：{link}",
            f"您好，我通过网盘给您共享了一份文件：{link}",
        )
    else:
        subject = (
            ("Re: " + pick(rng, "Invoice question", "Your request", "Refund"))
            if hijack
            else pick(
                rng,
                f"{victim.name} shared a file with you",
                "Document for review",
                "Shared: contract",
            )
        )
        body = pick(
            rng,
            f"Hi, please see the updated document here: {link}",
            f"I've shared a file with you via OneDrive. View it here: {link}",
            f"As discussed, here is the revised invoice. Sign in to open it: {link}",
        )
    mail = Mail(
        from_name=victim.name,
        from_addr=victim.address,
        subject=subject,
        text=body + "\n\n" + (victim.name if zh else victim.name.split()[0]),
        client=pick(rng, "outlook", "gmail", "none"),
        dkim_domain=victim.domain,
    )  # sent from the real mailbox: it passes
    if hijack:
        mid = f"<ticket-{rng.randint(1000, 99999)}-{rng.getrandbits(32):08x}@acme-support.example>"
        mail.in_reply_to = mail.references = mid
    if rng.random() < 0.3:
        mail.attachments.append(
            Attachment(
                pick(rng, "Document.html", "Invoice_revised.htm"),
                "text/html",
                _phish_page(rng, zh).encode(),
            )
        )
    if rng.random() < 0.5:
        mail.html = client_html(rng, mail.client, mail.text)
    return mail
