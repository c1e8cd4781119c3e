"""Office documents: macros (oletools' olevba), encryption (oletools' crypto check, which
asks msoffcrypto-tool) and Windows installers, which are OLE2 files too.

Fails closed: a file that looks like an Office document and that oletools cannot read is
"unreadable", never clean.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile

from trustdesk.mailgateway.analysis import filetypes as ft

# The class id of an MSI package's root storage.
MSI_CLSID = "000C1084-0000-0000-C000-000000000046"
OFFICE_DECLARED_PREFIXES = ("application/msword", "application/vnd.ms-word",
                            "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
                            "application/vnd.openxmlformats-officedocument.")
OFFICE_XML_MARKERS = (b"http://schemas.microsoft.com/office/word/2003/wordml",
                      b"http://schemas.microsoft.com/office/2006/xmlPackage")
MACRO_FREE = ft.OFFICE_EXTENSIONS & {"docx", "dotx", "xlsx", "xltx", "pptx", "potx", "ppsx",
                                     "sldx"}

log = logging.getLogger(__name__)


def named_office(name: str, declared: str) -> bool:
    return (ft.extension(name) in ft.OFFICE_EXTENSIONS
            or ft.base_type(declared).startswith(OFFICE_DECLARED_PREFIXES))


def package_kind(data: bytes) -> str:
    """"ooxml" for an Office Open XML package (or a zip with a VBA project), "odf" for an
    OpenDocument or EPUB file (a ``mimetype`` member first), else ""."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except Exception:  # hostile input: not a readable zip
        return ""
    if any(n == "[Content_Types].xml" or n.lower().endswith("vbaproject.bin")
           for n in names):
        return "ooxml"
    return "odf" if names[:1] == ["mimetype"] else ""


def ooxml_package(data: bytes) -> bool:
    return package_kind(data) == "ooxml"


def check(name: str, declared: str, data: bytes, real: str) -> list[tuple[str, str]]:
    """Flags for an Office-looking file (OLE2, an OOXML package, Office XML, or a name or
    type that says Office). The caller has bounded any zip before: olevba reads each OLE
    member of a package whole."""
    is_zip = data.startswith(b"PK") and ooxml_package(data)
    if real == ft.OLE2:
        return _check_ole(name, data)
    if is_zip or any(marker in data for marker in OFFICE_XML_MARKERS):
        return _macros(name, data)
    if named_office(name, declared) and real not in (ft.RTF, ft.HTML, ft.ZIP):
        return [("unreadable", "The file is named as an Office document but its content is "
                               "not one, so it could not be checked for macros.")]
    return []


def _check_ole(name: str, data: bytes) -> list[tuple[str, str]]:
    import olefile
    from oletools import crypto

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if (ole.root.clsid or "").upper() == MSI_CLSID:
                return [("executable", "The file is a Windows installer package (MSI), which "
                                       "installs and runs programs.")]
            if crypto.is_encrypted(ole):
                return [("encrypted", "The Office document is encrypted (password-"
                                      "protected), so it could not be scanned.")]
            if any(entry[0].startswith("__attach_version1.0_")
                   for entry in ole.listdir(streams=False, storages=True)):
                return [("unscannable", "The file is an Outlook message with attachments, "
                                        "which the scanner does not open.")]
    except Exception:  # hostile input
        log.info("olefile could not read an OLE2 attachment", exc_info=True)
        return [_unreadable()]
    return _macros(name, data)


def _macros(name: str, data: bytes) -> list[tuple[str, str]]:
    with warnings.catch_warnings():
        # olevba's grammar still uses pyparsing's old names; that is not ours to act on.
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools import olevba

    try:
        parser = olevba.VBA_Parser("attachment", data=data)
        try:
            found = parser.detect_macros()
        finally:
            parser.close()
    except Exception:  # any oletools failure on an Office-looking file: fail closed
        log.info("oletools could not read an Office attachment", exc_info=True)
        return [_unreadable()]
    if not found:
        return []
    ext = ft.extension(name)
    if ext in MACRO_FREE:
        return [("macros", f"The document contains macros although its name (.{ext}) is "
                           "that of a macro-free format; macros can run code when the "
                           "document is opened.")]
    return [("macros", "The Office document contains macros, which can run code when it "
                       "is opened.")]


def _unreadable() -> tuple[str, str]:
    return ("unreadable", "The file looks like an Office document but could not be read, so "
                          "it could not be checked for macros.")
