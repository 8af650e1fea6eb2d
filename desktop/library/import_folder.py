"""Import an existing ComfyUI output folder into the library, in the background and resumable.

Files are put into ``images/`` as hard links where the file system allows (no copy of the
bytes, no extra space; a copy otherwise) and catalogued with the prompt and workflow read
from their metadata chunks; pixels are never decoded. Work goes in batches: the files of a
batch are read and hashed on worker threads, then linked and inserted on the catalogue thread
in one transaction. Each row carries a result key naming the source folder and the file's
place in it, committed with the row: that key is the checkpoint. A run that is killed or
cancelled loses at most its uncommitted batch, and the next run of the same folder skips
everything already committed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from desktop.base import atomic

from .catalog import NewItem, ResultKey
from .core import LibraryCore
from .extract import extract_params
from .files import TEMP_PREFIX, link_new_file, month_folder
from .imaging import probe_size
from .metadata import MAX_FILE_BYTES, read_png_metadata
from .models import ExtractedParams, dumps_graph
from .store import Library

log = logging.getLogger("comfydesk.library")

IMAGE_SUFFIXES = frozenset({".png", ".webp", ".jpg", ".jpeg"})
BATCH_FILES = 250
_READERS = 2  # hashing releases the GIL; two readers keep both cores of a small machine busy
SOURCE = "import"


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Counts so far; ``done`` = imported + already there + failed."""

    total: int
    imported: int = 0
    already: int = 0  # in the library before (an earlier run, or the same bytes)
    failed: int = 0

    @property
    def done(self) -> int:
        return self.imported + self.already + self.failed


@dataclass(frozen=True, slots=True)
class ImportReport:
    progress: ImportProgress
    failures: tuple[tuple[str, str], ...] = field(default=())  # (relative path, reason)


@dataclass(frozen=True, slots=True)
class _Read:
    rel: str
    path: Path
    sha256: str
    size_bytes: int
    created: float
    params: ExtractedParams
    prompt_json: str | None
    workflow_json: str | None
    width: int
    height: int


def scan_folder(folder: Path) -> list[str]:
    """Relative POSIX paths of the pictures under ``folder``, sorted. Hidden entries,
    unfinished temp files and symbolic links are left out (a link may point anywhere)."""
    found: list[str] = []
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        try:
            entries = list(os.scandir(folder / rel_dir))
        except OSError as err:
            log.warning("import: cannot list %s: %s", folder / rel_dir, err)
            continue
        for entry in entries:
            if entry.name.startswith((".", TEMP_PREFIX)) or entry.is_symlink():
                continue
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(rel)
            elif os.path.splitext(entry.name)[1].lower() in IMAGE_SUFFIXES:
                found.append(rel)
    found.sort()
    return found


def import_key(folder: Path, rel: str) -> ResultKey:
    """The result key of one source file: like a server output's (subfolder, filename)."""
    pure = PurePosixPath(rel)
    subfolder = "" if str(pure.parent) == "." else str(pure.parent)
    return (f"{SOURCE}:{folder}", "", subfolder, pure.name)


class _NotAPicture(Exception):
    pass


def _read(folder: Path, rel: str) -> _Read:
    path = folder / rel
    with open(path, "rb") as fh:
        stat = os.fstat(fh.fileno())
        # Sized from the stat: read(MAX_FILE_BYTES) would allocate 512 MB for every file.
        data = fh.read(min(stat.st_size, MAX_FILE_BYTES))
    prompt, workflow = read_png_metadata(data)
    size = probe_size(data)  # the header only
    if size is None:
        raise _NotAPicture("not a picture this app can read")
    return _Read(
        rel=rel,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        created=stat.st_mtime,
        # Parsed here, on a reader thread, so the catalogue thread only links and inserts.
        params=extract_params(prompt, workflow),
        prompt_json=dumps_graph(prompt),
        workflow_json=dumps_graph(workflow),
        width=size[0],
        height=size[1],
    )


def _read_many(folder: Path, rels: Sequence[str]) -> list[_Read | tuple[str, str]]:
    out: list[_Read | tuple[str, str]] = []
    for rel in rels:
        try:
            out.append(_read(folder, rel))
        except OSError as err:
            out.append((rel, err.strerror or str(err)))
        except _NotAPicture as err:
            out.append((rel, str(err)))
    return out


