"""``HostedBar``: over the form while a hosted workflow connection is in use — which service,
whether it is the demo stand-in, and which of its workflows the open file runs as."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from desktop.ui.connection.bar import ConnectionBar
from desktop.ui.connection.model import ConnectionViewModel
from desktop.ui.hosted.backend import HostedBackend
from desktop.ui.i18n import Retranslatable
from desktop.ui.status import StatusBar


class HostedBar(Retranslatable, QWidget):
    def __init__(self, backend: HostedBackend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hostedBar")
        self._backend = backend
        self.title = QLabel(self)
        self.title.setObjectName("hostedBarTitle")
        self.title.setWordWrap(True)
        self.workflow_label = QLabel(self)
        self.workflow_box = QComboBox(self)
        self.workflow_box.setObjectName("hostedWorkflowBox")
        self.workflow_label.setBuddy(self.workflow_box)
        self.workflow_box.activated.connect(self._chosen)
        layout = QGridLayout(self)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addWidget(self.title, 0, 0, 1, 2)
        layout.addWidget(self.workflow_label, 1, 0)
        layout.addWidget(self.workflow_box, 1, 1)
        layout.setColumnStretch(1, 1)
        backend.changed.connect(self._refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.workflow_label.setText(self.tr("Runs as:"))
        self.workflow_box.setToolTip(self.tr("The published workflow this file runs as"))
        self._refresh()

    @Slot()
    def _refresh(self) -> None:
        backend = self._backend
        connection = backend.connection
        self.setVisible(backend.active() and connection is not None)
        if connection is None:
            return
        if backend.is_demo:
            title = self.tr("Hosted workflow (GenStudio) — demo stand-in, placeholder pictures")
        else:
            title = self.tr("Hosted workflow (GenStudio) at {url}").format(url=connection.base_url)
        self.title.setText(title)
        self.workflow_box.blockSignals(True)
        self.workflow_box.clear()
        for workflow_id, name in backend.workflows():
            self.workflow_box.addItem(name, workflow_id)
            index = self.workflow_box.count() - 1
            self.workflow_box.setItemData(index, workflow_id, Qt.ItemDataRole.ToolTipRole)
        index = self.workflow_box.findData(backend.workflow_id)
        self.workflow_box.setCurrentIndex(index)
        self.workflow_box.blockSignals(False)

    @Slot(int)
    def _chosen(self, index: int) -> None:
        workflow_id = self.workflow_box.itemData(index)
        if isinstance(workflow_id, str):
            self._backend.choose_workflow(workflow_id)


class ConnectionBarNote(QObject):
    """While hosted workflows are in use, the connection bar and the status bar (which follow
    ComfyUI servers) say so instead of "Not connected — connect to a ComfyUI server"."""

    def __init__(
        self,
        bar: ConnectionBar,
        backend: HostedBackend,
        connection: ConnectionViewModel,
        status: StatusBar | None = None,
    ) -> None:
        super().__init__(bar)
        self._bar = bar
        self._status = status
        self._backend = backend
        backend.changed.connect(self.refresh)
        connection.changed.connect(self.refresh)  # after the bar's own refresh
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        bar = self._bar
        if not self._backend.active():
            bar.refresh()
            if self._status is not None:
                self._status.refresh()
            return
        hosted = self._backend.connection
        if self._status is not None:
            self._status.state_label.setText(self.tr("Hosted workflows"))
            self._status.state_label.setToolTip("")
            self._status.server_label.setText(hosted.base_url if hosted is not None else "")
        bar.headline.setText(self.tr("Hosted workflows"))
        bar.detail.setText(
            self.tr("Runs on the hosted service; connect to a ComfyUI server to leave it.")
        )
        bar.dot.setStyleSheet("background: #3c9d4b; border-radius: 6px;")
        bar.demo_button.hide()
