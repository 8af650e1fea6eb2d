"""Files on disk: safe names for server-provided file names, the folder layout, and atomic,
never-overwriting writes that stay inside the library root."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path

from .errors import UnsafePathError

MAX_NAME_BYTES = 120
TEMP_PREFIX = ".comfydesk-"
TEMP_SUFFIX = ".part"

_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")
}
# Characters Windows forbids in names, plus both separators (a server name is never a path).
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# Bidirectional overrides make "gnp.exe" look like "exe.png"; drop them with control chars.
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_EXT = re.compile(r"\.[A-Za-z0-9]{1,10}$")

# Formats we recognise by their first bytes, and the extension the file must then carry.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", ".png"),
    (0, b"\xff\xd8\xff", ".jpg"),
    (0, b"GIF87a", ".gif"),
    (0, b"GIF89a", ".gif"),
    (0, b"\x1aE\xdf\xa3", ".webm"),
    (0, b"fLaC", ".flac"),
    (0, b"OggS", ".ogg"),
    (0, b"glTF", ".glb"),
)
_SAME_EXT = {".jpeg": ".jpg", ".jpe": ".jpg", ".mkv": ".webm", ".opus": ".ogg", ".apng": ".png"}
# Extensions a result may keep when its bytes are not recognised: media and data, nothing
# that a double click would execute.
_ALLOWED_EXT = {
    ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".avif", ".heic",
    ".mp4", ".mov", ".webm", ".mkv", ".avi", ".m4v",
    ".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aac",
    ".glb", ".gltf", ".obj", ".ply", ".stl", ".fbx", ".usdz",
    ".json", ".txt", ".latent", ".safetensors", ".npy", ".npz", ".exr", ".hdr", ".svg",
}  # fmt: skip


def safe_filename(name: str, default: str = "image") -> str:
    """A plain file name from an untrusted one: never a path, never special on any OS."""
    name = unicodedata.normalize("NFC", name or "")
    # Keep only the last component whichever separator the server used.
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc" and ch not in _BIDI)
    name = _FORBIDDEN.sub("_", name)
    name = name.strip(" .")
    if not name:
        name = default
    if name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        name = "_" + name
    return _bound_length(name, MAX_NAME_BYTES)


def _bound_length(name: str, max_bytes: int) -> str:
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    match = _EXT.search(name)
    ext = match.group(0) if match else ""
    stem = name[: len(name) - len(ext)]
    budget = max_bytes - len(ext.encode("utf-8"))
    # Cut on a character boundary; errors="ignore" drops a split multi-byte sequence.
    stem = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    stem = unicodedata.normalize("NFC", stem).rstrip(" .") or "image"
    return stem + ext


def sniff_extension(data: bytes) -> str | None:
    """The extension that matches the content, or None if the format is not recognised."""
    for offset, magic, ext in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return ".wav"
    if data[4:8] == b"ftyp":
        return ".mov" if data[8:10] == b"qt" else ".mp4"
    return None


def name_for_content(name: str, data: bytes) -> str:
    """Make the extension tell the truth about the bytes, so the OS opens the file as what it
    is; an unknown format with an unknown extension gets ``.bin`` (never an executable)."""
    safe = safe_filename(name)
    stem, ext = os.path.splitext(safe)
    sniffed = sniff_extension(data)
    lower = ext.lower()
    if sniffed is not None:
        if _SAME_EXT.get(lower, lower) == sniffed:
            return safe
        if sniffed == ".mp4" and lower in {".mp4", ".m4v", ".m4a", ".mov"}:
            return safe
        return _bound_length(f"{stem or 'image'}{sniffed}", MAX_NAME_BYTES)
    if lower in _ALLOWED_EXT:
        return safe
    return _bound_length(f"{safe}.bin", MAX_NAME_BYTES)


def month_folder(created: float) -> str:
    """``YYYY-MM`` in local time: the sub-folder of ``images/`` a result goes to."""
    return time.strftime("%Y-%m", time.localtime(created))


def ensure_inside(root: Path, path: Path) -> Path:
    """The resolved path, if it lies inside the resolved root (symlinks are followed for the
    check, so a symlinked folder pointing elsewhere is refused)."""
    real_root = root.resolve()
    resolved = path.resolve()
    if resolved != real_root and not resolved.is_relative_to(real_root):
        raise UnsafePathError(path, root)
    return resolved


def fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(directory: Path, data: bytes, *, sync: bool) -> Path:
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _candidates(name: str):
    stem, ext = os.path.splitext(name)
    yield name
    for n in range(1, 1000):
        yield f"{stem}-{n}{ext}"
    while True:
        yield f"{stem}-{secrets.token_hex(4)}{ext}"


def reserve_name(directory: Path, name: str) -> Path:
    """Create an empty file with ``name`` or ``name-1``, ``-2`` … (O_EXCL, so two writers can
    never pick the same name and nothing is overwritten)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    for candidate in _candidates(name):
        path = directory / candidate
        try:
            fd = os.open(path, flags, 0o644)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise AssertionError("unreachable")  # _candidates never ends


def write_new_file(root: Path, directory: Path, name: str, data: bytes, *, sync: bool = True):
    """Write ``data`` under a fresh name in ``directory`` (inside ``root``): reserve the name,
    write a temp file in the same folder, fsync, then rename over the reservation. A crash
    leaves at worst an empty reservation or a ``.comfydesk-*.part`` file, both of which
    "check library" removes. Returns the final path."""
    directory.mkdir(parents=True, exist_ok=True)
    ensure_inside(root, directory)
    final = reserve_name(directory, safe_filename(name))
    tmp: Path | None = None
    try:
        ensure_inside(root, final)
        tmp = _write_temp(directory, data, sync=sync)
        os.replace(tmp, final)
    except BaseException:
        for leftover in (tmp, final):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
        raise
    if sync:
        fsync_dir(directory)
    return final


def link_new_file(root: Path, directory: Path, name: str, source: Path) -> Path:
    """Put ``source`` (a file outside the library) under a fresh name in ``directory``, as a
    hard link when both are on one file system (instant, no extra disk space), else as a copy.
    Like ``write_new_file`` it never overwrites; a link to ``source`` already sitting under
    ``name`` (left by an import that was killed before its catalogue commit) is reused. The
    caller fsyncs the folder before committing rows that point at the file."""
    directory.mkdir(parents=True, exist_ok=True)
    ensure_inside(root, directory)
    safe = safe_filename(name)
    with contextlib.suppress(OSError):
        if os.path.samefile(directory / safe, source):
            return directory / safe
    # A safe name in a checked folder stays inside; O_NOFOLLOW and rename never follow links.
    final = reserve_name(directory, safe)
    tmp = directory / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
    try:
        try:
            os.link(source, tmp, follow_symlinks=False)
        except OSError:  # another file system, or links not supported: copy the bytes
            shutil.copyfile(source, tmp, follow_symlinks=False)
        os.replace(tmp, final)
    except BaseException:
        for leftover in (tmp, final):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise
    return final


def replace_file(path: Path, data: bytes) -> None:
    """Atomically create or replace ``path`` (for caches such as thumbnails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path.parent, data, sync=False)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def is_temp_file(path: Path) -> bool:
    return path.name.startswith(TEMP_PREFIX) and path.name.endswith(TEMP_SUFFIX)
