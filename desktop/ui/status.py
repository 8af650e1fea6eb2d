"""The status bar: connection state and server details, always visible, and the demo label."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from desktop.ui.connection.model import ConnectionViewModel, Phase
from desktop.ui.i18n import Retranslatable

NOTICE_MS = 10_000


class ElidedLabel(QLabel):
    """One line of plain text that gives up room when the window is narrow: it ends in "…"
    and shows the whole text as its tooltip."""

    MIN_WIDTH = 120

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.MIN_WIDTH), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(self.alignment()), text)


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
        self.server_label = ElidedLabel()  # long server details must not widen the window
        self.server_label.setObjectName("serverDetails")
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
