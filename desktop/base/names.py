"""One sanitiser for every name that becomes a path component: server-supplied output names
(runner, library, history import), export names, upload names.

Checked against ``pathvalidate`` (3.3): it keeps bidi overrides (``x\\u202egnp.exe`` shows as
``xexe.png``), ``..``, ``CONIN$`` and executable endings, and it drops separators instead of
keeping the last component, so it would need every rule below anyway; we keep our own.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 120

# Windows device names; the superscript digits are devices too (COM¹ is COM1).
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")
}
# Characters Windows forbids in names, plus both separators (a server name is never a path).
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# Bidirectional controls make "xgnp.exe" look like "xexe.png"; format characters (Cf) such
# as zero-width joiners hide parts of a name. Both go, with control characters (Cc).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})
_EXT = re.compile(r"\.[A-Za-z0-9]{1,10}$")
# Endings a double click would run or install; such a name gets ``.bin`` appended.
EXECUTABLE_EXTENSIONS = frozenset({
    ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".msp", ".msc", ".cpl", ".dll",
    ".sys", ".drv", ".ocx", ".ps1", ".psm1", ".psd1", ".vbs", ".vbe", ".js", ".jse", ".wsf",
    ".wsh", ".hta", ".jar", ".lnk", ".url", ".reg", ".inf", ".scf", ".application", ".gadget",
    ".appx", ".msix", ".appref-ms", ".sh", ".bash", ".zsh", ".csh", ".ksh", ".command",
    ".tool", ".app", ".pkg", ".dmg", ".run", ".desktop", ".apk", ".py", ".pyw",
    ".pl", ".rb", ".php", ".elf", ".so", ".dylib", ".iso", ".img", ".vhd", ".vhdx",
})  # fmt: skip


def safe_filename(name: str, default: str = "image", *, executable_ok: bool = False) -> str:
    """A plain file name from an untrusted one: never a path, never special on any OS, no
    invisible or direction-changing characters, at most ``MAX_NAME_BYTES`` UTF-8 bytes, and
    (unless ``executable_ok``) never an ending the OS would execute."""
    name = unicodedata.normalize("NFC", name or "")
    # Keep only the last component whichever separator the server used.
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    name = _FORBIDDEN.sub("_", name)
    name = name.strip(" .")
    if not name:
        name = default
    if name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        name = "_" + name
    if not executable_ok and is_executable_name(name):
        name = f"{name}.bin"
    return bound_length(name, MAX_NAME_BYTES)


def is_executable_name(name: str) -> bool:
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in EXECUTABLE_EXTENSIONS


def bound_length(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """Cut ``name`` to ``max_bytes`` UTF-8 bytes on a character boundary, keeping a short
    extension."""
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    match = _EXT.search(name)
    ext = match.group(0) if match else ""
    stem = name[: len(name) - len(ext)]
    budget = max_bytes - len(ext.encode("utf-8"))
    # errors="ignore" drops a split multi-byte sequence.
    stem = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    stem = unicodedata.normalize("NFC", stem).rstrip(" .") or "image"
    return stem + ext
