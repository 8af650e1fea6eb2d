"""Where pictures are saved to: the Pictures folder at first, then the folder used last; and
the export dialog, which also asks whether the prompt and workflow go along.

    dialog = ExportDialog(count, parent)
    dialog.export_requested.connect(lambda folder, keep: ...)   # Path, bool
    dialog.open()
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.buttons import named_button
from desktop.ui.i18n import Retranslatable

_last_folder: Path | None = None  # for this run: the folder pictures were last saved to


def picture_folder() -> Path:
    """Where a save or export dialog opens: the folder used last, else the Pictures folder
    (never the working folder the app happened to start in)."""
    if _last_folder is not None and _last_folder.is_dir():
        return _last_folder
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    if pictures and Path(pictures).is_dir():
        return Path(pictures)
    return Path.home()  # no Pictures folder on this system: never the working folder


def remember_folder(folder: Path | None) -> None:
    """The folder the next dialog opens in (None: the Pictures folder again)."""
    global _last_folder
    _last_folder = folder


class ExportDialog(Retranslatable, QDialog):
    export_requested = Signal(object, bool)  # destination folder (Path), keep metadata

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryExportDialog")
        self._count = count
        self.heading = QLabel(self)
        self.folder = QLineEdit(str(picture_folder()), self)
        self.folder.setObjectName("exportFolder")
        self.folder.textChanged.connect(self._update_ok)
        self.browse = named_button("exportBrowse", self._browse, self)
        self.keep_metadata = QCheckBox(self)
        self.keep_metadata.setObjectName("exportKeepMetadata")
        self.keep_metadata.setChecked(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(row)
        layout.addWidget(self.keep_metadata)
        layout.addWidget(self.buttons)
        self._picker: QFileDialog | None = None
        self.retranslate()
        self._update_ok()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Export Pictures"))
        self.heading.setText(self.tr("Copy %n picture(s) to this folder:", "", self._count))
        self.browse.setText(self.tr("Choose…"))
        self.keep_metadata.setText(self.tr("Keep the prompt and workflow in the files"))
        self.keep_metadata.setToolTip(
            self.tr(
                "Unticked, the pictures are saved again without any metadata: nobody can see "
                "how they were made."
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export"))

    def chosen_folder(self) -> Path:
        return Path(self.folder.text().strip()).expanduser()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.folder.text().strip()))

    def _browse(self) -> None:
        picker = QFileDialog(self, self.tr("Export Pictures To"), self.folder.text())
        picker.setObjectName("exportFolderPicker")
        picker.setFileMode(QFileDialog.FileMode.Directory)
        picker.setOption(QFileDialog.Option.ShowDirsOnly)
        picker.fileSelected.connect(self.folder.setText)
        picker.finished.connect(picker.deleteLater)
        self._picker = picker
        picker.open()

    def accept(self) -> None:
        folder = self.chosen_folder()
        remember_folder(folder)
        super().accept()
        self.export_requested.emit(folder, self.keep_metadata.isChecked())
