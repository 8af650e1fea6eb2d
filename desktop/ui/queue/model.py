"""The queue as a list model: our jobs and, greyed, other clients' jobs on the same server.

Rows on the server come first, in the order the server will run them (running, then pending
by queue number), so the artist sees who is ahead of them; our finished jobs follow, newest
first. A job whose progress changes only repaints its row; a change of order moves rows
(persistent indexes, so the selection follows) instead of resetting the view.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QImage

from desktop.comfy.types import QueueItem, QueueSnapshot
from desktop.jobs.model import JobSnapshot, JobState
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.preview.decode import ImageError, decode_async
from desktop.ui.tasks import TaskOwner

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the QueueRow
THUMB_ROLE = Qt.ItemDataRole.UserRole + 2  # QImage of a finished job's first result, or None
THUMB_PX = 96  # decoded size: 48 logical pixels on a 2× screen

Index = QModelIndex | QPersistentModelIndex


class Section(enum.IntEnum):
    RUNNING = 0
    WAITING = 1
    FINISHED = 2


@dataclass(frozen=True, slots=True)
class QueueRow:
    key: tuple[str, str]  # ("mine", job id) or ("other", prompt id)
    job: JobSnapshot | None = None
    other: QueueItem | None = None
    other_running: bool = False

    @property
    def mine(self) -> bool:
        return self.job is not None

    @property
    def job_id(self) -> str | None:
        return self.job.id if self.job is not None else None


def sort_key(job: JobSnapshot) -> tuple[float, ...]:
    if job.state is JobState.RUNNING:
        return (Section.RUNNING, job.number if job.number is not None else math.inf)
    if not job.finished:
        return (Section.WAITING, job.number if job.number is not None else math.inf, job.created)
    return (Section.FINISHED, -(job.finished_at or job.created))


def order_rows(jobs: Iterable[JobSnapshot], others: QueueSnapshot | None) -> list[QueueRow]:
    keyed: list[tuple[tuple[float, ...], QueueRow]] = [
        (sort_key(job), QueueRow(("mine", job.id), job=job)) for job in jobs
    ]
    if others is not None:
        for item in others.running:
            row = QueueRow(("other", item.prompt_id), other=item, other_running=True)
            keyed.append(((Section.RUNNING, item.number), row))
        for item in others.pending:
            row = QueueRow(("other", item.prompt_id), other=item)
            keyed.append(((Section.WAITING, item.number, 0.0), row))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


# New jobs join the list within a frame: jobs sent one after another (Generate ×100) are one
# rebuild, not one each.
REBUILD_DELAY_MS = 16
THUMBS_KEPT = 200  # decoded job thumbnails held; others are decoded again when shown


class QueueListModel(QAbstractListModel):
    def __init__(self, jobs: JobsViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._vm = jobs
        self._rows: list[QueueRow] = []
        self._index: dict[tuple[str, str], int] = {}
        self._rebuild_due = False
        self._dirty: set[int] = set()  # rows changed since the last repaint request
        # Job id -> its thumbnail; None while decoding or when undecodable. The newest
        # THUMBS_KEPT only: a night's 1,000 finished jobs kept ~37 KB of image each.
        self._thumbs: OrderedDict[str, QImage | None] = OrderedDict()
        self._tasks = TaskOwner(self, area="ui", report_to_excepthook=False)
        jobs.job_changed.connect(self._job_changed)
        jobs.other_queue_changed.connect(lambda _queue: self.rebuild())
        jobs.session_changed.connect(self._session_changed)
        jobs.jobs_cleared.connect(self.rebuild)
        self.rebuild()

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 -- Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role == THUMB_ROLE:
            if row.job is None:
                return None
            if row.job.id not in self._thumbs:
                self._want_thumbnail(row.job)  # scrolled back to a job whose image was let go
            return self._thumbs.get(row.job.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return row.job.title if row.job is not None else ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ------------------------------------------------------------------ queries

    def row(self, row: int) -> QueueRow:
        return self._rows[row]

    def rows(self) -> list[QueueRow]:
        return list(self._rows)

    def row_of(self, job_id: str) -> int | None:
        return self._index.get(("mine", job_id))

    async def shutdown(self) -> None:
        await self._tasks.shutdown()

    # ------------------------------------------------------------------ updates

    def _session_changed(self, _session: object) -> None:
        self._thumbs.clear()
        self.rebuild()

    def _job_changed(self, job: JobSnapshot) -> None:
        at = self._index.get(("mine", job.id))
        if at is not None:
            old = self._rows[at].job
            # The row says what happened at once; a job that moves (it started or ended)
            # takes its new place with the next rebuild.
            self._rows[at] = dataclasses.replace(self._rows[at], job=job)
            self._want_thumbnail(job)
            self._changed_soon(at)
            if old is not None and sort_key(old) == sort_key(job):
                return
        self._rebuild_soon()

    def _changed_soon(self, row: int) -> None:
        # A /queue refresh moves every waiting job one place: one repaint for all of them.
        if not self._dirty:
            QTimer.singleShot(0, self, self._emit_changed)
        self._dirty.add(row)

    def _emit_changed(self) -> None:
        dirty, self._dirty = self._dirty, set()
        rows = [r for r in dirty if r < len(self._rows)]
        if rows and not self._rebuild_due:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))

    def _rebuild_soon(self) -> None:
        # A burst of new jobs (Generate ×100, a journal brought back) is one rebuild, not one
        # per job: each rebuild sorts every row, so per-job rebuilds were quadratic.
        if not self._rebuild_due:
            self._rebuild_due = True
            QTimer.singleShot(REBUILD_DELAY_MS, self, self._rebuild_now)

    def _rebuild_now(self) -> None:
        if self._rebuild_due:
            self.rebuild()

    def rebuild(self) -> None:
        """Bring the rows in line with the view-model: remove, append, then reorder."""
        self._rebuild_due = False
        self._dirty.clear()  # the rebuild repaints every row
        new = order_rows(self._vm.jobs(), self._vm.other_clients_queue())
        wanted = {row.key for row in new}
        for at in reversed(range(len(self._rows))):
            if self._rows[at].key not in wanted:
                self.beginRemoveRows(QModelIndex(), at, at)
                del self._rows[at]
                self.endRemoveRows()
        present = {row.key for row in self._rows}
        added = [row for row in new if row.key not in present]
        if added:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._rows.extend(added)
            self.endInsertRows()
        if [r.key for r in self._rows] != [r.key for r in new]:
            self.layoutAboutToBeChanged.emit()
            where = {row.key: at for at, row in enumerate(new)}
            old_persistent = self.persistentIndexList()
            moved = [self.index(where[self._rows[i.row()].key]) for i in old_persistent]
            self._rows = new
            self.changePersistentIndexList(old_persistent, moved)
            self.layoutChanged.emit()
        else:
            self._rows = new
        self._index = {row.key: at for at, row in enumerate(self._rows)}
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    # ------------------------------------------------------------------ thumbnails

    def _want_thumbnail(self, job: JobSnapshot) -> None:
        if job.id in self._thumbs or not job.saved_paths:
            return
        self._thumbs[job.id] = None
        self._tasks.start(self._load_thumbnail(job), name="queue thumbnail")

    async def _load_thumbnail(self, job: JobSnapshot) -> None:
        try:
            image = await decode_async(job.saved_paths[0], THUMB_PX)
        except ImageError:
            return
        self._thumbs[job.id] = image
        self._thumbs.move_to_end(job.id)
        while len(self._thumbs) > THUMBS_KEPT:
            self._thumbs.popitem(last=False)
        at = self._index.get(("mine", job.id))
        if at is not None:
            index = self.index(at)
            self.dataChanged.emit(index, index, [THUMB_ROLE])
