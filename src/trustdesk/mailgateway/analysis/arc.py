"""ARC (RFC 8617): whether the chain of ARC sets that forwarders (a mailing list, a
forwarding service) added is intact, verified by dkimpy with its keys looked up through
the caller's resolver.

A pass says only that the chain is unbroken, not that a sealer is trusted: the gateway's
policy decides whose seal may vouch for a message that fails DMARC after forwarding. The
sealing domain of the newest set is reported as ``header.d`` so that the policy can
check it against its list.

RFC 8617 allows ``none``, ``pass`` and ``fail`` only. A key that cannot be looked up now
is therefore a ``fail`` whose reason says so: a chain that was not verified is never a
pass, and an ARC fail alone is not evidence of forgery.
"""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32

import dkim

from trustdesk.mailgateway.analysis.authres import Result
from trustdesk.mailgateway.analysis.dkim_check import quiet_logger
from trustdesk.mailgateway.analysis.dns import DnsUnavailable, Resolver

ARC_HEADERS = ("ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results")
MAX_SETS = 50  # RFC 8617 §4.2.1: instance values run from 1 to 50
MAX_KEYS = 10  # distinct keys looked up for one chain: a message cannot ask for 100
_LOG = quiet_logger(__name__)


class _LookupFailed(Exception):
    pass


class _TooManyKeys(Exception):
    pass


def verify(raw: bytes, resolver: Resolver) -> Result:
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    if not any(headers.get_all(name) for name in ARC_HEADERS):
        return Result("arc", "none")
    seals = headers.get_all("ARC-Seal") or []
    if len(seals) > MAX_SETS:
        return Result("arc", "fail", f"more than {MAX_SETS} ARC sets")
    keys: dict[str, bytes | None] = {}  # one lookup per key, however many sets use it

    def dnsfunc(name, timeout=5):
        name = name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)
        if name not in keys:
            if len(keys) >= MAX_KEYS:
                raise _TooManyKeys()
            try:
                records = resolver.txt(name)
            except DnsUnavailable as exc:
                raise _LookupFailed() from exc
            keys[name] = records[0].encode() if records else None
        return keys[name]

    try:
        cv, sets, comment = dkim.arc_verify(raw, logger=_LOG, dnsfunc=dnsfunc, minkey=1024)
    except _LookupFailed:
        return Result("arc", "fail", "temporary: a key lookup failed")
    except _TooManyKeys:
        return Result("arc", "fail", f"the chain needs more than {MAX_KEYS} keys")
    except dkim.DKIMException as exc:
        return Result("arc", "fail", type(exc).__name__)
    except (IndexError, ValueError, TypeError, KeyError, UnicodeError):
        # dkimpy's parser trips on some malformed messages (a folded first line, say).
        return Result("arc", "fail", "the message could not be parsed")
    props = {}
    if sets:
        # The newest set comes first: its sealer is the hop that handed us the message.
        sealer = sets[0].get("as-domain")
        if isinstance(sealer, bytes):
            props["header.d"] = sealer.decode("ascii", "replace")
    reason = comment if isinstance(comment, str) else ""
    if cv == dkim.CV_Pass:
        return Result("arc", "pass", "", props)
    if cv == dkim.CV_None:
        return Result("arc", "none", reason[:200], props)
    # None: a set reported an earlier failure (the chain was already broken).
    return Result("arc", "fail", reason[:200], props)
