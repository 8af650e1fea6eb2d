"""``Library``: the async face of the local library. Catalogue and file writes run on one
dedicated worker thread (SQLite connections must stay on their thread, and one writer keeps
"exactly once" simple); Pillow work runs in the default thread pool. The event loop only
awaits."""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from . import thumbs
from .core import CATALOG_NAME, LibraryCore, ResultInfo
from .errors import (
    CatalogDamagedError,
    ImageError,
    LibraryClosedError,
    LibraryError,
    ThumbnailError,
)
from .export import export_items
from .models import CatalogDamage, CheckReport, DeleteReport, LibraryItem, LibraryQuery
from .repair import check_library

try:
    from send2trash import send2trash
except ImportError:  # pragma: no cover - Send2Trash is a dependency; this is the fallback
    send2trash = None

log = logging.getLogger("comfydesk.library")
T = TypeVar("T")

_RENDER_SLOTS = 2  # concurrent thumbnail renders; Pillow releases the GIL while decoding


def _catalog_errors(fn: Callable[..., T], root: Path, *args: Any, **kwargs: Any) -> T:
    """Run ``fn``; a catalogue that turns out damaged while in use (a malformed page, the
    file overwritten) becomes a CatalogDamagedError the app can explain and act on."""
    try:
        return fn(*args, **kwargs)
    except sqlite3.OperationalError:
        raise  # busy, locked, disk full: the catalogue itself is fine
    except sqlite3.DatabaseError as err:
        raise CatalogDamagedError(root / CATALOG_NAME, str(err)) from err


