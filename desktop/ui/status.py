"""The status bar: connection state and server details, always visible, and the demo label."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from desktop.ui.connection import ConnectionViewModel, Phase
from desktop.ui.i18n import Retranslatable

NOTICE_MS = 10_000


class StatusBar(Retranslatable, QStatusBar):
    def __init__(self, vm: ConnectionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._vm = vm
        self.demo_label = QLabel()
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setStyleSheet(
            "QLabel { background: #7a4bc2; color: white; border-radius: 3px; padding: 0 6px; }"
        )
        self.state_label = QLabel()
        self.state_label.setObjectName("connectionState")
        self.server_label = QLabel()
        self.server_label.setObjectName("serverDetails")
        self.server_label.setTextFormat(Qt.TextFormat.PlainText)
        self.addPermanentWidget(self.demo_label)
        self.addPermanentWidget(self.server_label)
        self.addPermanentWidget(self.state_label)
        vm.changed.connect(self.refresh)
        vm.notice.connect(self.show_notice)
        self.retranslate()

    def retranslate(self) -> None:
        self.demo_label.setText(self.tr("Demo server — pictures are placeholders, not AI"))
        self.demo_label.setToolTip(
            self.tr(
                "You are connected to ComfyDesk's built-in demo server. It draws placeholder "
                "images so you can try the app; no AI model runs."
            )
        )
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        vm = self._vm
        text = vm.describe()
        self.demo_label.setVisible(vm.is_demo and vm.session is not None)
        state = text.headline
        seconds = vm.seconds_to_retry()
        if seconds is not None:
            state = self.tr("{state} — reconnecting in {seconds} s").format(
                state=state, seconds=seconds
            )
        self.state_label.setText(state)
        self.state_label.setToolTip(text.detail)
        self.server_label.setText(text.detail if vm.phase is Phase.CONNECTED else vm.url)

    @Slot(str)
    def show_notice(self, message: str) -> None:
        self.showMessage(message, NOTICE_MS)
