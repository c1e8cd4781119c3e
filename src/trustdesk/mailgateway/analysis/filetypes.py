"""What a file is by its bytes, and what its name claims.

The real type comes from the content: the ``filetype`` library, after a few signatures it
lacks or that matter most here (programs, scripts, OLE2 containers, PDF, HTML). The name
is read the way Windows reads it: the last extension counts, trailing dots and spaces are
dropped, and bidirectional-control characters (the U+202E "right-to-left override" trick
that shows ``invoice‮fdp.exe`` as ``invoiceexe.pdf``) are invisible in a mail client but
not to the system that opens the file.
"""

from __future__ import annotations

import re
import struct

import filetype

PE, DOS_EXE = "application/vnd.microsoft.portable-executable", "application/x-dosexec"
ELF, MACHO, JAVA_CLASS = "application/x-executable", "application/x-mach-binary", \
    "application/java-vm"
SCRIPT, SHORTCUT, MSI = "text/x-script", "application/x-ms-shortcut", "application/x-msi"
ISO = "application/x-iso9660-image"
OLE2, PDF, HTML, SVG = "application/x-ole-storage", "application/pdf", "text/html", \
    "image/svg+xml"
ZIP, GZIP, BZIP2, XZ, TAR = "application/zip", "application/gzip", "application/x-bzip2", \
    "application/x-xz", "application/x-tar"
SEVEN_Z, RAR, CAB = "application/x-7z-compressed", "application/x-rar-compressed", \
    "application/vnd.ms-cab-compressed"
RTF, TEXT, UNKNOWN = "application/rtf", "text/plain", "application/octet-stream"
TNEF = "application/vnd.ms-tnef"  # Outlook's winmail.dat, which carries attachments

# Disk images count: Windows mounts one on a double click and shows the programs in it.
EXECUTABLE_TYPES = frozenset({PE, DOS_EXE, ELF, MACHO, JAVA_CLASS, SCRIPT, SHORTCUT, MSI, ISO,
                              "application/x-msdownload", "application/x-elf"})
HTML_TYPES = frozenset({HTML, SVG})
UNOPENED_ARCHIVES = frozenset({SEVEN_Z, RAR, CAB, TNEF, "application/x-rpm", "application/x-deb",
                               "application/x-unix-archive", "application/x-compress",
                               "application/x-lzip", "application/x-lzop",
                               "application/x-lz4", "application/zstd", "application/x-brotli"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Programs, scripts and containers Windows (or macOS, or a Linux desktop) runs or mounts on
# a double click.
EXECUTABLE_EXTENSIONS = _words("""
    exe scr com pif bat cmd ps1 psm1 psd1 ps1xml ps2 msh vb vbs vbe js jse wsf wsh wsc ws
    sct hta lnk url scf inf msi msp mst msc jar dll ocx cpl sys drv reg iso img vhd vhdx
    chm appx appxbundle msix msixbundle application gadget xll xbap appref-ms settingcontent-ms
    sh bash ksh csh zsh command app pkg dmg apk run elf so dylib action workflow py pyw pl
""")
HTML_EXTENSIONS = _words("htm html xhtml xht shtml mht mhtml svg svgz")
# What a double-extension trick hides behind: the document kinds a reader expects.
DOCUMENT_EXTENSIONS = _words("""
    pdf doc docx docm xls xlsx xlsm ppt pptx rtf odt ods odp txt csv log jpg jpeg png gif bmp
    tif tiff mp3 mp4 wav avi mov zip rar 7z eml msg xml json htm html
""")
OFFICE_EXTENSIONS = _words("""
    doc dot docx docm dotx dotm xls xlt xla xlsx xlsm xltx xltm xlsb xlam ppt pot pps ppa
    pptx pptm potx potm ppsx ppsm ppam sldx sldm
""")
EXECUTABLE_DECLARED = frozenset({
    "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec",
    "application/x-ms-dos-executable", "application/vnd.microsoft.portable-executable",
    "application/x-executable", "application/x-elf", "application/x-mach-binary",
    "application/x-sh", "application/x-shellscript", "application/x-csh", "application/x-bat",
    "application/bat", "application/x-msi", "application/x-ms-installer",
    "application/x-ms-shortcut", "application/hta", "application/javascript",
    "application/x-javascript", "text/javascript", "text/vbscript", "application/x-vbscript",
    "application/java-archive", "application/x-java-archive", "application/x-iso9660-image",
    "application/x-ms-application", "application/x-powershell",
})
HTML_DECLARED = frozenset({"text/html", "application/xhtml+xml", "image/svg+xml"})

# Characters that change how a name is displayed without being seen: bidirectional
# controls and zero-width characters.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MACHO_MAGIC = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
               b"\xcf\xfa\xed\xfe")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LNK_MAGIC = b"L\x00\x00\x00\x01\x14\x02\x00"
HTML_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|script|"
    rb"iframe|meta|form|title|a\s|div|table|style|base|object|embed)[\s>/]",
    re.IGNORECASE | re.DOTALL)
