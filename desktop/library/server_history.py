"""Browse a ComfyUI server's own history without ever asking for all of it.

The server keeps history in memory, oldest first, with no total count:
``offset`` counts from the oldest entry and ``max_items`` alone gives the newest N. The pager
finds the total with a few one-item probes, then fetches pages by offset from the oldest, so a
page stays the same while new jobs finish. Each page is checked against an anchor (the prompt id
next to it that we already know): when the server dropped old entries (its 10,000 cap) or was
restarted, the anchor moves or vanishes and the caller is told to start over.

Originals are downloaded once through ``/view`` into a cache folder and thumbnailed locally with
Pillow; ``/view?preview=`` re-encodes at full size on the server's event loop, so it is never
used in bulk. Qt-free.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from desktop.base import atomic
from desktop.comfy.types import HistoryItem, ImageRef

from . import thumbs
from .errors import ImageError, ThumbnailError
from .extract import extract_params
from .files import sniff_extension
from .models import ExtractedParams, LibraryItem

log = logging.getLogger("comfydesk.library")

PAGE_SIZE = 40  # history entries (prompts) per request; each may carry a whole UI workflow
_SLACK = 64  # how far an anchor may have moved (entries dropped at the cap) and still be found
_DOWNLOADS = 3  # concurrent /view downloads


class HistoryClient(Protocol):
    base_url: str

    async def history(
        self, max_items: int | None = None, offset: int | None = None
    ) -> list[HistoryItem]: ...

    async def history_item(self, prompt_id: str) -> HistoryItem | None: ...

    async def download(self, ref: ImageRef, directory: Path) -> Path: ...


class ResultStore(Protocol):
    # A property, so that any keyword signature matches (a library names its fields).
    @property
    def add_result(self) -> Callable[..., Awaitable[LibraryItem]]: ...


class HistoryMoved(Exception):
    """The server's history no longer lines up with what was loaded (restart, wipe, cap)."""


@dataclass(frozen=True, slots=True)
class ServerImage:
    """One output image of one history entry: a compact index row (no graphs kept)."""

    prompt_id: str
    node_id: str
    ref: ImageRef
    batch_index: int
    number: float
    created: float | None  # epoch seconds the run finished, from the status messages
    params: ExtractedParams
    server_url: str
    status: str  # "success" | "error" | ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.prompt_id, self.node_id, self.ref.subfolder, self.ref.type, self.ref.filename)


@dataclass(frozen=True, slots=True)
class HistoryDetails:
    """The graphs of one history entry, fetched on demand (viewer, keep, reuse)."""

    prompt: dict[str, Any] | None
    workflow: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Newer:
    """What finished since the last look: ``images`` newest first; ``reset`` when the history
    moved under us and ``images`` is a fresh first page instead."""

    images: tuple[ServerImage, ...]
    reset: bool = False


def _finished_at(item: HistoryItem) -> float | None:
    """The latest status timestamp (the run's end), in epoch seconds."""
    stamps = [
        stamp
        for _kind, data in item.messages
        if isinstance(data, dict)
        and isinstance(stamp := data.get("timestamp"), int | float)
        and not isinstance(stamp, bool)
        and stamp > 0
    ]
    return max(stamps) / 1000.0 if stamps else None


def images_of(item: HistoryItem, server_url: str) -> list[ServerImage]:
    """The kept (non-temp) images of one entry, in output order."""
    prompt = item.prompt if isinstance(item.prompt, Mapping) else None
    finished = _finished_at(item)
    images: list[ServerImage] = []
    params_by_node: dict[str, ExtractedParams] = {}
    for output in item.outputs:
        for index, ref in enumerate(output.images):
            if ref.is_temp:
                continue
            params = params_by_node.get(output.node_id)
            if params is None:
                params = extract_params(prompt, item.workflow, output_node=output.node_id)
                params_by_node[output.node_id] = params
            images.append(
                ServerImage(
                    prompt_id=item.prompt_id,
                    node_id=output.node_id,
                    ref=ref,
                    batch_index=index,
                    number=item.number,
                    created=finished,
                    params=params,
                    server_url=server_url,
                    status=item.status_str,
                )
            )
    return images


def _newest_first(items: Sequence[HistoryItem], server_url: str) -> list[ServerImage]:
    return [image for item in reversed(items) for image in images_of(item, server_url)]