def _not_yet_imported(core: LibraryCore, folder: Path, rels: Sequence[str]) -> list[str]:
    find = core.catalog.find_result
    return [rel for rel in rels if find(import_key(folder, rel)) is None]


def _commit(
    core: LibraryCore, folder: Path, reads: Sequence[_Read]
) -> tuple[int, int, list[tuple[str, str]]]:
    """Link and catalogue one batch in one transaction: (imported, already, failures)."""
    rows: list[tuple[NewItem, ResultKey | None]] = []
    keys: list[tuple[ResultKey, int]] = []
    seen: dict[str, int] = {}  # sha -> index in rows, for twins inside this batch
    twins: list[tuple[ResultKey, int]] = []
    failures: list[tuple[str, str]] = []
    folders: set[Path] = set()
    for read in reads:
        key = import_key(folder, read.rel)
        existing = core.catalog.find_sha(read.sha256)
        if existing is not None:
            keys.append((key, existing))
            continue
        if read.sha256 in seen:
            twins.append((key, seen[read.sha256]))
            continue
        directory = core.images / month_folder(read.created)
        try:
            placed = link_new_file(core.root, directory, read.path.name, read.path)
        except OSError as err:
            failures.append((read.rel, err.strerror or str(err)))
            continue
        folders.add(directory)
        seen[read.sha256] = len(rows)
        rows.append((_new_item(core, placed, read), key))
    for directory in folders:
        atomic.fsync_dir(directory)
    ids = core.catalog.insert_many(rows, keys)
    if twins:
        core.catalog.insert_many([], [(key, ids[index]) for key, index in twins])
    return len(rows), len(keys) + len(twins), failures


def _new_item(core: LibraryCore, placed: Path, read: _Read) -> NewItem:
    subfolder = str(PurePosixPath(read.rel).parent)
    return NewItem(
        rel_path=placed.relative_to(core.root).as_posix(),
        file_name=placed.name,
        sha256=read.sha256,
        size_bytes=read.size_bytes,
        created=read.created,
        params=read.params,
        prompt_json=read.prompt_json,
        workflow_json=read.workflow_json,
        width=read.width,
        height=read.height,
        server_filename=read.path.name,
        server_subfolder="" if subfolder == "." else subfolder,
        source=SOURCE,
    )


async def import_folder(
    lib: Library,
    folder: Path,
    on_progress: Callable[[ImportProgress], None] | None = None,
    *,
    batch_files: int = BATCH_FILES,
) -> ImportReport:
    """Import every picture under ``folder`` that an earlier run did not already import.
    ``on_progress`` is called on the event loop after the scan and after every batch.
    Cancelling keeps every committed batch; run it again to resume."""
    folder = await asyncio.to_thread(folder.resolve)
    rels = await asyncio.to_thread(scan_folder, folder)
    progress = ImportProgress(total=len(rels))
    failures: list[tuple[str, str]] = []
    if on_progress is not None:
        on_progress(progress)
    for start in range(0, len(rels), batch_files):
        chunk = rels[start : start + batch_files]
        todo = await lib._run(_not_yet_imported, lib._core, folder, chunk)
        already = len(chunk) - len(todo)
        imported = 0
        if todo:
            step = -(-len(todo) // _READERS)
            parts = await asyncio.gather(
                *(
                    asyncio.to_thread(_read_many, folder, todo[i : i + step])
                    for i in range(0, len(todo), step)
                )
            )
            reads = [r for part in parts for r in part if isinstance(r, _Read)]
            failures += [r for part in parts for r in part if isinstance(r, tuple)]
            imported, twins, failed = await lib._run(_commit, lib._core, folder, reads)
            already += twins
            failures += failed
        progress = ImportProgress(
            total=progress.total,
            imported=progress.imported + imported,
            already=progress.already + already,
            failed=len(failures),
        )
        if on_progress is not None:
            on_progress(progress)
    for rel, reason in failures:
        log.warning("import: %s not imported: %s", folder / rel, reason)
    return ImportReport(progress, tuple(failures))