SVG_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                       rb"(?:<!doctype\s+svg[^>]*>\s*)?<svg[\s>]", re.IGNORECASE | re.DOTALL)


def sniff(data: bytes) -> str:
    """The MIME type of ``data`` by its content alone."""
    head = data[:8192]
    if head.startswith(b"MZ"):
        offset = struct.unpack_from("<I", data, 0x3C)[0] if len(data) >= 64 else 0
        if offset and data[offset:offset + 4] == b"PE\x00\x00":
            return PE
        # A DOS program has no more structure than "MZ"; a text that starts so is text.
        if not _is_text(head):
            return DOS_EXE
    if head.startswith(b"\x7fELF"):
        return ELF
    if head.startswith(MACHO_MAGIC):
        return MACHO
    if head.startswith(b"\xca\xfe\xba\xbe") and len(head) >= 8:
        # A universal Mach-O binary counts its architectures (a few); a Java class gives
        # its version (45 and up) in the same place. Both are programs.
        return MACHO if struct.unpack_from(">I", head, 4)[0] < 40 else JAVA_CLASS
    if head.startswith(b"#!"):
        return SCRIPT
    if head.startswith(LNK_MAGIC):
        return SHORTCUT
    if data[0x8001:0x8006] in (b"CD001", b"BEA01"):  # ISO 9660 or UDF volume descriptor
        return ISO
    if head.startswith(OLE_MAGIC):
        return OLE2
    if head.startswith(b"\x78\x9f\x3e\x22"):
        return TNEF
    if b"%PDF-" in head[:1024]:
        return PDF
    if HTML_START.match(head):
        return HTML
    if SVG_START.match(head):
        return SVG
    kind = filetype.guess(head)
    if kind is not None and not head.startswith(b"MZ"):
        return kind.mime
    if _is_text(head):
        return TEXT
    return UNKNOWN


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the sample is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return "\x00" not in text


def display_name(name: str, limit: int = 120) -> str:
    """``name`` safe to show: controls and invisible characters escaped, length bounded."""
    shown = INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", name)
    shown = CONTROL.sub(lambda m: f"<{ord(m.group()):02X}>", shown)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def effective_name(name: str) -> str:
    """The name as the opening system sees it: the last path part, without invisible
    characters and without the trailing dots and spaces Windows ignores."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = INVISIBLE.sub("", CONTROL.sub("", base))
    return base.rstrip(". ")


def extensions(name: str) -> list[str]:
    """The dotted parts after the first, lower-cased and stripped of padding:
    ``"Invoice.PDF   .exe"`` → ``["pdf", "exe"]``."""
    parts = effective_name(name).split(".")
    return [p.strip().lower() for p in parts[1:]]


def extension(name: str) -> str:
    exts = extensions(name)
    return exts[-1] if exts else ""


def has_invisible(name: str) -> bool:
    return bool(INVISIBLE.search(name or ""))


def padded(name: str) -> bool:
    """Whether a run of spaces pushes the real extension out of sight."""
    return bool(re.search(r"\s{3,}\.[^.]+$", effective_name(name)))


def base_type(declared: str) -> str:
    return (declared or "").split(";")[0].strip().lower()
