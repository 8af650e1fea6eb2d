"""The strip drawn over the bottom of the preview: node, step k/N, progress, time."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.jobs.model import JobSnapshot, JobState
from desktop.ui.queue.text import state_text, timing_text


class PreviewOverlay(QFrame):
    """Follows the bottom edge of its parent (the canvas) and never takes the mouse."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("previewOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(0, 0, 0, 150))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(255, 255, 255))
        self.setPalette(palette)
        self.node = QLabel(self)
        self.node.setObjectName("previewNode")
        self.node.setTextFormat(Qt.TextFormat.PlainText)  # node titles come from the workflow
        self.step = QLabel(self)
        self.step.setObjectName("previewStep")
        self.step.setTextFormat(Qt.TextFormat.PlainText)
        self.timing = QLabel(self)
        self.timing.setObjectName("previewTiming")
        self.timing.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("previewProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        top = QHBoxLayout()
        top.addWidget(self.node, 1)
        top.addWidget(self.step)
        top.addWidget(self.timing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        parent.installEventFilter(self)
        self.hide()

    def show_job(self, job: JobSnapshot | None, elapsed: float | None) -> None:
        if job is None or job.state is JobState.SUBMITTING:
            self.hide()
            return
        node = job.current_node_title or job.title
        self.node.setText(node)
        self.step.setText(state_text(job))
        self.timing.setText(timing_text(job, elapsed))
        self.progress.setValue(round(job.progress * 1000))
        self.progress.setVisible(not job.finished)
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        height = self.sizeHint().height()
        self.setGeometry(0, parent.height() - height, parent.width(), height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False
