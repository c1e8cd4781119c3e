"""Signals about the sending account: replies diverted to free mail, a first-time
address with an existing customer's name, a known customer whose domain vouches, and
senders the helpdesk's agents reported.
"""

from __future__ import annotations

from trustdesk.mailgateway.analysis.phishing import tables
from trustdesk.mailgateway.analysis.phishing.base import (
    Context,
    MailView,
    Reason,
    Signal,
    name_key,
    org_of,
)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower() if "@" in (address or "") else ""




class FreemailReply(Signal):
    """Replies go to a free-mail address other than the sender's domain (35: the way
    invoice and CEO fraud gets the answer; 25 when the sender is itself on free mail, or
    for bulk mail with an unsubscribe link),
    or the Return-Path is free mail while From is not (20). Not for mail from the
    helpdesk's own domains (its web forms set Reply-To), nor on a mailing list (which
    sets Reply-To to the poster when it rewrites From)."""

    name = "freemail_reply"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        parsed = mail.parsed
        sender = domain_of(parsed.from_address)
        if not sender or parsed.list_id or \
                org_of(sender) in context.own_orgs:
            return []
        sender_free = tables.is_freemail(sender)
        out = []
        for address in parsed.reply_to[:3]:
            domain = domain_of(address)
            if address == parsed.from_address or not tables.is_freemail(domain):
                continue
            if org_of(domain) != org_of(sender) or sender_free:
                # Small senders' newsletters take replies at the owner's free mail.
                weight = 25 if sender_free or parsed.bulk else 35
                out.append(Reason(self.name, weight, f"Replies would go to {address}, a "
                                  f"free-mail address, not to the sender {parsed.from_address}."))
                break
        bounce = domain_of(parsed.return_path)
        if bounce and not sender_free and tables.is_freemail(bounce) \
                and org_of(bounce) != org_of(sender):
            out.append(Reason(self.name, 20, f"The message was sent from a free-mail account "
                              f"({parsed.return_path}) while claiming to be from {sender}."))
        return out


class NewAddressCustomerName(Signal):
    """A first-time sender (address not among the known customers') whose display name
    is an existing customer's name (30: customers also write from a second address, so
    it takes another sign to warn). Names of one short word are too common to say
    anything."""

    name = "customer_name_new_address"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        address, shown = mail.parsed.from_address, mail.parsed.from_name
        known = context.known_addresses
        if not shown or not address or address in known:
            return []
        if not (known or context.knows_senders):
            return []  # nobody looked the sender up: "first-time" cannot be told
        key = name_key(shown)
        distinctive = " " in key or (not key.isascii() and len(key) >= 2) or len(key) >= 8
        if not distinctive:
            return []
        if key in context.customer_name_keys:
            # The name is a customer's: it stays out of the reason, which is kept in
            # clear beside the sealed message.
            return [Reason(self.name, 30, "The display name is an existing customer's "
                           f"name, but {address} has never written before.")]
        return []


class KnownSender(Signal):
    """A known customer's address whose domain vouches for the message (DMARC pass): a
    good sign (-15). Without authentication a From address proves nothing."""

    name = "known_sender"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        auth, address = mail.auth, mail.parsed.from_address
        if auth is None or not address or auth.dmarc.result.result != "pass":
            return []
        if address in context.known_addresses:
            return [Reason(self.name, -15, f"{address} is a known customer and their domain "
                           "vouches for this message.")]
        return []


class Reputation(Signal):
    """What agents reported: ``context.reputation["senders"]`` (address → reports) and
    ``["domains"]`` (organisational domain → reports), from the Report-phishing button.
    A reported address (40); a reported domain (30), unless it is free mail or the
    helpdesk's own, where one account says nothing of the others."""

    name = "reputation"

    def check(self, mail: MailView, context: Context) -> list[Reason]:
        reputation = context.reputation or {}
        address = mail.parsed.from_address
        if not address:
            return []
        reported = (reputation.get("senders") or {}).get(address, 0)
        if reported:
            return [Reason(self.name, 40, f"Agents reported mail from {address} as phishing "
                           f"({reported} time{'s' if reported != 1 else ''}).")]
        org = org_of(domain_of(address))
        own = context.own_orgs
        reported = (reputation.get("domains") or {}).get(org, 0)
        if reported and org not in own and not tables.is_freemail(org):
            return [Reason(self.name, 30, f"Agents reported mail from {org} as phishing "
                           f"({reported} time{'s' if reported != 1 else ''}).")]
        return []


SIGNALS = (FreemailReply, NewAddressCustomerName, KnownSender, Reputation)