class Library:
    """Open with ``await Library.open(root)``; close with ``await lib.close()``."""

    def __init__(self, core: LibraryCore, executor: ThreadPoolExecutor) -> None:
        self._core = core
        self._executor = executor
        self._closed = False
        self._thumb_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._render_slots = asyncio.Semaphore(_RENDER_SLOTS)
        self.root: Path = core.root

    @classmethod
    async def open(cls, root: Path) -> Library:
        """Create the folders and the catalogue if needed. Raises CatalogDamagedError."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="library-catalog")
        try:
            core = await asyncio.get_running_loop().run_in_executor(executor, LibraryCore, root)
        except OSError as err:
            executor.shutdown(wait=False)
            reason = err.strerror or str(err)
            raise LibraryError(f"The library folder {root} cannot be used: {reason}.") from err
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(core, executor)

    async def close(self) -> None:
        """Finish queued work, then close the catalogue. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        # Everything submitted earlier runs first: the worker is one FIFO thread.
        await asyncio.shield(loop.run_in_executor(self._executor, self._core.close))
        self._executor.shutdown(wait=False)

    async def __aenter__(self) -> Library:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def damage(self) -> CatalogDamage | None:
        """Set when the catalogue was unreadable and a fresh one was started (see
        CatalogDamage); cleared by ``check()``."""
        return self._core.damage

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._closed:
            raise LibraryClosedError()
        call = functools.partial(_catalog_errors, fn, self._core.root, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    # -- adding ----------------------------------------------------------------------------

    async def add_result(
        self,
        *,
        data: bytes,
        server_filename: str,
        prompt_id: str,
        server_url: str,
        node_id: str,
        node_title: str = "",
        batch_index: int = 0,
        prompt: Mapping[str, Any] | None = None,
        workflow: Mapping[str, Any] | None = None,
        subfolder: str = "",
        created: float | None = None,
        source: str = "job",
    ) -> LibraryItem:
        """Store one server output (bytes untouched) and catalogue it. Exactly once: the same
        (prompt_id, node_id, subfolder, filename), or the same bytes, give the existing item.
        A missing ``prompt``/``workflow`` is read from the file's embedded metadata."""
        info = ResultInfo(
            server_filename=server_filename,
            prompt_id=prompt_id,
            server_url=server_url,
            node_id=node_id,
            node_title=node_title,
            batch_index=batch_index,
            prompt=prompt,
            workflow=workflow,
            subfolder=subfolder,
            created=created,
            source=source,
        )
        try:
            return await self._run(self._core.add_result, bytes(data), info)
        except CatalogDamagedError as err:
            # The picture is on disk already or not at all; either way nothing is lost if
            # it goes into a fresh catalogue now (a repeated write is recognised by bytes).
            await self._run(self._core.replace_damaged_catalog, err)
            return await self._run(self._core.add_result, bytes(data), info)

    async def find_result(
        self, prompt_id: str, node_id: str, subfolder: str, server_filename: str
    ) -> LibraryItem | None:
        """The item stored for one server output, if any (to skip a download)."""

        def find() -> LibraryItem | None:
            key = (prompt_id, node_id, subfolder, server_filename)
            item_id = self._core.catalog.find_result(key)
            return None if item_id is None else self._core.catalog.get(item_id)

        return await self._run(find)

    # -- reading ---------------------------------------------------------------------------

    async def search(
        self, query: LibraryQuery, *, limit: int | None = None, with_graphs: bool = False
    ) -> list[LibraryItem]:
        """Matching items, newest first. Summaries unless ``with_graphs`` (see LibraryItem)."""
        return await self._run(self._core.catalog.page, query, 0, limit, full=with_graphs)

    async def count(self, query: LibraryQuery) -> int:
        return await self._run(self._core.catalog.count, query)

    async def page(
        self, query: LibraryQuery, offset: int, limit: int, *, with_graphs: bool = False
    ) -> list[LibraryItem]:
        return await self._run(self._core.catalog.page, query, offset, limit, full=with_graphs)

    async def get(self, item_id: int) -> LibraryItem | None:
        """The full item, with its API prompt and UI workflow."""
        return await self._run(self._core.get, item_id)

    async def models(self) -> list[str]:
        """Every model name used by some item (for a filter menu)."""
        return await self._run(self._core.catalog.models)

    # -- changing --------------------------------------------------------------------------

    async def set_starred(self, item_id: int, starred: bool) -> None:
        await self._run(self._core.catalog.set_starred, item_id, starred)

    async def delete(
        self, item_ids: Sequence[int], *, permanent_fallback: bool = True
    ) -> DeleteReport:
        """Move the files to the system trash and drop the rows. Where no trash is available
        the files are deleted for good if ``permanent_fallback`` (the report says which);
        otherwise those items are kept and listed as failed."""
        trash = send2trash
        if trash is None:
            log.warning("Send2Trash is not available; deleting files permanently")
        return await self._run(
            self._core.delete, list(item_ids), trash, permanent_fallback=permanent_fallback
        )

    async def export(
        self, item_ids: Sequence[int], dest_dir: Path, *, keep_metadata: bool
    ) -> list[Path]:
        """Copy items into ``dest_dir`` (never overwriting). ``keep_metadata=False`` re-saves
        the pixels only, without prompt/workflow chunks or EXIF. Raises ExportError listing
        the items that failed, after exporting the others."""
        items = await self._run(self._core.resolve, list(item_ids))
        return await asyncio.to_thread(
            export_items, items, self.root, dest_dir, keep_metadata=keep_metadata
        )

    async def thumbnail(self, item_id: int, size: int = thumbs.THUMB_SIZE) -> Path:
        """A cached JPEG whose longest side is ``size`` px, made on first request. Raises
        ThumbnailError for damaged, unknown or oversized (decompression bomb) images."""
        item = await self._run(self._core.item_file, item_id)
        dest = thumbs.thumbnail_path(self._core.thumbs, item.sha256, size)
        lock = self._thumb_locks.get(item.sha256)
        if lock is None:
            lock = self._thumb_locks[item.sha256] = asyncio.Lock()
        async with lock:
            if await asyncio.to_thread(dest.is_file):
                return dest
            async with self._render_slots:
                try:
                    await asyncio.to_thread(thumbs.render_thumbnail, item.path, dest, size)
                except ImageError as err:
                    raise ThumbnailError(item.path, err.reason) from err
        return dest

    async def check(self) -> CheckReport:
        """Make catalogue and files agree (see repair.check_library)."""
        report = await self._run(check_library, self._core)
        await self._run(self._core.repaired)
        return report
