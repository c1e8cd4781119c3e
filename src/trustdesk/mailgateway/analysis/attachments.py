"""The gateway's hostile-file check of one attachment, before intake reads it for PII.

``scan(filename, declared_type, data)`` returns a ``Finding``: the real type by content
and the flags, each a code the gateway's policy weighs and an explanation in plain words
for the person who reviews the message. Archives are opened (within ``Limits``) and their
members scanned the same way; a member's flag names the member.

Fails closed: what cannot be checked (encrypted, damaged, past a bound, a format the
scanner does not open) is flagged, never clean, and ``scan`` never raises.

The explanations quote file names from the message (escaped, bounded): they are the
customer's data, so they are not for logs.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from trustdesk.mailgateway.analysis import archives, office
from trustdesk.mailgateway.analysis import filetypes as ft
from trustdesk.mailgateway.analysis.archives import Budget, Limits

__all__ = ["CODES", "Finding", "Limits", "scan"]

# Every flag code, with what it means in general (a flag's own explanation says more).
CODES = {
    "executable": "A program, script, installer or shortcut: it runs code when opened.",
    "html": "A web page (or SVG image): a common carrier of phishing forms and scripts.",
    "type_mismatch": "The name or declared type says a harmless kind of file, the content "
                     "is a program, script or web page.",
    "double_extension": "A document extension in front of the real one (invoice.pdf.exe).",
    "deceptive_name": "The name hides its real extension (invisible direction-changing "
                      "characters, or padding spaces).",
    "macros": "An Office document with macros, which can run code when it is opened.",
    "encrypted": "Encrypted (password-protected) content, which cannot be scanned.",
    "archive_bomb": "An archive built to exhaust the scanner (huge unpacked size for its "
                    "packed size, too many files, too deeply nested, lying sizes).",
    "too_large": "The file, or what it unpacks to, is larger than the scanner reads.",
    "unscannable": "An archive format the scanner does not open (7z, RAR, CAB and the like).",
    "unreadable": "A damaged file, or one that looks like an Office document and cannot be "
                  "read, so it was not checked.",
    "eicar": "The EICAR anti-virus test file.",
    "hidden_archive": "A zip archive appended to another kind of file (a picture, say), "
                      "which unzip tools open; its members are scanned too.",
}
MAX_FLAGS = 50

# Built from two halves so that this source file is not itself the test file.
EICAR = b"".join((b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$", b"EICAR-STANDARD-", b"ANTIVIRUS-TEST-FILE!",
                  b"$H+H*"))
ZIP_TYPES = frozenset({ft.ZIP, "application/epub+zip"})


@dataclass(frozen=True)
class Finding:
    real_type: str
    flags: tuple[tuple[str, str], ...] = ()

    @property
    def clean(self) -> bool:
        return not self.flags

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.flags)


@dataclass
class _Scan:
    budget: Budget
    flags: list[tuple[str, str]] = field(default_factory=list)

    def flag(self, path: tuple[str, ...], code: str, text: str) -> None:
        if path:
            shown = " › ".join(f"“{ft.display_name(p)}”" for p in path)
            text = f"In the archive, {shown}: {text}"
        if (code, text) in self.flags:
            return
        if len(self.flags) >= MAX_FLAGS and any(c == code for c, _ in self.flags):
            return
        self.flags.append((code, text))


def scan(filename: str, declared_type: str, data: bytes, *,
         limits: Limits = Limits()) -> Finding:  # noqa: B008 - frozen, shared safely
    filename, declared_type = filename or "", declared_type or ""
    state = _Scan(Budget(limits))
    real = ft.UNKNOWN
    try:
        real = ft.sniff(data)
        _visit(state, filename, declared_type, data, (), 0, package="")
    except Exception:  # never raise on hostile input: fail closed
        state.flag((), "unreadable", "The scanner could not read the file, so it was not "
                                     "checked.")
    return Finding(real, tuple(state.flags))


def _visit(state: _Scan, name: str, declared: str, data: bytes, path: tuple[str, ...],
           depth: int, *, package: str) -> None:
    """``package``: the kind of document package (``office.package_kind``) that holds
    this member, if any."""
    def flag(code: str, text: str) -> None:
        state.flag(path, code, text)

    limits = state.budget.limits
    real = ft.sniff(data)
    # A web page inside a document package is shown by the office suite or e-reader, not
    # a browser (Office keeps its icons as SVG parts).
    _names(name, declared, real, flag, web=not package)
    if len(data) > limits.max_bytes:
        flag("too_large", f"The file is larger than the {limits.max_bytes} bytes the scanner "
                          "reads, so its content was not checked.")
        return
    if data.startswith(EICAR) and len(data) <= 128 and not data[68:].strip(b" \t\r\n\x1a"):
        flag("eicar", "The file is the EICAR anti-virus test file.")
    if real == ft.PDF and b"/Encrypt" in data:
        flag("encrypted", "The PDF is encrypted, so its content could not be scanned.")
    if real in ft.UNOPENED_ARCHIVES:
        flag("unscannable", f"The file is an archive of a kind the scanner does not open "
                            f"({real}), so its content was not checked.")
    before = len(state.flags)
    walked = _archive(state, name, data, real, path, depth)
    # olevba reads each OLE member of a package whole: only a package walked within the
    # bounds goes to it.
    bounded = walked is not False and not any(
        c in ("archive_bomb", "too_large") for c, _ in state.flags[before:])
    looks_office = (real == ft.OLE2 or office.named_office(name, declared)
                    or (walked is True and office.ooxml_package(data))
                    or (data.lstrip()[:1] == b"<" and real not in ft.HTML_TYPES
                        and any(m in data for m in office.OFFICE_XML_MARKERS)))
    # olevba has already looked into every OLE member of the package that holds it.
    if looks_office and bounded and not (package == "ooxml" and real == ft.OLE2):
        for code, text in office.check(name, declared, data, real):
            flag(code, text)


def _names(name: str, declared: str, real: str, flag, *, web: bool) -> None:
    ext, exts, base = ft.extension(name), ft.extensions(name), ft.base_type(declared)
    if ext in ft.EXECUTABLE_EXTENSIONS:
        flag("executable", f"The file is named .{ext}, a kind of file that runs code when "
                           "opened.")
    if base in ft.EXECUTABLE_DECLARED:
        flag("executable", f"The file is declared as {base}, a program or script.")
    if real in ft.EXECUTABLE_TYPES:
        flag("executable", f"The file's content is a program or script ({real}).")
    if web and (ext in ft.HTML_EXTENSIONS or base in ft.HTML_DECLARED
                or real in ft.HTML_TYPES):
        flag("html", "The file is a web page (HTML or SVG), a common carrier of phishing "
                     "forms and scripts.")
    active = ft.EXECUTABLE_EXTENSIONS | ft.HTML_EXTENSIONS
    if len(exts) >= 2 and exts[-1] in active and exts[-2] in ft.DOCUMENT_EXTENSIONS:
        flag("double_extension", f"The name ends in .{exts[-2]}.{exts[-1]}: it looks like a "
                                 f".{exts[-2]} file but is a .{exts[-1]}.")
    if ft.has_invisible(name):
        flag("deceptive_name", "The name contains invisible characters that change how it "
                               f"is displayed; it really ends in .{ext or '(nothing)'}.")
    elif ft.padded(name):
        flag("deceptive_name", "The name hides its real extension behind a run of spaces.")
    claims = bool(ext) or base not in ("", ft.UNKNOWN)
    claims_harmless = claims and (ext not in active and base not in ft.EXECUTABLE_DECLARED
                                  and base not in ft.HTML_DECLARED)
    if claims_harmless and real in ft.EXECUTABLE_TYPES | (ft.HTML_TYPES if web else set()):
        said = f"named “{ft.display_name(name)}”" + (f", declared as {base}" if base else "")
        flag("type_mismatch", f"The file is {said}, but its content is {real}.")


def _archive(state: _Scan, name: str, data: bytes, real: str, path: tuple[str, ...],
             depth: int) -> bool | None:
    """Opens ``data`` if it is an archive and scans its members: None if it is none,
    True once walked, False if it was left closed (a bound of the scan)."""
    budget = state.budget

    def flag(code: str, text: str) -> None:
        state.flag(path, code, text)

    is_zip = real in ZIP_TYPES or data.startswith((b"PK\x03\x04", b"PK\x05\x06")) or (
        real.startswith("application/vnd.") and data.startswith(b"PK"))
    # A zip appended to another file (a picture, say) opens in common unzip tools.
    appended = not is_zip and b"PK\x05\x06" in data[-65558:] and b"PK\x01\x02" in data
    if not (is_zip or appended or real == ft.TAR or real in archives.STREAMS):
        return None
    if budget.spent:
        return False
    if depth >= budget.limits.max_depth:
        flag("archive_bomb", f"Archives are nested more than {budget.limits.max_depth} deep, "
                             "so the innermost was not opened.")
        return False
    if appended:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            return None
        flag("hidden_archive", f"The file ({real}) has a zip archive appended to it.")
        is_zip = True
    if real in archives.STREAMS:
        body = archives.unpack_stream(real, data, budget, flag)
        if body is not None:
            inner = archives.inner_name(ft.effective_name(name) or "file")
            _visit(state, inner, "", body, (*path, inner), depth + 1, package="")
        return True
    package = office.package_kind(data) if is_zip else ""
    members = (archives.tar_members(data, budget, flag) if real == ft.TAR
               else archives.zip_members(data, budget, flag))
    for member_name, body in members:
        _visit(state, member_name, "", body, (*path, member_name), depth + 1,
               package=package)
    return True
