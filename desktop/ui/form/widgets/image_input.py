"""Image (and mask) inputs: a thumbnail, the server's file list, "Choose file…", drag-and-drop
and paste. The editor only reports what the artist provided; uploads and decoding happen in the
view's ``UploadController``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from desktop.ui.file_dialogs import show_file_dialog
from desktop.ui.form.widgets.base import ParamEditor
from desktop.ui.form.widgets.choice_box import ChoiceEdit

if TYPE_CHECKING:
    from desktop.workflow.params import ParamSpec

THUMB_SIZE = 96
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"})


def local_image_path(mime: QMimeData) -> str | None:
    """The first dropped/pasted local file that looks like an image."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES:
            return url.toLocalFile()
    return None


class ImageInput(ParamEditor):
    """``edited`` for a server file picked from the list; ``file_chosen`` / ``image_pasted``
    for something the artist brought that still has to be uploaded."""

    file_chosen = Signal(str)
    image_pasted = Signal(QImage)

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.thumbnail = QLabel(self)
        self.thumbnail.setFixedSize(THUMB_SIZE, THUMB_SIZE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setFrameShape(QLabel.Shape.StyledPanel)
        self.thumbnail.setWordWrap(True)
        self.thumbnail.setToolTip(self.tr("Drop an image here, or paste one with Ctrl+V"))
        self.choice = ChoiceEdit(spec, self)
        self.choice.edited.connect(self._emit)
        self.choose = QPushButton(self.tr("Choose file…"), self)
        self.choose.clicked.connect(self.open_file_dialog)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.thumbnail, 0, 0, 3, 1)
        layout.addWidget(self.choice, 0, 1)
        layout.addWidget(self.choose, 1, 1, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status, 2, 1)
        layout.setColumnStretch(1, 1)
        self.choice.combo.line.installEventFilter(self)
        self._dialog: QFileDialog | None = None
        self.set_thumbnail(None)

    def focus_target(self) -> QWidget:
        return self.choice.combo

    # -- display ---------------------------------------------------------------------------
    def set_thumbnail(self, image: QImage | None) -> None:
        if image is None or image.isNull():
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText(self.tr("No preview"))
            return
        self.thumbnail.setPixmap(QPixmap.fromImage(image))

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _apply_spec(self, spec: ParamSpec) -> None:
        self.choice.set_spec(spec, self.choice.combo.currentText())

    def _show(self, value: Any) -> None:
        self.choice.set_value(value)

    # -- what the artist brings --------------------------------------------------------------
    def open_file_dialog(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose an image"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(self.tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.gif *.tif *.tiff)"))
        self._dialog = show_file_dialog(dialog, self.file_chosen)

    def accept_mime(self, mime: QMimeData) -> bool:
        """Handle a drop or paste; True when it carried an image."""
        path = local_image_path(mime)
        if path is not None:
            self.file_chosen.emit(path)
            return True
        if mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.image_pasted.emit(image)
                return True
        return False

    def paste(self) -> bool:
        return self.accept_mime(QGuiApplication.clipboard().mimeData())

    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        if local_image_path(mime) is not None or mime.hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if self.accept_mime(event.mimeData()):
            event.acceptProposedAction()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste) and self.paste():
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Ctrl+V in the file-name field pastes an image when the clipboard holds one,
        # and ordinary text otherwise.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
        ):
            return self.paste()
        return super().eventFilter(watched, event)
