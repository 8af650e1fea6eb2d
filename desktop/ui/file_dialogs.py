"""File and folder pickers, shown one way: window-modal through ``open()``, never ``exec()``,
whose nested event loop would stall the tasks qasync runs on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QFileDialog, QWidget


def show_file_dialog(
    dialog: QFileDialog, *on_chosen: Callable[[str], object] | SignalInstance
) -> QFileDialog:
    """Show ``dialog``; each ``on_chosen`` gets the chosen path. It deletes itself when closed."""
    for chosen in on_chosen:
        dialog.fileSelected.connect(chosen)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def folder_dialog(parent: QWidget, title: str, directory: str) -> QFileDialog:
    """A picker of folders only, starting in ``directory``."""
    dialog = QFileDialog(parent, title, directory)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return dialog
