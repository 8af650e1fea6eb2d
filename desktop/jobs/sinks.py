"""Where downloaded results go. A download arrives as a finished temp file in the sink's
``staging_dir``; the sink takes it over. ``FolderSink`` renames the server's bytes untouched
(so PNG text chunks / WebP EXIF with the workflow stay intact) to a safe, never-overwriting
name -- no copy, no second buffer in memory."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol, runtime_checkable

from desktop.base import atomic
from desktop.base.names import safe_filename
from desktop.jobs.model import JobOutput, JobSnapshot


@runtime_checkable
class ResultSink(Protocol):
    async def staging_dir(self) -> Path:
        """Where downloads for this sink are written while they arrive (same file system as
        the final place, so keeping one is a rename)."""
        ...

    async def store(self, job: JobSnapshot, output: JobOutput, source: Path) -> Path:
        """Keep ``source`` (a finished download of one output of ``job``, in
        ``staging_dir()``; the sink owns it from now on) and say where it went."""
        ...


def _keep(folder: Path, source: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = atomic.move_new(source, folder, name, pattern="{stem} ({n}){ext}")
    atomic.fsync_dir(folder)
    return path


class FolderSink:
    """Saves every result into one folder (the runner's ``--out``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    async def staging_dir(self) -> Path:
        await asyncio.to_thread(self.folder.mkdir, parents=True, exist_ok=True)
        return self.folder

    async def store(self, job: JobSnapshot, output: JobOutput, source: Path) -> Path:
        name = safe_filename(output.ref.filename)
        return await asyncio.to_thread(_keep, self.folder, source, name)