class ServerHistory:
    """Newest-first paging over one server's history plus an on-disk cache of its images.

    ``first_page()`` starts over, ``older()`` continues towards the oldest entry and
    ``newer()`` returns what finished since. Methods are not meant to run concurrently with
    each other (one owner drives the paging); downloads may run in parallel."""

    def __init__(
        self, client: HistoryClient, cache_root: Path, *, page_size: int = PAGE_SIZE
    ) -> None:
        self.client = client
        self.server_url = client.base_url
        url_key = hashlib.sha256(self.server_url.encode()).hexdigest()[:16]
        self.cache_dir = cache_root / url_key
        self.page_size = max(1, page_size)
        self.total_hint: int | None = None
        # Offsets (from the oldest) of the oldest and newest entries loaded, with their ids.
        self._oldest: tuple[int, str] | None = None
        self._newest: tuple[int, str] | None = None
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._downloads = asyncio.Semaphore(_DOWNLOADS)

    # -- counting and paging ---------------------------------------------------------------

    async def _exists(self, offset: int) -> bool:
        return bool(await self.client.history(max_items=1, offset=offset))

    async def count(self) -> int:
        """How many entries the server holds: two probes when the last count still holds,
        otherwise an exponential then binary search (~2·log2(n) one-item requests)."""
        low = 0  # every offset below ``low`` exists
        hint = self.total_hint
        if hint and await self._exists(hint - 1):
            if not await self._exists(hint):
                return hint
            low = hint + 1
        step, probe = max(1, low), low
        while await self._exists(probe):
            low = probe + 1
            probe, step = low + step, step * 2
        high = probe  # missing
        while low < high:
            mid = (low + high) // 2
            if await self._exists(mid):
                low = mid + 1
            else:
                high = mid
        self.total_hint = low
        return low

    async def _slice(self, start: int, stop: int) -> list[HistoryItem]:
        """Entries [start, stop) counted from the oldest, oldest first."""
        start = max(0, start)
        if stop <= start:
            return []
        return await self.client.history(max_items=stop - start, offset=start)

    def _remember(self, oldest: tuple[int, str] | None, newest: tuple[int, str] | None) -> None:
        if oldest is not None:
            self._oldest = oldest
        if newest is not None:
            self._newest = newest

    @property
    def has_older(self) -> bool:
        return self._oldest is not None and self._oldest[0] > 0

    async def first_page(self) -> list[ServerImage]:
        """The newest page, newest first; forgets anything loaded before."""
        self._oldest = self._newest = None
        total = await self.count()
        items = await self._slice(total - self.page_size, total)
        if not items:
            return []
        start = total - len(items)
        self._remember((start, items[0].prompt_id), (start + len(items) - 1, items[-1].prompt_id))
        self.total_hint = start + len(items)
        return _newest_first(items, self.server_url)

    async def _locate(self, prompt_id: str, near: int, window_stop: int) -> tuple[int, list]:
        """Find ``prompt_id`` at or below offset ``near``; returns its offset and the slice read
        ([lo, window_stop)). Raises HistoryMoved when it is gone."""
        lo = max(0, near - _SLACK)
        items = await self._slice(lo, window_stop)
        for index, item in enumerate(items):
            if item.prompt_id == prompt_id:
                return lo + index, items
        raise HistoryMoved(prompt_id)

    async def older(self) -> list[ServerImage]:
        """The next page towards the oldest entry, newest first; [] at the end. Raises
        HistoryMoved when the loaded entries are no longer where they were."""
        if self._oldest is None or self._oldest[0] <= 0:
            return []
        offset, anchor = self._oldest
        items = await self._slice(offset - self.page_size, offset + 1)
        if items and items[-1].prompt_id == anchor:
            page = items[:-1]
            start = offset - len(page)
        else:  # old entries were dropped at the cap: the anchor moved down
            found, window = await self._locate(anchor, offset, offset + 1)
            page = window[: found - max(0, offset - _SLACK)][-self.page_size :]
            start = found - len(page)
            self._newest = _shifted(self._newest, found - offset)
        if page:
            self._oldest = (start, page[0].prompt_id)
        else:
            self._oldest = (0, anchor)
        return _newest_first(page, self.server_url)

    async def newer(self) -> Newer:
        """Entries that finished since the last look, newest first (at most two pages; more
        than that, or a history that moved, gives ``reset`` with a fresh first page)."""
        if self._newest is None:
            return Newer(tuple(await self.first_page()), reset=True)
        offset, anchor = self._newest
        total = await self.count()
        if total <= offset or total - offset - 1 > 2 * self.page_size:
            return Newer(tuple(await self.first_page()), reset=True)
        items = await self._slice(offset, total)
        if items and items[0].prompt_id == anchor:
            found, fresh = offset, items[1:]
        else:  # old entries were dropped at the cap: everything moved down
            try:
                found, window = await self._locate(anchor, offset, total)
            except HistoryMoved:
                return Newer(tuple(await self.first_page()), reset=True)
            fresh = window[found - max(0, offset - _SLACK) + 1 :]
            self._oldest = _shifted(self._oldest, found - offset)
        self._newest = (found + len(fresh), fresh[-1].prompt_id if fresh else anchor)
        return Newer(tuple(_newest_first(fresh, self.server_url)))

    # -- details, files, keeping -----------------------------------------------------------

    async def details(self, image: ServerImage) -> HistoryDetails:
        """The API prompt and UI workflow of the image's entry (one cheap request)."""
        item = await self.client.history_item(image.prompt_id)
        if item is None:
            return HistoryDetails(None, None)
        prompt = item.prompt if isinstance(item.prompt, dict) else None
        workflow = item.workflow if isinstance(item.workflow, dict) else None
        return HistoryDetails(prompt, workflow)

    def _cache_stem(self, image: ServerImage) -> str:
        return hashlib.sha256("\0".join(image.key).encode()).hexdigest()

    def _lock(self, name: str) -> asyncio.Lock:
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = asyncio.Lock()
        return lock

    def cached_original(self, image: ServerImage) -> Path | None:
        """The downloaded file if present (no I/O beyond a directory lookup)."""
        stem = self._cache_stem(image)
        matches = list((self.cache_dir / stem[:2]).glob(f"{stem}.*"))
        return next((p for p in matches if not p.name.endswith((".part", ".jpg"))), None)

    async def original(self, image: ServerImage) -> Path:
        """The image file, downloaded once into the cache."""
        stem = self._cache_stem(image)
        async with self._lock(stem):
            found = await asyncio.to_thread(self.cached_original, image)
            if found is not None:
                return found
            folder = self.cache_dir / stem[:2]
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
            async with self._downloads:
                # Streamed to a temp file in the cache (size-capped), never held whole.
                staged = await self.client.download(image.ref, folder)
            try:
                head = await asyncio.to_thread(_head, staged)
                ext = sniff_extension(head) or Path(image.ref.filename).suffix.lstrip(".")
                ext = "".join(ch for ch in (ext or "").lower() if ch.isalnum())[:8] or "bin"
                dest = folder / f"{stem}.{ext}"
                await asyncio.to_thread(os.replace, staged, dest)
            except BaseException:
                await asyncio.to_thread(atomic.discard, staged)
                raise
            return dest

    async def thumbnail(self, image: ServerImage, size: int = thumbs.THUMB_SIZE) -> Path:
        """A local JPEG thumbnail of the downloaded original. Raises ThumbnailError."""
        stem = self._cache_stem(image)
        dest = self.cache_dir / stem[:2] / f"{stem}-thumb{size}.jpg"
        if await asyncio.to_thread(dest.is_file):
            return dest
        source = await self.original(image)
        async with self._lock(f"{stem}-thumb{size}"):
            if await asyncio.to_thread(dest.is_file):
                return dest
            try:
                await asyncio.to_thread(thumbs.render_thumbnail, source, dest, size)
            except ImageError as err:
                raise ThumbnailError(source, err.reason) from err
        return dest

    async def keep(self, image: ServerImage, library: ResultStore) -> LibraryItem:
        """Copy the image into the library with its prompt and workflow. The library
        recognises an output it already has (same job output or same bytes)."""
        details = await self.details(image)
        path = await self.original(image)
        data = await asyncio.to_thread(path.read_bytes)
        return await library.add_result(
            data=data,
            server_filename=image.ref.filename,
            prompt_id=image.prompt_id,
            server_url=image.server_url,
            node_id=image.node_id,
            batch_index=image.batch_index,
            prompt=details.prompt,
            workflow=details.workflow,
            subfolder=image.ref.subfolder,
            created=image.created,
            source="server-history",
        )


def _shifted(anchor: tuple[int, str] | None, delta: int) -> tuple[int, str] | None:
    return None if anchor is None else (max(0, anchor[0] + delta), anchor[1])


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(64)
