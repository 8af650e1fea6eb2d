"""Files on disk: safe names for server-provided file names, the folder layout, and atomic,
never-overwriting writes that stay inside the library root."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from pathlib import Path

from desktop.base import atomic
from desktop.base.atomic import TEMP_PREFIX, TEMP_SUFFIX
from desktop.base.names import MAX_NAME_BYTES, bound_length, safe_filename

from .errors import UnsafePathError

__all__ = ["MAX_NAME_BYTES", "TEMP_PREFIX", "TEMP_SUFFIX", "safe_filename"]

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
    safe = safe_filename(name, executable_ok=True)  # the allow-list below is stricter
    stem, ext = os.path.splitext(safe)
    sniffed = sniff_extension(data)
    lower = ext.lower()
    if sniffed is not None:
        if _SAME_EXT.get(lower, lower) == sniffed:
            return safe
        if sniffed == ".mp4" and lower in {".mp4", ".m4v", ".m4a", ".mov"}:
            return safe
        return bound_length(f"{stem or 'image'}{sniffed}", MAX_NAME_BYTES)
    if lower in _ALLOWED_EXT:
        return safe
    return bound_length(f"{safe}.bin", MAX_NAME_BYTES)


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


def write_new_file(root: Path, directory: Path, name: str, data: bytes, *, sync: bool = True):
    """Write ``data`` under a fresh name (``name``, ``name-1``, …) in ``directory`` (inside
    ``root``) through the one atomic writer. A crash leaves at worst a ``.comfydesk-*.part``
    file, which "check library" removes. Returns the final path."""
    directory.mkdir(parents=True, exist_ok=True)
    ensure_inside(root, directory)
    return atomic.write_new(directory, safe_filename(name, executable_ok=True), data, sync=sync)


def link_new_file(root: Path, directory: Path, name: str, source: Path) -> Path:
    """Put ``source`` (a file outside the library) under a fresh name in ``directory``, as a
    hard link when both are on one file system (instant, no extra disk space), else as a copy.
    Like ``write_new_file`` it never overwrites; a link to ``source`` already sitting under
    ``name`` (left by an import that was killed before its catalogue commit) is reused. The
    caller fsyncs the folder (``atomic.fsync_dir``) before committing rows that point at
    the file."""
    directory.mkdir(parents=True, exist_ok=True)
    ensure_inside(root, directory)
    safe = safe_filename(name, executable_ok=True)
    with contextlib.suppress(OSError):
        if os.path.samefile(directory / safe, source):
            return directory / safe
    tmp = directory / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
    try:
        os.link(source, tmp, follow_symlinks=False)
    except OSError:  # another file system, or links not supported: copy the bytes
        try:
            shutil.copyfile(source, tmp, follow_symlinks=False)
        except BaseException:
            atomic.discard(tmp)
            raise
    # A safe name in a checked folder stays inside; the final step never follows links.
    return atomic.move_new(tmp, directory, safe)


def replace_file(path: Path, data: bytes) -> None:
    """Atomically create or replace ``path`` (for caches such as thumbnails)."""
    atomic.atomic_write(path, data, sync=False, make_parents=True)


def is_temp_file(path: Path) -> bool:
    return atomic.is_temp_file(path)
