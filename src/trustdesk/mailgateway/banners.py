"""What the agent is told about a message that came by mail, in plain words, from the
verdicts intake recorded (``InboundMail.checks``): the warnings shown above it on the
ticket, and returned with it by the API.

The reader already sees the message (its ticket's selector decided that); the banners add
no personal data — domains and check results only.
"""

from __future__ import annotations

from collections.abc import Iterable

from trustdesk.mailgateway.models import InboundMail

# The scanner's codes (``analysis.attachments.CODES``, ``scanner``) in a few words.
ATTACHMENT_LABELS = {
    "malware": "malware", "eicar": "the EICAR test file", "executable": "a program or script",
    "macros": "Office macro", "type_mismatch": "its content is not what its name says",
    "double_extension": "a double extension", "hidden_archive": "an archive hidden in it",
    "deceptive_name": "its name hides its type",
    "encrypted": "encrypted, so it could not be scanned", "html": "an HTML page",
    "archive_bomb": "an archive bomb", "too_large": "too large to scan",
    "unscannable": "an archive the scanner cannot open",
    "unreadable": "damaged, could not be checked", "not_scanned": "the virus scanner did "
    "not answer",
}


def texts(checks: dict) -> list[str]:
    out: list[str] = []
    phishing = checks.get("phishing") or {}
    if phishing.get("verdict") in ("suspicious", "phishing"):
        rated = "likely phishing" if phishing["verdict"] == "phishing" else "suspicious"
        out.append(f"The gateway rates this message {rated} "
                   f"({phishing.get('score', 0)}/100). Do not open its links or files, "
                   "and never give out a password, a code or payment details.")
        strongest = sorted(phishing.get("reasons") or (), key=lambda r: -r[1])[:4]
        out.extend(str(text) for _, weight, text in strongest if weight > 0)
    dmarc = checks.get("dmarc") or {}
    domain = dmarc.get("domain") or checks.get("from_domain") or "the sender's domain"
    if dmarc.get("result") in ("fail", "permerror"):
        out.append(f"This message failed DMARC for {domain}: the sender may not be who "
                   "they claim.")
    elif checks.get("repeated_headers"):
        names = ", ".join(str(n).title() for n in checks["repeated_headers"])
        out.append(f"This message has {names} more than once: what is shown may not be "
                   f"what {domain} signed, so it is not verified as coming from there.")
    elif not checks.get("authenticated") and checks.get("from_domain"):
        out.append(f"This message could not be verified as coming from {domain} (no "
                   "aligned SPF or DKIM pass).")
    if checks.get("reply_to_differs"):
        out.append("The reply-to differs from the sender: a reply would go elsewhere.")
    impersonation = checks.get("impersonation")
    if impersonation:
        out.append(impersonation)
    for item in (checks.get("attachments") or {}).get("files", ()):
        labels = [ATTACHMENT_LABELS.get(c, c.replace("_", " ")) for c in item.get("codes", ())]
        if labels:
            out.append(f"Attachment quarantined: {', '.join(labels)}.")
    if checks.get("released"):
        out.append("This message was held by the gateway and released by a security "
                   "officer.")
    return list(dict.fromkeys(out))


def for_messages(message_ids: Iterable[int]) -> dict[int, list[str]]:
    """The banners of each of ``message_ids`` that came in by mail."""
    rows = InboundMail.objects.filter(message_id__in=list(message_ids)).values_list(
        "message_id", "checks")
    return {mid: found for mid, checks in rows if (found := texts(checks or {}))}


__all__ = ["ATTACHMENT_LABELS", "for_messages", "texts"]
