"""``GalleryModel``: a flat list model over the library or a server's history.

Library rows are virtual: the model knows the count and loads 200-row pages when the view first
asks for a row in them, so 10,000+ items cost one small list of ``None`` until scrolled. Server
rows grow page by page through ``fetchMore`` (the server has no cheap count). Thumbnails come
from the shared ``ThumbnailCache``; a thumbnail that arrives changes exactly one row."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)

from desktop.library import LibraryQuery
from desktop.library.server_history import HistoryMoved
from desktop.ui.gallery.sources import (
    GalleryEntry,
    LibrarySource,
    ServerSource,
    matches,
    server_entry,
)
from desktop.ui.gallery.thumbs import ThumbnailCache
from desktop.ui.tasks import TaskOwner

log = logging.getLogger("comfydesk.ui")

PAGE = 200
PAGES_WANTED = 4  # pending page loads kept (a screen spans at most two pages)
NEWEST_WINDOW = 64  # rows checked for new results; more new rows than this reload the list
Index = QModelIndex | QPersistentModelIndex

EntryRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 2
FailedRole = Qt.ItemDataRole.UserRole + 3


class GalleryModel(QAbstractListModel):
    count_changed = Signal(int)
    busy_changed = Signal(bool)
    problem = Signal(str)  # a sentence for the status line
    reset_done = Signal()

    def __init__(self, thumbs: ThumbnailCache, parent: Any = None) -> None:
        super().__init__(parent)
        self.thumbs = thumbs
        self.source: LibrarySource | ServerSource | None = None
        self.query = LibraryQuery()
        self._rows: list[GalleryEntry | None] = []
        self._all: list[GalleryEntry] = []  # server rows before the text filter
        self._epoch = 0  # bumps on reset: late pages of an old list are dropped
        self._shape = 0  # bumps on inserts/removals: late pages would land on wrong rows
        self._loading_pages: set[int] = set()
        # Pages the view asked for and not yet loading, newest last. A fling asks for
        # hundreds; they are loaded newest first and the oldest forgotten, so the page on
        # screen does not wait behind pages long scrolled past (100,000 items: it did, 30 s).
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._page_loader: asyncio.Task[None] | None = None
        self._fetching = False
        self._busy = 0
        self._refresh_lock = asyncio.Lock()
        self._index: dict[Hashable, int] | None = None
        self._tasks = TaskOwner(self, area="gallery", report_to_excepthook=False)
        self._tasks.failed.connect(lambda _name, err: self.problem.emit(str(err)))
        thumbs.ready.connect(self._thumbnail_changed)
        thumbs.failed.connect(lambda key, _reason: self._thumbnail_changed(key))

    # -- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if entry is None:
            self._request_page(index.row())
            return None
        if role == EntryRole:
            return entry
        if role == KeyRole:
            return entry.key
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(entry)
        if role == FailedRole:
            return self.thumbs.failure(entry.key) is not None
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.params.positive or entry.file_name
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.params.positive[:300] or entry.file_name
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """File URLs of the selected pictures, for dragging them into other apps."""
        urls = []
        for index in indexes:
            entry = self.entry(index.row())
            path = entry.path if entry is not None else None
            server = self.source if isinstance(self.source, ServerSource) else None
            if path is None and entry is not None and entry.server_image and server:
                path = server.history.cached_original(entry.server_image)
            if path is not None:
                urls.append(QUrl.fromLocalFile(str(path)))
        mime = QMimeData()
        mime.setUrls(urls)
        return mime

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        source = self.source
        return (
            not parent.isValid()
            and not self._tasks.closed
            and isinstance(source, ServerSource)
            and source.history.has_older
            and not self._fetching
        )

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetching = True
            self._tasks.start(self._fetch_older(self._epoch), name="gallery older page")

    # -- reading ---------------------------------------------------------------------------

    def entry(self, row: int) -> GalleryEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def entries(self) -> list[GalleryEntry | None]:
        return list(self._rows)

    def row_of(self, key: Hashable) -> int | None:
        if self._index is None:
            self._index = {e.key: row for row, e in enumerate(self._rows) if e is not None}
        return self._index.get(key)

    async def entry_at(self, row: int) -> GalleryEntry | None:
        """The entry at ``row``, loading its page first if needed (viewer navigation)."""
        if not 0 <= row < len(self._rows):
            return None
        if self._rows[row] is None and isinstance(self.source, LibrarySource):
            await self._load_page(row // PAGE, self._epoch, self._shape)
        return self.entry(row)

    @property
    def busy(self) -> bool:
        return self._busy > 0

    # -- changing what is shown ------------------------------------------------------------

    def set_source(self, source: LibrarySource | ServerSource | None) -> asyncio.Task[None]:
        self.source = source
        return self.reload()

    def set_query(self, query: LibraryQuery) -> asyncio.Task[None]:
        """Library: filter in SQL. Server: filter the loaded rows by text, no network."""
        self.query = query
        if isinstance(self.source, ServerSource):
            self._reset_rows([e for e in self._all if matches(e, query.text)])
            return self._tasks.start(asyncio.sleep(0), name="gallery filter")
        return self.reload()

    def reload(self) -> asyncio.Task[None]:
        self._epoch += 1
        return self._tasks.start(self._reload(self._epoch), name="gallery reload")

    def refresh_newest(self) -> asyncio.Task[None]:
        """Put results that appeared since the last look at the top."""
        return self._tasks.start(self._refresh_newest(self._epoch), name="gallery newest")

    def replace_entry(self, entry: GalleryEntry) -> None:
        row = self.row_of(entry.key)
        if row is None:
            return
        self._rows[row] = entry
        self._all = [entry if e.key == entry.key else e for e in self._all]
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def remove_keys(self, keys: Iterable[Hashable]) -> None:
        gone = set(keys)
        rows = sorted((r for k in gone if (r := self.row_of(k)) is not None), reverse=True)
        for row in rows:  # one at a time, bottom up: selections elsewhere stay put
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
        self._all = [e for e in self._all if e.key not in gone]
        if rows:
            self._changed_shape()

    async def shutdown(self) -> None:
        await self._tasks.shutdown()

    # -- internals -------------------------------------------------------------------------

    def _set_busy(self, delta: int) -> None:
        was = self.busy
        self._busy += delta
        if was != self.busy:
            self.busy_changed.emit(self.busy)

    def _changed_shape(self) -> None:
        self._shape += 1
        self._index = None
        self._loading_pages.clear()
        self._wanted.clear()
        self.count_changed.emit(len(self._rows))

    def _reset_rows(self, rows: list[GalleryEntry | None]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._loading_pages.clear()
        self._wanted.clear()
        self._shape += 1
        self._index = None
        self.endResetModel()
        self.count_changed.emit(len(rows))
        self.reset_done.emit()

    def _thumbnail(self, entry: GalleryEntry) -> Any:
        image = self.thumbs.get(entry.key)
        if image is None and self.thumbs.failure(entry.key) is None:
            source = self.source
            if source is not None:
                self.thumbs.request(entry.key, lambda: source.thumbnail(entry))
        return image

    def _thumbnail_changed(self, key: Hashable) -> None:
        row = self.row_of(key)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def _request_page(self, row: int) -> None:
        page = row // PAGE
        if (
            page in self._loading_pages
            or not isinstance(self.source, LibrarySource)
            or self._tasks.closed  # data() during a paint after shutdown
        ):
            return
        self._loading_pages.add(page)
        self._wanted[page] = None
        while len(self._wanted) > PAGES_WANTED:
            forgotten, _ = self._wanted.popitem(last=False)
            self._loading_pages.discard(forgotten)  # asked for again if it shows again
        if self._page_loader is None or self._page_loader.done():
            self._page_loader = self._tasks.start(self._load_wanted(), name="gallery pages")

    async def _load_wanted(self) -> None:
        while self._wanted:
            page, _ = self._wanted.popitem(last=True)
            await self._load_page(page, self._epoch, self._shape)

    async def _load_page(self, page: int, epoch: int, shape: int) -> None:
        source = self.source
        if not isinstance(source, LibrarySource):
            return
        self._set_busy(+1)
        try:
            entries = await source.page(self.query, page * PAGE, PAGE)
        finally:
            self._set_busy(-1)
        if epoch != self._epoch or shape != self._shape:
            self._loading_pages.discard(page)
            return  # rows moved meanwhile; the view asks again for what it shows
        start = page * PAGE
        stop = min(start + len(entries), len(self._rows))
        if stop <= start:
            return
        self._rows[start:stop] = entries[: stop - start]
        self._index = None
        self.dataChanged.emit(self.index(start), self.index(stop - 1))

    async def _reload(self, epoch: int) -> None:
        source = self.source
        self._set_busy(+1)
        try:
            if source is None:
                rows: list[GalleryEntry | None] = []
                self._all = []
            elif isinstance(source, LibrarySource):
                rows = [None] * await source.count(self.query)
                first = await source.page(self.query, 0, PAGE) if rows else []
                rows[: len(first)] = first  # what the view shows first, without a flash
            else:
                self._all = [server_entry(i) for i in await source.history.first_page()]
                rows = [e for e in self._all if matches(e, self.query.text)]
        finally:
            self._set_busy(-1)
        if epoch == self._epoch:
            self._reset_rows(rows)

    async def _fetch_older(self, epoch: int) -> None:
        source = self.source
        try:
            if not isinstance(source, ServerSource):
                return
            self._set_busy(+1)
            try:
                images = await source.history.older()
            except HistoryMoved:
                log.info("server history moved; reloading the list")
                self.reload()
                return
            finally:
                self._set_busy(-1)
            if epoch != self._epoch:
                return
            older = [server_entry(image) for image in images]
            self._all.extend(older)
            shown = [e for e in older if matches(e, self.query.text)]
            if shown:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
                self._rows.extend(shown)
                self.endInsertRows()
                self._changed_shape()
        finally:
            self._fetching = False

    async def _refresh_newest(self, epoch: int) -> None:
        source = self.source
        if isinstance(source, ServerSource):
            await self._refresh_server(source, epoch)
        elif isinstance(source, LibrarySource):
            await self._refresh_library(source, epoch)

    async def _refresh_server(self, source: ServerSource, epoch: int) -> None:
        newer = await source.history.newer()
        if epoch != self._epoch:
            return
        fresh = [server_entry(image) for image in newer.images]
        if newer.reset:
            self._all = fresh
            self._reset_rows([e for e in fresh if matches(e, self.query.text)])
            return
        self._all[:0] = fresh
        self._insert_top([e for e in fresh if matches(e, self.query.text)])

    async def _refresh_library(self, source: LibrarySource, epoch: int) -> None:
        # One refresh at a time: a batch stores its pictures one by one and each asks for a
        # refresh; interleaved, one would count rows the other already inserted.
        async with self._refresh_lock:
            for _ in range(3):  # a picture stored between the count and the page: look again
                count = await source.count(self.query)
                newest = await source.page(self.query, 0, NEWEST_WINDOW)
                if epoch != self._epoch:
                    return
                top = self._rows[0] if self._rows else None
                if top is None and self._rows:
                    self.reload()  # nothing loaded yet to line up with
                    return
                fresh: list[GalleryEntry] = []
                for entry in newest:
                    if top is not None and entry.key == top.key:
                        break
                    fresh.append(entry)
                if top is not None and len(fresh) == NEWEST_WINDOW:
                    break  # too much at once: start over
                if count == len(self._rows) + len(fresh):
                    self._insert_top(fresh)
                    return
            self.reload()  # deletions elsewhere, or the library kept moving: start over

    def _insert_top(self, fresh: list[GalleryEntry]) -> None:
        if not fresh:
            return
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self._rows[:0] = fresh
        self.endInsertRows()
        self._changed_shape()
