"""Wires the gallery into the app: opens the library, offers it as the sessions' ResultSink
(``sink``), puts a GalleryView in the gallery dock and keeps it current as jobs finish.
``desktop.ui.composition`` builds it for the app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from desktop.jobs.library_sink import LibrarySink
from desktop.ui.panels import Panel
from desktop.ui.tasks import TaskOwner

if TYPE_CHECKING:
    from desktop.library import Library
    from desktop.ui.app_context import AppContext
    from desktop.ui.gallery.view import GalleryView

log = logging.getLogger("comfydesk.ui")

REFRESH_DELAY_MS = 150  # a batch of 4 images lands as one refresh


class GalleryPanel(QObject):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self.view: GalleryView | None = None
        self._library: Library | None = None
        self._opening: asyncio.Lock | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._tasks = TaskOwner(self, area="gallery")
        self._refresh = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._refresh.timeout.connect(self._refresh_now)
        self.sink = LibrarySink(self.library, on_stored=lambda _job, _item: self._soon())
        ctx.connection.session_changed.connect(self._session_changed)
        # It closes the library: after the session has closed and the results still being
        # saved have landed.
        ctx.add_shutdown_hook(self.shutdown, after_session=True)
        ctx.window.after_first_paint(lambda: self._tasks.start(self._build(), name="gallery open"))

    async def library(self) -> Library:
        """The one library of this run, opened on first use."""
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._library is None:
                # Imported here: SQLite, Pillow and the gallery's widgets load after the
                # window's first paint (docs/PERFORMANCE.md §11, start-up).
                from desktop.library import Library

                self._library = await Library.open(self.ctx.settings.library_folder())
            return self._library

    async def _build(self) -> None:
        from desktop.library import LibraryError
        from desktop.ui.gallery.view import GalleryView

        try:
            library = await self.library()
        except LibraryError as err:
            log.error("The library could not be opened: %s", err)
            self.ctx.window.status_bar.show_notice(str(err))
            return
        self.view = GalleryView(library)
        self.ctx.window.set_panel(Panel.GALLERY, self.view)
        self._session_changed(self.ctx.connection.session)
        await self.view.folder_import.offer_resume()

    def _session_changed(self, session: Any) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.view is None:
            return
        self.view.set_server_source(session.client if session is not None else None)
        if session is not None:
            self._unsubscribe = session.jobs.on_change(
                lambda job: self._soon() if job.finished else None
            )

    def _soon(self) -> None:
        self._refresh.start()

    def _refresh_now(self) -> None:
        if self.view is not None:
            self.view.refresh_newest()

    async def shutdown(self) -> None:
        self._refresh.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self._tasks.shutdown()
        if self.view is not None:
            await self.view.shutdown()
        if self._library is not None:
            await self._library.close()
