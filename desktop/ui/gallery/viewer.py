"""``ImageViewer``: one picture large (fit / 100 % / zoom and pan), arrow keys flip to the
neighbours in the gallery, and a side panel with the settings that made it and what can be done
with it. "Reuse parameters" / "Reuse seed" are signals for the form to act on."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QDrag,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.buttons import named_button
from desktop.ui.file_dialogs import show_file_dialog
from desktop.ui.gallery import params
from desktop.ui.gallery.actions import local_action
from desktop.ui.gallery.canvas import ImageCanvas
from desktop.ui.gallery.controller import GalleryController
from desktop.ui.gallery.export_dialog import picture_folder, remember_folder
from desktop.ui.gallery.model import GalleryModel
from desktop.ui.gallery.sources import GalleryEntry
from desktop.ui.gallery.thumbs import load_qimage
from desktop.ui.i18n import Retranslatable
from desktop.ui.tasks import TaskOwner

log = logging.getLogger("comfydesk.ui")


class DragHandle(QLabel):
    """Drag this to another application to hand it the picture's file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryDragHandle")
        self.path: Path | None = None
        self._press: QPoint | None = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setFrameShape(QLabel.Shape.StyledPanel)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(32)

    def mime_urls(self) -> list[QUrl]:
        return [QUrl.fromLocalFile(str(self.path))] if self.path is not None else []

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or self.path is None:
            return
        if (event.position().toPoint() - self._press).manhattanLength() < 6:
            return
        self._press = None
        drag = QDrag(self)
        mime = QMimeData()
        mime.setUrls(self.mime_urls())
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)


