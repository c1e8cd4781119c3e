"""DKIM signatures verified with dkimpy, each reported as a result with the domain and
selector it claims (``header.d``, ``header.s``). A signature that does not match the
message is a ``fail``; a key lookup that fails a ``temperror``; a malformed signature or
key a ``permerror``; no signature ``none``. Only the first ``MAX_SIGNATURES`` are
checked."""

from __future__ import annotations

import logging
from email.parser import BytesHeaderParser
from email.policy import compat32

import dkim
from dkim.canonicalization import CanonicalizationPolicy, InvalidCanonicalizationPolicyError

from trustdesk.mailgateway.analysis.authres import Result
from trustdesk.mailgateway.analysis.dns import DnsUnavailable, Resolver

# Each signature costs a key lookup: a message cannot make the gateway do a thousand.
MAX_SIGNATURES = 10


class _LookupFailed(Exception):
    pass


class _Quiet:
    """dkimpy logs a sender's broken signature as an error; here it is a result, not an
    operator's problem, so it goes to debug."""

    def __init__(self, logger: logging.Logger):
        self._log = logger

    def debug(self, msg, *args, **kwargs):
        self._log.debug(msg, *args, **kwargs)

    info = warning = error = exception = debug


def quiet_logger(name: str) -> _Quiet:
    return _Quiet(logging.getLogger(name))


_LOG = quiet_logger(__name__)


def _tags(signature: str) -> dict[str, str]:
    tags = {}
    for part in signature.replace("\r", "").replace("\n", "").split(";"):
        name, _, value = part.partition("=")
        if name.strip():
            tags[name.strip().lower()] = "".join(value.split())
    return tags


def _covers_body(raw: bytes, tags: dict[str, str]) -> bool:
    """Whether a signature's body length (``l=``), if it has one, is the whole body as
    its canonicalisation (``c=``) reads it."""
    if "l" not in tags:
        return True
    try:
        policy = CanonicalizationPolicy.from_c_value(tags.get("c", "simple/simple").encode())
        _, body = dkim.rfc822_parse(raw)
        return int(tags["l"]) >= len(policy.canonicalize_body(body))
    except (ValueError, dkim.DKIMException, InvalidCanonicalizationPolicyError):
        return False


def signed_headers(raw: bytes) -> dict[tuple[str, str], frozenset[str]]:
    """The headers each signature (by domain and selector) lists in ``h=``, lower-case.
    A header not listed is not vouched for: anyone can add it to a signed message."""
    try:
        signatures = BytesHeaderParser(policy=compat32).parsebytes(raw).get_all(
            "DKIM-Signature") or []
    except Exception:
        return {}
    out: dict[tuple[str, str], frozenset[str]] = {}
    for signature in signatures[:MAX_SIGNATURES]:
        tags = _tags(str(signature))
        names = frozenset(h.strip().lower() for h in tags.get("h", "").split(":") if h.strip())
        key = (tags.get("d", "").lower(), tags.get("s", "").lower())
        out[key] = out.get(key, frozenset()) | names
    return out


def verify(raw: bytes, resolver: Resolver) -> list[Result]:
    signatures = BytesHeaderParser(policy=compat32).parsebytes(raw).get_all(
        "DKIM-Signature") or []
    if not signatures:
        return [Result("dkim", "none")]

    def dnsfunc(name, timeout=5):
        try:
            records = resolver.txt(name.decode("ascii") if isinstance(name, bytes) else name)
        except DnsUnavailable as exc:
            raise _LookupFailed() from exc
        return records[0].encode() if records else None

    results = []
    for idx, signature in enumerate(signatures[:MAX_SIGNATURES]):
        tags = _tags(str(signature))
        props = {"header.d": tags.get("d", ""), "header.s": tags.get("s", "")}
        props = {k: v for k, v in props.items() if v}
        try:
            ok = dkim.DKIM(raw, minkey=1024, logger=_LOG).verify(idx=idx, dnsfunc=dnsfunc)
        except _LookupFailed:
            results.append(Result("dkim", "temperror", "key lookup failed", props))
            continue
        except dkim.ValidationError:
            # The signature does not match the message (a body hash mismatch, say).
            results.append(Result("dkim", "fail", "signature did not verify", props))
            continue
        except dkim.DKIMException as exc:
            # A signature or key that cannot be evaluated at all.
            results.append(Result("dkim", "permerror", type(exc).__name__, props))
            continue
        except (IndexError, ValueError, TypeError, KeyError, UnicodeError):
            # dkimpy's parser trips on some malformed messages (a folded first line).
            results.append(Result("dkim", "permerror", "the message could not be parsed",
                                  props))
            continue
        if ok and not _covers_body(raw, tags):
            # RFC 6376 §8.2: with l= the signature vouches for the first l bytes only;
            # whoever holds the message can append text (or a whole new part) after them
            # and it still verifies. A body the signer did not sign all of is not theirs.
            results.append(Result("dkim", "policy", "the signature covers only part of "
                                  "the body (l=)", props))
            continue
        results.append(Result("dkim", "pass" if ok else "fail", "", props))
    if len(signatures) > MAX_SIGNATURES:
        results.append(Result("dkim", "permerror",
                              f"more than {MAX_SIGNATURES} signatures: the rest not checked"))
    return results
