"""``GalleryView``: the grid of results with its filter bar and actions.

view = GalleryView(library)                 # in a dock or a tab
view.set_server_source(session.client)      # enables "Server history"; None disables it
view.refresh_newest()                       # after a job stored its results
view.reuse_parameters.connect(form.load_prompt)   # (api_prompt, ui_workflow)
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QStyle,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.library import Library, LibraryQuery
from desktop.library.server_history import HistoryClient, ServerHistory
from desktop.ui.file_dialogs import folder_dialog, show_file_dialog
from desktop.ui.gallery.actions import local_action
from desktop.ui.gallery.compare import CompareWindow
from desktop.ui.gallery.controller import GalleryController
from desktop.ui.gallery.damage_banner import DamageBanner
from desktop.ui.gallery.delegate import GalleryDelegate
from desktop.ui.gallery.export_dialog import ExportDialog
from desktop.ui.gallery.import_strip import FolderImport
from desktop.ui.gallery.model import GalleryModel
from desktop.ui.gallery.sources import GalleryEntry, LibrarySource, ServerSource
from desktop.ui.gallery.thumbs import ThumbnailCache
from desktop.ui.gallery.viewer import ImageViewer
from desktop.ui.hint_list import HintListView
from desktop.ui.i18n import Retranslatable
from desktop.ui.icons import set_icon

log = logging.getLogger("comfydesk.ui")

LIBRARY, SERVER = "library", "server"
FILTER_DELAY_MS = 250
IMPORT_REFRESH_MS = 1000


class GalleryView(Retranslatable, QWidget):
    reuse_parameters = Signal(object, object)  # API prompt (dict), UI workflow (dict | None)
    reuse_seed = Signal(object)  # int

    def __init__(self, library: Library | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryView")
        self.library = library
        self.server: ServerHistory | None = None
        self.thumbs = ThumbnailCache(self)
        self.model = GalleryModel(self.thumbs, self)
        self.controller = GalleryController(self.model, library, self)
        self.viewer: ImageViewer | None = None
        self.compare_window: CompareWindow | None = None

        self.source_box = QComboBox(self)
        self.source_box.setObjectName("gallerySource")
        self.source_box.addItem("", LIBRARY)
        self.source_box.addItem("", SERVER)
        self.source_box.currentIndexChanged.connect(self._source_chosen)
        self.search = QLineEdit(self)
        self.search.setObjectName("gallerySearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter_soon)
        self.starred_only = QToolButton(self)
        self.starred_only.setObjectName("galleryStarredOnly")
        self.starred_only.setCheckable(True)
        self.starred_only.setAutoRaise(True)
        set_icon(self.starred_only, "starred_only")
        self.starred_only.toggled.connect(self.apply_filter)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)

        self.list = HintListView(self)
        self.list.setObjectName("galleryList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setLayoutMode(QListView.LayoutMode.Batched)
        self.list.setBatchSize(200)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.list.setSpacing(2)
        self.delegate = GalleryDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setModel(self.model)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.activated.connect(lambda index: self.open_viewer(index.row()))
        self.list.selectionModel().selectionChanged.connect(self._update_actions)

        self.actions_: dict[str, QAction] = {}
        for name, slot, keys in (
            ("star", self.star_selected, ("S",)),
            ("keep", self.keep_selected, ()),
            ("delete", self.delete_selected, ("Delete",)),
            ("export", self._ask_export, ()),
            ("compare", self.compare_selected, ()),
            ("check", self.check_library, ()),
            ("refresh", self.refresh, ("F5",)),
            ("import", self.ask_import_folder, ()),
        ):
            action = local_action(self, f"gallery_{name}", slot, keys, icon=name)
            self.list.addAction(action)
            self.actions_[name] = action
        self.toolbar = self._build_toolbar()
        self.count_label = QLabel(self)
        self.status = QLabel(self)
        self.status.setObjectName("galleryStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        bar = QHBoxLayout()
        bar.addWidget(self.source_box)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.toolbar)
        foot = QHBoxLayout()
        foot.addWidget(self.status, 1)
        foot.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        self.damage_banner = DamageBanner(self)
        self.damage_banner.check_clicked.connect(self.check_library)
        layout.addWidget(self.damage_banner)
        self.folder_import = FolderImport(lambda: self.library, self)
        # New pictures show while an import runs, at most once a second: a refresh per batch
        # of 250 would keep the grid busy.
        self._import_refresh = QTimer(self, singleShot=True, interval=IMPORT_REFRESH_MS)
        self._import_refresh.timeout.connect(self.refresh_newest)
        self.folder_import.imported.connect(self._import_refresh.start)
        self.folder_import.finished.connect(lambda _progress: self.refresh())
        layout.addWidget(self.folder_import)
        layout.addWidget(self.list, 1)
        layout.addLayout(foot)

        self.model.count_changed.connect(self._show_count)
        self.model.modelReset.connect(self._update_actions)
        self.model.rowsRemoved.connect(self._update_actions)
        self.model.problem.connect(self.status.setText)
        self.controller.message.connect(self.status.setText)
        self.controller.kept.connect(lambda _ids: self._update_actions())
        self.retranslate()
        self._update_actions()
        self._loaded: asyncio.Task[None] | None = None
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # built before the loop runs (app start-up): load right after
            QTimer.singleShot(0, self._source_chosen)
        else:
            self._source_chosen()

    def _build_toolbar(self) -> QToolBar:
        """Icons for the everyday actions; the rare ones (refresh, check) in a "More" menu."""
        toolbar = QToolBar(self)
        toolbar.setObjectName("galleryToolBar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        toolbar.setIconSize(QSize(size, size))
        toolbar.addWidget(self.starred_only)
        toolbar.addSeparator()
        for name in ("star", "keep", "delete", "export", "compare"):
            toolbar.addAction(self.actions_[name])
            toolbar.widgetForAction(self.actions_[name]).setObjectName(f"gallery_{name}_button")
        self.more_menu = QMenu(self)
        self.more_menu.setObjectName("galleryMoreMenu")
        self.more_menu.addAction(self.actions_["import"])
        self.more_menu.addAction(self.actions_["refresh"])
        self.more_menu.addAction(self.actions_["check"])
        self.more_button = QToolButton(self)
        self.more_button.setObjectName("galleryMoreButton")
        self.more_button.setAutoRaise(True)
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setMenu(self.more_menu)
        set_icon(self.more_button, "more")
        toolbar.addWidget(self.more_button)
        return toolbar

    async def loaded(self) -> None:
        """Wait for the current (re)load or filter to finish."""
        while self._loaded is not None and not self._loaded.done():
            await asyncio.shield(self._loaded)

    # -- texts -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.source_box.setItemText(0, self.tr("Library"))
        self.source_box.setItemText(1, self.tr("Server history"))
        self.search.setPlaceholderText(
            self.tr("Search prompts, models, file names, seeds or dates (2026-12-03)")
        )
        self._update_hint()
        self.starred_only.setText(self.tr("Starred"))
        self.more_button.setToolTip(self.tr("More: import a folder, refresh, check the library"))
        self.starred_only.setToolTip(self.tr("Show only starred pictures"))
        texts = {
            "star": (self.tr("Star"), self.tr("Star or unstar the selected pictures (S)")),
            "keep": (self.tr("Keep"), self.tr("Copy the selected pictures into the library")),
            "delete": (self.tr("Delete…"), self.tr("Move the selected pictures to the trash")),
            "export": (self.tr("Export…"), self.tr("Copy the selected pictures to a folder")),
            "compare": (self.tr("Compare"), self.tr("Compare two selected pictures")),
            "check": (
                self.tr("Check Library"),
                self.tr("Find missing files and files the catalogue does not know"),
            ),
            "refresh": (self.tr("Refresh"), self.tr("Reload the list (F5)")),
            "import": (
                self.tr("Import a Folder…"),
                self.tr(
                    "Bring the pictures of a folder (e.g. ComfyUI's output folder) into the "
                    "library, with their prompts; run it again to resume"
                ),
            ),
        }
        for name, (text, tip) in texts.items():
            self.actions_[name].setText(text)
            self.actions_[name].setToolTip(tip)
        self._show_count(self.model.rowCount())

    def _show_count(self, count: int) -> None:
        if self.current_source == SERVER and self.server is not None and self.server.has_older:
            text = self.tr("%n+ picture(s)", "", count)
        else:
            text = self.tr("%n picture(s)", "", count)
        self.count_label.setText(text)
        self._update_hint()
        if self.library is not None:  # a catalogue can break while in use, too
            self.damage_banner.show_damage(self.library.damage)

    def _update_hint(self) -> None:
        if self.search.text().strip() or self.starred_only.isChecked():
            self.list.set_hint(
                self.tr("Nothing matches"), self.tr("Try other words, or clear the filter.")
            )
        elif self.current_source == SERVER:
            self.list.set_hint(
                self.tr("The server remembers nothing yet"),
                self.tr("Pictures the server made since it started appear here."),
            )
        else:
            self.list.set_hint(
                self.tr("The gallery is empty"),
                self.tr("Every picture you generate is kept here, even when the server is gone."),
            )

    # -- sources ---------------------------------------------------------------------------

    @property
    def current_source(self) -> str:
        return self.source_box.currentData() or LIBRARY

    def set_server_source(self, client: HistoryClient | None) -> None:
        """Offer the history of ``client``'s server (None: no server, back to the library)."""
        if client is None:
            self.server = None
        else:
            self.server = ServerHistory(client, paths.cache_dir() / "server-history")
        enabled = self.server is not None
        item = self.source_box.model().item(1)  # type: ignore[attr-defined]
        item.setEnabled(enabled)
        if self.current_source == SERVER:
            if enabled:
                self._source_chosen()
            else:
                self.source_box.setCurrentIndex(0)

    def show_source(self, name: str) -> asyncio.Task[None]:
        index = self.source_box.findData(name)
        if index == self.source_box.currentIndex():
            return self._source_chosen()
        self.source_box.setCurrentIndex(index)
        assert self._loaded is not None
        return self._loaded

    def _source_chosen(self, _index: int = -1) -> asyncio.Task[None]:
        if self.current_source == SERVER and self.server is not None:
            source: LibrarySource | ServerSource | None = ServerSource(self.server)
        else:
            source = LibrarySource(self.library) if self.library is not None else None
        self.thumbs.clear()
        self.starred_only.setEnabled(self.current_source == LIBRARY)
        self.model.query = self._query()
        self._loaded = self.model.set_source(source)
        self._update_actions()
        return self._loaded

    def _query(self) -> LibraryQuery:
        starred = self.starred_only.isChecked() and self.current_source == LIBRARY
        return LibraryQuery(text=self.search.text().strip(), starred_only=starred)

    def _filter_soon(self) -> None:
        self._filter_timer.start()

    def apply_filter(self) -> asyncio.Task[None]:
        self._filter_timer.stop()
        self._loaded = self.model.set_query(self._query())
        return self._loaded

    def refresh(self) -> asyncio.Task[None]:
        self._loaded = self.model.reload()
        return self._loaded

    def refresh_newest(self) -> asyncio.Task[None]:
        """New results at the top, keeping the selection and scroll position."""
        return self.model.refresh_newest()

    # -- selection and actions -------------------------------------------------------------

    def selected_entries(self) -> list[GalleryEntry]:
        rows = sorted(i.row() for i in self.list.selectionModel().selectedIndexes())
        return [e for r in rows if (e := self.model.entry(r)) is not None]

    def select_rows(self, rows: list[int]) -> None:
        selection = self.list.selectionModel()
        selection.clearSelection()
        flag = QItemSelectionModel.SelectionFlag.Select
        for row in rows:
            selection.select(self.model.index(row), flag)
        if rows:
            selection.setCurrentIndex(self.model.index(rows[0]), flag)

    def _update_actions(self, *_args: object) -> None:
        chosen = self.selected_entries()
        in_library = [e for e in chosen if e.in_library]
        server = self.current_source == SERVER
        for name in ("star", "delete", "export"):
            self.actions_[name].setEnabled(bool(in_library))
            self.actions_[name].setVisible(not server)
        self.actions_["keep"].setVisible(server)
        self.actions_["keep"].setEnabled(any(e.server_image for e in chosen))
        self.actions_["compare"].setEnabled(len(chosen) == 2)
        self.actions_["check"].setEnabled(self.library is not None)

    def star_selected(self) -> asyncio.Task[None] | None:
        chosen = [e for e in self.selected_entries() if e.in_library]
        if not chosen:
            return None
        starred = not all(e.starred for e in chosen)
        return self.controller.star(chosen, starred)

    def delete_selected(self) -> None:
        self.controller.ask_delete(self.selected_entries(), self)

    def keep_selected(self) -> asyncio.Task[list[int]] | None:
        chosen = self.selected_entries()
        return self.controller.keep(chosen) if chosen else None

    def ask_import_folder(self) -> QFileDialog | None:
        if self.library is None or self.folder_import.running:
            return None
        # From the home folder, not the folder the app was started from.
        dialog = folder_dialog(self, self.tr("Import the Pictures of a Folder"), str(Path.home()))
        dialog.setObjectName("importFolderDialog")
        return show_file_dialog(dialog, lambda path: self.import_folder(Path(path)))

    def import_folder(self, folder: Path) -> asyncio.Task[None] | None:
        """Import ``folder`` in the background (what is already in is skipped)."""
        return self.folder_import.start(folder)

    def check_library(self) -> asyncio.Task[None] | None:
        if self.library is None:
            return None
        self.damage_banner.checking()
        task = self.controller.check()
        task.add_done_callback(
            lambda done: None if done.cancelled() else self._show_count(self.model.rowCount())
        )
        return task

    def _ask_export(self) -> ExportDialog | None:
        chosen = [e for e in self.selected_entries() if e.in_library]
        if not chosen:
            return None
        dialog = ExportDialog(len(chosen), self)
        dialog.export_requested.connect(
            lambda folder, keep: self.export_selected_to(folder, keep_metadata=keep)
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def export_selected_to(
        self, folder: Path, *, keep_metadata: bool = True
    ) -> asyncio.Task[list[Path]]:
        return self.controller.export(self.selected_entries(), folder, keep_metadata=keep_metadata)

    def open_viewer(self, row: int) -> ImageViewer:
        if self.viewer is None:
            self.viewer = ImageViewer(self.model, self.controller, self)
            self.viewer.reuse_parameters.connect(self.reuse_parameters)
            self.viewer.reuse_seed.connect(self.reuse_seed)
            self.viewer.row_changed.connect(lambda r: self.select_rows([r]))
        self.viewer.show_row(row)
        self.viewer.show()
        self.viewer.raise_()
        self.viewer.activateWindow()
        return self.viewer

    def compare_selected(self) -> CompareWindow | None:
        chosen = self.selected_entries()
        if len(chosen) != 2 or self.model.source is None:
            return None
        if self.compare_window is not None:
            self.compare_window.close()
            self.compare_window.deleteLater()
        self.compare_window = CompareWindow(chosen, self.model.source, self)
        self.compare_window.load()
        self.compare_window.show()
        return self.compare_window

    def _context_menu(self, pos: Any) -> None:
        index: QModelIndex = self.list.indexAt(pos)
        if not index.isValid():
            return
        if not self.list.selectionModel().isSelected(index):
            self.select_rows([index.row()])
        menu = QMenu(self)
        open_action = menu.addAction(self.tr("Open"))
        open_action.triggered.connect(lambda: self.open_viewer(index.row()))
        for name in ("star", "keep", "delete", "export", "compare"):
            if self.actions_[name].isVisible():
                menu.addAction(self.actions_[name])
        menu.popup(self.list.viewport().mapToGlobal(pos))

    # -- lifetime --------------------------------------------------------------------------

    async def shutdown(self) -> None:
        """Cancel and await every task of the gallery (call before closing the library)."""
        self._filter_timer.stop()
        self._import_refresh.stop()
        await self.folder_import.shutdown()
        for child in (self.viewer, self.compare_window):
            if child is not None:
                await child.shutdown()
        await self.controller.shutdown()
        await self.model.shutdown()
        await self.thumbs.shutdown()
