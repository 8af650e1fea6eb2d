"""QueuePanel: our jobs and, greyed, other clients' jobs on the server, with per-job actions.

    queue = QueuePanel(jobs_vm)
    window.set_panel(Panel.QUEUE, queue)
    queue.load_parameters_requested.connect(form_vm.load_prompt)   # dict: the job's API prompt
    ...
    await queue.shutdown()

Selecting one of our jobs shows it in the preview (``JobsViewModel.select``) until the next of
our jobs is sent or starts; clicking empty space, or clearing the selection, goes back to
following the running job. Finished jobs (cancelled ones too) stay listed until "Clear
finished".
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QMargins,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.jobs.model import JobState
from desktop.ui.buttons import named_button
from desktop.ui.hint_list import HintListView
from desktop.ui.i18n import Retranslatable
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.queue.delegate import ROW_HEIGHT, QueueDelegate
from desktop.ui.queue.details import JobDetails, ParametersDialog
from desktop.ui.queue.model import QueueListModel, QueueRow

SUMMARY_DELAY_MS = 16  # "Mine: 3 running, 40 waiting" follows a burst of changes once


class QueuePanel(Retranslatable, QWidget):
    load_parameters_requested = Signal(dict)  # the job's API prompt, for the form

    def __init__(self, jobs: JobsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queuePanel")
        self._vm = jobs
        self.model = QueueListModel(jobs, self)
        self.summary = QLabel(self)
        self._summary_timer = QTimer(self, singleShot=True, interval=SUMMARY_DELAY_MS)
        self._summary_timer.timeout.connect(self._update_summary)
        self.summary.setObjectName("queueSummary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.cancel_all = named_button("cancelAllMine", jobs.cancel_all_mine, self)
        self.clear_finished = named_button("clearFinished", jobs.clear_finished, self)
        self.list = HintListView(self)
        self.list.setObjectName("queueList")
        # Connected before the view's own handler, which would move the selection first.
        self.model.rowsAboutToBeRemoved.connect(self._rows_leaving)
        self.list.setModel(self.model)
        self.list.setItemDelegate(QueueDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setMinimumHeight(ROW_HEIGHT * 3)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.list.viewport().installEventFilter(self)
        self.details = JobDetails(self)
        self.details.cancel_clicked.connect(jobs.cancel)
        self.details.retry_clicked.connect(jobs.retry)
        self.details.parameters_clicked.connect(self.show_parameters)
        self.details.load_clicked.connect(self.load_parameters)
        self._dialogs: list[ParametersDialog] = []

        header = QHBoxLayout()  # the summary has a line of its own above the buttons
        header.addStretch(1)
        header.addWidget(self.clear_finished)
        header.addWidget(self.cancel_all)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)

        jobs.job_changed.connect(self._job_changed)
        jobs.other_queue_changed.connect(lambda _queue: self._update_summary())
        jobs.session_changed.connect(lambda _session: self._session_changed())
        jobs.selection_changed.connect(self._vm_selection_changed)
        jobs.jobs_cleared.connect(self._jobs_cleared)
        self.retranslate()

    # ------------------------------------------------------------------ public

    def retranslate(self) -> None:
        self.cancel_all.setText(self.tr("Cancel all mine"))
        self.cancel_all.setToolTip(self.tr("Stop every job you started; others' jobs stay"))
        self.clear_finished.setText(self.tr("Clear finished"))
        self.clear_finished.setToolTip(
            self.tr("Take finished jobs off this list; their pictures stay in the gallery")
        )
        self.list.setAccessibleName(self.tr("Job queue"))
        self.list.set_hint(
            self.tr("No jobs yet"),
            self.tr("Jobs you start appear here, with their place in the server's queue."),
        )
        self._update_summary()

    def minimumSizeHint(self) -> QSize:
        # The details appear only while a job is selected; counting them always keeps the
        # panel from growing wider the moment a row is clicked.
        hint = super().minimumSizeHint()
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else QMargins()
        details = self.details.minimumSizeHint().width() + margins.left() + margins.right()
        return QSize(max(hint.width(), details), hint.height())

    def selected_row(self) -> QueueRow | None:
        indexes = self.list.selectionModel().selectedIndexes()
        return self.model.row(indexes[0].row()) if indexes else None

    def select_job(self, job_id: str | None) -> None:
        at = self.model.row_of(job_id) if job_id is not None else None
        if at is None:
            self.list.clearSelection()
        else:
            self.list.setCurrentIndex(self.model.index(at))

    def show_parameters(self, job_id: str) -> None:
        job = self._vm.get(job_id)
        if job is None:
            return
        dialog = ParametersDialog(job, self)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self._dialogs.append(dialog)
        dialog.show()

    def load_parameters(self, job_id: str) -> None:
        job = self._vm.get(job_id)
        if job is not None:
            self.load_parameters_requested.emit(dict(job.prompt))

    async def shutdown(self) -> None:
        for dialog in list(self._dialogs):
            dialog.close()
        await self.model.shutdown()

    # ------------------------------------------------------------------ reactions

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.list.viewport()
            and event.type() == QEvent.Type.MouseButtonPress
            and isinstance(event, QMouseEvent)
            and not self.list.indexAt(event.position().toPoint()).isValid()
        ):
            self.list.selectionModel().clear()  # empty space: back to following the run
        return super().eventFilter(watched, event)

    def _jobs_cleared(self) -> None:
        shown = self.details.job
        if shown is not None and self._vm.get(shown.id) is None:
            self.details.show_job(None)
        self._update_summary()

    def _forget(self, dialog: ParametersDialog) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)
        dialog.deleteLater()

    def _session_changed(self) -> None:
        self.details.show_job(None)
        self._update_summary()

    def _job_changed(self, job: object) -> None:
        shown = self.details.job
        if shown is not None and shown.id == getattr(job, "id", None):
            self.details.show_job(self._vm.get(shown.id))
        # The counts look at every job: once a frame, not once per changed job.
        if not self._summary_timer.isActive():
            self._summary_timer.start()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        row = self.selected_row()
        job_id = row.job_id if row is not None else None
        self.details.show_job(self._vm.get(job_id))
        self._vm.select(job_id)

    def _rows_leaving(self, _parent: QModelIndex, first: int, last: int) -> None:
        # Qt would move the selection to a neighbour, and with it the preview; a job that
        # left the list simply deselects, and the preview goes back to following.
        current = self.list.currentIndex()
        if current.isValid() and first <= current.row() <= last:
            self.list.selectionModel().clear()  # selection and current index

    def _vm_selection_changed(self, job_id: object) -> None:
        row = self.selected_row()
        if (row.job_id if row is not None else None) != job_id:
            self.select_job(job_id if isinstance(job_id, str) else None)

    def _update_summary(self) -> None:
        mine = [j for j in self._vm.jobs() if not j.finished]
        running = sum(1 for j in mine if j.state is JobState.RUNNING)
        others = self._vm.other_clients_queue()
        other_count = len(others.running) + len(others.pending) if others is not None else 0
        text = self.tr("Mine: {running} running, {waiting} waiting").format(
            running=running, waiting=len(mine) - running
        )
        if other_count:
            text += " · " + self.tr("others: {count}").format(count=other_count)
        self.summary.setText(text)
        self.cancel_all.setEnabled(bool(mine))
        self.clear_finished.setEnabled(self._vm.has_finished())

    def _context_menu(self, pos: QPoint) -> None:
        index: QModelIndex = self.list.indexAt(pos)
        if not index.isValid():
            return
        row = self.model.row(index.row())
        job = row.job
        if job is None:
            return
        menu = QMenu(self)
        actions: list[tuple[QAction, object]] = []
        if not job.finished and not job.cancel_requested:
            label = self.tr("Stop") if job.state is JobState.RUNNING else self.tr("Cancel")
            actions.append((menu.addAction(label), lambda: self._vm.cancel(job.id)))
        if job.finished and job.state is not JobState.REJECTED:
            actions.append((menu.addAction(self.tr("Run again")), lambda: self._vm.retry(job.id)))
        actions.append(
            (menu.addAction(self.tr("Show parameters")), lambda: self.show_parameters(job.id))
        )
        actions.append(
            (menu.addAction(self.tr("Load into form")), lambda: self.load_parameters(job.id))
        )
        for action, slot in actions:
            action.triggered.connect(slot)
        menu.popup(self.list.viewport().mapToGlobal(pos))
