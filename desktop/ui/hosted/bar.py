"""``HostedBar``: over the form while a hosted workflow connection is in use — which service,
whether it is the demo stand-in, and which of its workflows the open file runs as."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from desktop.ui.hosted.backend import HostedBackend
from desktop.ui.i18n import Retranslatable


class HostedBar(Retranslatable, QWidget):
    def __init__(self, backend: HostedBackend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hostedBar")
        self._backend = backend
        self.title = QLabel(self)
        self.title.setObjectName("hostedBarTitle")
        self.workflow_label = QLabel(self)
        self.workflow_box = QComboBox(self)
        self.workflow_box.setObjectName("hostedWorkflowBox")
        self.workflow_label.setBuddy(self.workflow_box)
        self.workflow_box.activated.connect(self._chosen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.workflow_label)
        layout.addWidget(self.workflow_box)
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
            self.workflow_box.addItem(f"{name} ({workflow_id})" if name != workflow_id else name)
            self.workflow_box.setItemData(self.workflow_box.count() - 1, workflow_id)
        index = self.workflow_box.findData(backend.workflow_id)
        self.workflow_box.setCurrentIndex(index)
        self.workflow_box.blockSignals(False)

    @Slot(int)
    def _chosen(self, index: int) -> None:
        workflow_id = self.workflow_box.itemData(index)
        if isinstance(workflow_id, str):
            self._backend.choose_workflow(workflow_id)
