"""Help > About: what this is and the versions of everything involved (server included)."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop import __version__
from desktop.ui.connection.model import ConnectionViewModel, Phase
from desktop.ui.i18n import Retranslatable


def version_lines(vm: ConnectionViewModel | None) -> list[tuple[str, str]]:
    """(component, version) pairs; component names are product names, not translated."""
    server = ""
    if vm is not None and vm.phase is Phase.CONNECTED and vm.status is not None:
        stats = vm.status.system_stats
        if stats is not None:
            server = stats.comfyui_version
    return [
        ("ComfyDesk", __version__),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Python", platform.python_version()),
        ("ComfyUI", server),
    ]


class AboutDialog(Retranslatable, QDialog):
    def __init__(self, vm: ConnectionViewModel | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self._vm = vm
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.versions = QLabel()
        self.versions.setObjectName("aboutVersions")
        self.versions.setTextFormat(Qt.TextFormat.PlainText)  # the server's version is its text
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.versions)
        layout.addWidget(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("About ComfyDesk"))
        self.intro.setText(
            self.tr(
                "ComfyDesk turns a ComfyUI server into a simple form: open a workflow, "
                "press Generate, and keep every picture."
            )
        )
        self.refresh()

    def refresh(self) -> None:
        lines = []
        for name, version in version_lines(self._vm):
            if name == "ComfyUI":
                shown = version or self.tr("not connected")
                lines.append(self.tr("Server: ComfyUI {version}").format(version=shown))
            else:
                lines.append(f"{name} {version}")
        if self._vm is not None and self._vm.is_demo:
            lines.append(self.tr("(the built-in demo server: placeholder images, not AI)"))
        self.versions.setText("\n".join(lines))

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)