class ImageViewer(Retranslatable, QWidget):
    reuse_parameters = Signal(object, object)  # API prompt (dict), UI workflow (dict | None)
    reuse_seed = Signal(object)  # the seed (int; may exceed 32 bits)
    row_changed = Signal(int)

    def __init__(
        self, model: GalleryModel, controller: GalleryController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("galleryViewer")
        self.model = model
        self.controller = controller
        self.row = -1
        self.entry: GalleryEntry | None = None
        self.original: Path | None = None
        self._load_seq = 0
        self._tasks = TaskOwner(self, area="gallery", report_to_excepthook=False)
        self._tasks.failed.connect(self._show_failure)

        self.canvas = ImageCanvas(self)
        self.toolbar = QToolBar(self)
        self._actions: dict[str, QAction] = {}
        for name, slot, keys in (
            ("fit", self.canvas.fit, ("F",)),
            ("actual", self.canvas.actual_size, ("1",)),
            ("zoom_in", self.canvas.zoom_in, ("+", "=")),
            ("zoom_out", self.canvas.zoom_out, ("-",)),
            ("previous", self.previous, ()),
            ("next", self.next, ()),
            ("star", self._toggle_star, ("S",)),
            ("keep", self._keep, ()),
            ("delete", self._delete, ("Delete",)),
        ):
            action = local_action(self, f"viewer_{name}", slot, keys, icon=name)
            self.addAction(action)
            self.toolbar.addAction(action)
            self._actions[name] = action
            if name in ("zoom_out", "next"):
                self.toolbar.addSeparator()
        self._actions["star"].setCheckable(True)
        self.zoom_label = QLabel(self)
        self.toolbar.addWidget(self.zoom_label)
        self.canvas.zoom_changed.connect(lambda z: self.zoom_label.setText(f" {z * 100:.0f} %"))

        self.fields: dict[str, QLabel] = {}
        self.field_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for field, _source in params.FIELDS:
            value = QLabel(self)
            value.setObjectName(f"viewer_field_{field}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption = QLabel(self)
            font = caption.font()
            font.setBold(True)
            caption.setFont(font)
            self.fields[field], self.field_labels[field] = value, caption
            form.addRow(caption, value)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.drag_handle = DragHandle(self)
        self.buttons: dict[str, QPushButton] = {}
        button_box = QVBoxLayout()
        for name, slot in (
            ("reuse_parameters", self._reuse_parameters),
            ("reuse_seed", self._reuse_seed),
            ("copy_image", self.copy_image),
            ("copy_prompt", self.copy_prompt),
            ("save_as", self._ask_save_as),
            ("open_folder", self.open_folder),
        ):
            button = named_button(f"viewer_{name}", slot, self)
            button_box.addWidget(button)
            self.buttons[name] = button

        panel = QWidget(self)
        panel_layout = QVBoxLayout(panel)
        panel_layout.addLayout(form)
        panel_layout.addWidget(self.drag_handle)
        panel_layout.addLayout(button_box)
        panel_layout.addWidget(self.status)
        panel_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(panel)
        scroll.setMinimumWidth(280)

        splitter = QSplitter(self)
        splitter.addWidget(self.canvas)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([900, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        row = QHBoxLayout()
        row.addWidget(splitter)
        layout.addLayout(row, 1)

        model.dataChanged.connect(self._model_changed)
        model.rowsRemoved.connect(self._rows_removed)
        model.rowsInserted.connect(self._rows_inserted)
        model.modelReset.connect(self.close)
        self.resize(1200, 800)
        self.retranslate()

    def _show_failure(self, _name: str, err: BaseException) -> None:
        self.status.setText(str(err))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Picture"))
        texts = {
            "fit": self.tr("Fit"),
            "actual": self.tr("100 %"),
            "zoom_in": self.tr("Zoom In"),
            "zoom_out": self.tr("Zoom Out"),
            "previous": self.tr("Previous"),
            "next": self.tr("Next"),
            "star": self.tr("Star"),
            "keep": self.tr("Keep in Library"),
            "delete": self.tr("Delete…"),
            "reuse_parameters": self.tr("Reuse Parameters"),
            "reuse_seed": self.tr("Reuse Seed"),
            "copy_image": self.tr("Copy Image"),
            "copy_prompt": self.tr("Copy Prompt"),
            "save_as": self.tr("Save As…"),
            "open_folder": self.tr("Open Containing Folder"),
        }
        labelled: dict[str, QAction | QPushButton] = {**self._actions, **self.buttons}
        for name, text in texts.items():
            labelled[name].setText(text)
        for field, caption in self.field_labels.items():
            caption.setText(params.label(field))
        self.drag_handle.setText(self.tr("Drag the picture from here into another app"))
        self.canvas.placeholder = self.tr("Loading…")
        self._update_fields()

    # -- navigation ------------------------------------------------------------------------

    def show_row(self, row: int) -> asyncio.Task[None]:
        return self._tasks.start(self._show_row(row), name="viewer show")

    async def _show_row(self, row: int) -> None:
        entry = await self.model.entry_at(row)
        if entry is None:
            return
        self.row, self.entry, self.original = row, entry, None
        self._load_seq += 1
        seq = self._load_seq
        self._update_fields()
        self.row_changed.emit(row)
        thumb = self.model.thumbs.get(entry.key)
        self.canvas.set_image(thumb)  # a blurry preview at once, the real picture follows
        self.drag_handle.path = None
        source = self.model.source
        if source is None:
            return
        path = await source.original(entry)
        image = await load_qimage(path)
        if seq != self._load_seq:
            return  # flipped on meanwhile
        self.original = path
        self.drag_handle.path = path
        self.canvas.set_image(image, keep_view=thumb is not None)
        self.status.setText("")

    def next(self) -> None:
        if self.row + 1 < self.model.rowCount():
            self.show_row(self.row + 1)

    def previous(self) -> None:
        if self.row > 0:
            self.show_row(self.row - 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.next()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp):
            self.previous()
        elif key == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    # -- side panel ------------------------------------------------------------------------

    def _update_fields(self) -> None:
        entry = self.entry
        shown = params.values(entry) if entry is not None else {}
        for field, label in self.fields.items():
            label.setText(shown.get(field, ""))
        in_library = entry is not None and entry.in_library
        self._actions["star"].setEnabled(in_library)
        self._actions["star"].setChecked(bool(entry and entry.starred))
        self._actions["delete"].setEnabled(in_library)
        self._actions["keep"].setVisible(entry is not None and not in_library)
        self.buttons["reuse_seed"].setEnabled(entry is not None and entry.params.seed is not None)
        if entry is not None:
            self.setWindowTitle(entry.file_name)

    def _model_changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = None) -> None:
        if top.row() <= self.row <= bottom.row():
            entry = self.model.entry(self.row)
            if entry is not None and self.entry is not None and entry.key == self.entry.key:
                self.entry = entry
                self._update_fields()

    def _rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        if self.row < first:
            return
        if self.row > last:
            self.row -= last - first + 1
            return
        if self.model.rowCount() == 0:
            self.close()
            return
        self.show_row(min(first, self.model.rowCount() - 1))  # the next picture moves up

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if first <= self.row:
            self.row += last - first + 1

    # -- actions ---------------------------------------------------------------------------

    def _toggle_star(self) -> None:
        if self.entry is not None and self.entry.in_library:
            self.controller.star([self.entry], not self.entry.starred)

    def _delete(self) -> None:
        if self.entry is not None:
            self.controller.ask_delete([self.entry], self)

    def _keep(self) -> None:
        if self.entry is not None:
            self.controller.keep([self.entry])

    def _reuse_parameters(self) -> None:
        self._tasks.start(self._emit_reuse(), name="viewer reuse parameters")

    async def _emit_reuse(self) -> None:
        source, entry = self.model.source, self.entry
        if source is None or entry is None:
            return
        details = await source.details(entry)
        if details.prompt is None:
            self.status.setText(self.tr("This picture carries no workflow to reuse."))
            return
        self.reuse_parameters.emit(details.prompt, details.workflow)

    def _reuse_seed(self) -> None:
        if self.entry is not None and self.entry.params.seed is not None:
            self.reuse_seed.emit(self.entry.params.seed)

    def copy_image(self) -> None:
        image = self.canvas.image
        if image is not None:
            QGuiApplication.clipboard().setImage(QImage(image))

    def copy_prompt(self) -> None:
        if self.entry is not None:
            QGuiApplication.clipboard().setText(self.entry.params.positive)

    def _ask_save_as(self) -> None:
        if self.original is None or self.entry is None:
            return
        dialog = QFileDialog(self, self.tr("Save Picture As"))
        dialog.setObjectName("viewerSaveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDirectory(str(picture_folder()))
        dialog.selectFile(self.entry.file_name)
        show_file_dialog(
            dialog,
            lambda name: self.save_as(Path(name)),
            lambda name: remember_folder(Path(name).parent),
        )

    def save_as(self, target: Path) -> asyncio.Task[None]:
        """Copy the original file, bytes untouched (workflow metadata stays in it)."""
        return self._tasks.start(self._save_as(target), name="viewer save as")

    async def _save_as(self, target: Path) -> None:
        if self.original is None:
            return
        await asyncio.to_thread(shutil.copyfile, self.original, target)
        self.status.setText(self.tr("Saved to {path}").format(path=target))

    def open_folder(self) -> None:
        if self.original is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.original.parent)))

    # -- lifetime --------------------------------------------------------------------------

    def closeEvent(self, event: QEvent) -> None:
        self._load_seq += 1
        super().closeEvent(event)  # type: ignore[arg-type]

    async def shutdown(self) -> None:
        await self._tasks.shutdown()
