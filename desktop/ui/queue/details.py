"""Below the queue list: what the selected job is doing or why it failed, with its actions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.base.read_only import ReadOnly
from desktop.jobs.model import JobSnapshot, JobState
from desktop.ui.fitting import WrappingLabel
from desktop.ui.i18n import Retranslatable
from desktop.ui.queue.text import (
    failure_text,
    parameter_lines,
    server_text,
    state_text,
    technical_text,
)

_RETRYABLE = frozenset(
    {JobState.FAILED, JobState.INTERRUPTED, JobState.CANCELLED, JobState.LOST, JobState.SUCCEEDED}
)


class ParametersDialog(Retranslatable, QDialog):
    """The values a job ran with, one ``Node › input: value`` per line (read-only)."""

    def __init__(self, job: JobSnapshot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobParametersDialog")
        self._title = job.title
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setPlainText("\n".join(parameter_lines(job.prompt)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(520, 420)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Parameters of {title}").format(title=self._title))


class JobDetails(Retranslatable, QWidget):
    cancel_clicked = Signal(str)
    retry_clicked = Signal(str)
    parameters_clicked = Signal(str)
    load_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobDetails")
        self._job: JobSnapshot | None = None
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.state = QLabel(self)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.error = WrappingLabel(self)  # a long file name wraps instead of clipping
        self.error.setObjectName("jobError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # server text, never rich text
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = WrappingLabel(self)
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.traceback_toggle = QToolButton(self)
        self.traceback_toggle.setCheckable(True)
        self.traceback_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.traceback_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.traceback_toggle.toggled.connect(self._toggle_traceback)
        self.traceback = QPlainTextEdit(self)
        self.traceback.setObjectName("jobTraceback")
        self.traceback.setReadOnly(True)
        # Wrapped, never clipped: paths and library messages are long single "words".
        self.traceback.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.traceback.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.traceback.hide()
        self.cancel = QPushButton(self)
        self.retry = QPushButton(self)
        self.parameters = QPushButton(self)
        self.load = QPushButton(self)
        self.cancel.clicked.connect(lambda: self._emit(self.cancel_clicked))
        self.retry.clicked.connect(lambda: self._emit(self.retry_clicked))
        self.parameters.clicked.connect(lambda: self._emit(self.parameters_clicked))
        self.load.clicked.connect(lambda: self._emit(self.load_clicked))
        # Two by two, and texts that wrap or give way: selecting a job must never make the
        # queue panel wider (a long path in an error would otherwise stretch it).
        for label in (self.title, self.error, self.warnings):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        buttons = QGridLayout()
        for at, button in enumerate((self.cancel, self.retry, self.parameters, self.load)):
            buttons.addWidget(button, at // 2, at % 2)
        buttons.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addWidget(self.error)
        layout.addWidget(self.warnings)
        layout.addWidget(self.traceback_toggle)
        layout.addWidget(self.traceback, 1)
        layout.addLayout(buttons)
        self.retranslate()
        self.show_job(None)

    job: ReadOnly[JobSnapshot | None] = ReadOnly("_job")

    def retranslate(self) -> None:
        self.cancel.setToolTip(self.tr("Stop this job; other people's jobs are not touched"))
        self.retry.setText(self.tr("Run again"))
        self.retry.setToolTip(self.tr("Queue the same prompt again, with the same seeds"))
        self.parameters.setText(self.tr("Show parameters"))
        self.load.setText(self.tr("Load into form"))
        self.load.setToolTip(self.tr("Put this job's parameters into the form"))
        self.traceback_toggle.setText(self.tr("Technical details"))
        self.show_job(self._job)

    def show_job(self, job: JobSnapshot | None) -> None:
        self._job = job
        self.setVisible(job is not None)
        if job is None:
            return
        self.title.setText(job.title)
        where = server_text(job)
        self.state.setText(f"{state_text(job)} · {where}" if where else state_text(job))
        self.state.setToolTip(job.ran_on_url)
        reason = failure_text(job)
        self.error.setText(reason)
        self.error.setToolTip(reason)  # all of it, where a long word is cut off
        self.error.setVisible(bool(reason))
        self.warnings.setText("\n".join(job.warnings))
        self.warnings.setVisible(bool(job.warnings))
        trace = technical_text(job.error)
        self.traceback.setPlainText(trace)
        self.traceback_toggle.setVisible(bool(trace))
        self.traceback.setVisible(bool(trace) and self.traceback_toggle.isChecked())
        running = job.state is JobState.RUNNING
        self.cancel.setText(self.tr("Stop") if running else self.tr("Cancel"))
        self.cancel.setEnabled(not job.finished and not job.cancel_requested)
        self.retry.setEnabled(job.state in _RETRYABLE)

    def _toggle_traceback(self, shown: bool) -> None:
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.traceback_toggle.setArrowType(arrow)
        self.traceback.setVisible(shown and bool(self.traceback.toPlainText()))

    def _emit(self, signal: SignalInstance) -> None:
        if self._job is not None:
            signal.emit(self._job.id)
