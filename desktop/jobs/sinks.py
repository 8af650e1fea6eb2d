"""Where downloaded results go. ``FolderSink`` writes the server's bytes untouched (so PNG text
chunks / WebP EXIF with the workflow stay intact) under a safe, never-overwriting name."""

from __future__ import annotations

import asyncio
import os
import re
import unicodedata
from pathlib import Path
from typing import Protocol, runtime_checkable

from desktop.jobs.model import JobOutput, JobSnapshot


@runtime_checkable
class ResultSink(Protocol):
    async def store(self, job: JobSnapshot, output: JobOutput, data: bytes) -> Path:
        """Keep ``data`` (one output file of ``job``) and say where it went."""
        ...


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_MAX_NAME = 120


def safe_filename(name: str, fallback: str = "image.png") -> str:
    """A file name that is valid on Windows, macOS and Linux and cannot leave its folder."""
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    if not name or _WINDOWS_RESERVED.match(name):
        name = f"_{name}" if name else fallback
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = f"{stem[: _MAX_NAME - len(ext) - 1]}.{ext}"
        else:
            name = name[:_MAX_NAME]
    return name


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write to a fresh name (``x.png``, ``x (1).png``, …); never overwrite, never half-write."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    for n in range(10_000):
        candidate = name if n == 0 else f"{stem} ({n}){dot}{ext}"
        target = folder / candidate
        try:
            # Claim the name first so concurrent writers cannot pick it, then fill a temp file
            # and move it over the claim: readers never see a partial image.
            with open(target, "xb"):
                pass
        except FileExistsError:
            continue
        tmp = folder / f".{candidate}.part"
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            target.unlink(missing_ok=True)
            raise
        return target
    raise FileExistsError(f"No free file name for {name!r} in {folder}")


class FolderSink:
    """Saves every result into one folder (the default until the library is wired in)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    async def store(self, job: JobSnapshot, output: JobOutput, data: bytes) -> Path:
        name = safe_filename(output.ref.filename)
        return await asyncio.to_thread(_write_new, self.folder, name, data)
