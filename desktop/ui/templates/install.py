"""``StartingPoints``: opens a starter (fitted to the connected server) or a server template
into the form, from the empty form's cards or File › New from Template.

    points = StartingPoints(workspace, window, panel.starter_cards)
    ...
    await points.shutdown()
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMenu, QWidget

from desktop.library.errors import ImageError
from desktop.ui.preview.decode import decode_async
from desktop.ui.tasks import TaskOwner
from desktop.ui.templates.cards import StarterCards
from desktop.ui.templates.texts import note_text, starter_title
from desktop.workflow.starters import StarterKind, adapt_starter, starter, starters

if TYPE_CHECKING:
    from desktop.comfy.client import ComfyClient
    from desktop.comfy.object_info import ObjectInfo
    from desktop.ui.templates.gallery_dialog import TemplateGalleryDialog
    from desktop.ui.templates.library import TemplateLibrary
    from desktop.ui.workspace import Workspace
    from desktop.workflow.template_check import TemplateCheck

log = logging.getLogger("comfydesk.ui")


class StartingPoints(QObject):
    def __init__(
        self,
        workspace: Workspace,
        window: QWidget,
        cards: StarterCards,
        menu: QMenu | None = None,
    ) -> None:
        super().__init__(window)
        self.workspace = workspace
        self.window = window
        self.cards = cards
        self.menu = menu
        self.dialog: TemplateGalleryDialog | None = None
        self.library: TemplateLibrary | None = None
        self._tasks = TaskOwner(self, area="ui")
        cards.starter_chosen.connect(self.open_starter)
        cards.browse_requested.connect(self.browse)
        if menu is not None:
            menu.aboutToShow.connect(self._fill_menu)
            self._fill_menu()
        self._stopping = False
        self._waiting: StarterKind | None = None
        workspace.state_changed.connect(self._open_waiting)
        # The app builds its panels before the event loop runs: start on the loop's first turn.
        QTimer.singleShot(0, self, self._start_pictures)

    def _start_pictures(self) -> None:
        if not self._stopping:
            self._tasks.start(self._load_pictures(), name="starter pictures")

    async def _load_pictures(self) -> None:
        for item in starters():
            try:
                image = await decode_async(item.picture_path)
            except ImageError as err:
                log.warning("Starter picture %s is unreadable: %s", item.picture_path, err)
                continue
            self.cards.set_picture(item.kind, image)

    def _fill_menu(self) -> None:
        """(Re)fill File › New from Template; filled when shown, so always in today's language."""
        menu = self.menu
        assert menu is not None
        menu.clear()
        for kind in StarterKind:
            action = menu.addAction(starter_title(kind))
            action.triggered.connect(lambda _checked=False, k=kind: self.open_starter(k))
        menu.addSeparator()
        browse = menu.addAction(self.tr("Server Templates…"))
        browse.triggered.connect(lambda _checked=False: self.browse())

    # ------------------------------------------------------------------ starters

    def open_starter(self, kind: StarterKind | str) -> asyncio.Task[None] | None:
        """Open the starter fitted to the server; before the server's node list is there,
        it opens as soon as it arrives (a first launch is still connecting)."""
        kind = StarterKind(kind)
        info = self.workspace.object_info
        if info is None:
            self._waiting = kind
            self.workspace.show_message(
                self.tr("“{name}” opens as soon as the server is connected.").format(
                    name=starter_title(kind)
                )
            )
            return None
        self._waiting = None
        return self._tasks.start(self._open_starter(kind, info), name="open starter")

    def _open_waiting(self) -> None:
        if self._waiting is None or self.workspace.object_info is None:
            return
        if self.workspace.pending_path is not None:
            self._waiting = None  # a file was asked for too: it opens instead
            return
        self.open_starter(self._waiting)

    async def _open_starter(self, kind: StarterKind, info: ObjectInfo) -> None:
        adapted = await asyncio.to_thread(adapt_starter, starter(kind), info, starter_title(kind))
        if self.workspace.object_info is not info:
            return  # the server changed meanwhile; the artist clicks again
        note = " ".join(note_text(n) for n in adapted.notes)
        self.workspace.open_document(adapted.workflow, note)

    # ------------------------------------------------------------------ server templates

    def _client(self) -> ComfyClient | None:
        from desktop.comfy.client import ComfyClient  # loaded with the session already

        session = self.workspace.session
        client = session.client if session is not None else None
        return client if isinstance(client, ComfyClient) else None

    def browse(self) -> TemplateGalleryDialog:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        # The template gallery and its checks load when first browsed, not before the window.
        from desktop.ui.templates.gallery_dialog import TemplateGalleryDialog
        from desktop.ui.templates.library import TemplateLibrary

        self.library = TemplateLibrary(self._client, lambda: self.workspace.object_info, self)
        dialog = TemplateGalleryDialog(self.library, self.window)
        dialog.template_chosen.connect(self._open_template)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()  # not exec(): a nested loop under qasync breaks running tasks
        self.library.load()
        return dialog

    def _open_template(self, _name: str, check: TemplateCheck) -> None:
        if check.workflow is not None:
            self.workspace.open_document(check.workflow)

    def _closed(self) -> None:
        dialog, library = self.dialog, self.library
        self.dialog, self.library = None, None
        if dialog is not None:
            dialog.deleteLater()
        if library is not None:
            self._tasks.start(self._drop_library(library), name="close template gallery")

    @staticmethod
    async def _drop_library(library: TemplateLibrary) -> None:
        await library.shutdown()
        library.deleteLater()

    async def shutdown(self) -> None:
        self._stopping = True
        if self.dialog is not None:
            self.dialog.reject()  # -> _closed
        await self._tasks.shutdown()
        if self.library is not None:
            await self.library.shutdown()
