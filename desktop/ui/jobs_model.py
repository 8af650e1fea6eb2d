"""The jobs view-model: one ServerSession's jobs, previews and queue as Qt signals.

It subscribes to ``JobManager.on_change`` / ``on_preview`` and ``ServerSession.on_event``.
Those callbacks run on the event-loop thread, which under qasync is the GUI thread, so the
signals are emitted directly. The preview and the queue panel bind to this object only; they
never hold the session. Commands (cancel, retry, …) run as tasks owned here.

    jobs_vm = JobsViewModel()
    connection_vm.session_changed.connect(jobs_vm.set_session)
    preview = PreviewView(jobs_vm); queue = QueuePanel(jobs_vm)
    queue.load_parameters_requested.connect(form_vm.load_prompt)   # dict: the API prompt
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.base.read_only import ReadOnly
from desktop.comfy.messages import Connected, PreviewImage, Status
from desktop.comfy.types import ImageRef, QueueSnapshot
from desktop.jobs.model import JobSnapshot, JobState
from desktop.ui.tasks import TaskOwner

if TYPE_CHECKING:
    from desktop.jobs.hosted_session import HostedSession
    from desktop.jobs.session import ServerSession

    # What the queue follows: one ComfyUI server or the hosted service's workflows.
    JobsSession = ServerSession | HostedSession

log = logging.getLogger("comfydesk.ui")

# How often the last /queue snapshot (refreshed by the JobManager after every `status`) is
# looked at for other clients' jobs; it has no callback of its own.
QUEUE_LOOK_MS = 250


def is_sampler(prompt: Mapping[str, Any], node_id: str | None) -> bool:
    """Whether a node is a sampler, the only kind of node that sends live previews."""
    node = prompt.get(node_id) if node_id is not None else None
    class_type = node.get("class_type") if isinstance(node, Mapping) else None
    return isinstance(class_type, str) and "sampler" in class_type.lower()


def _queue_key(queue: QueueSnapshot | None) -> tuple[Any, ...] | None:
    if queue is None:
        return None
    return tuple(i.prompt_id for i in queue.running), tuple(i.prompt_id for i in queue.pending)


def _new_run(before: JobSnapshot | None, after: JobSnapshot) -> bool:
    """A job of ours was just sent, or just started running."""
    if before is None:
        return not after.finished
    return after.state is JobState.RUNNING and before.state is not JobState.RUNNING


class JobsViewModel(QObject):
    session_changed = Signal(object)  # ServerSession | None
    job_changed = Signal(object)  # JobSnapshot, on every change
    job_finished = Signal(object)  # JobSnapshot, once, when a job reaches a final state
    preview_frame = Signal(str, object)  # job id, PreviewImage (ours only)
    other_queue_changed = Signal(object)  # QueueSnapshot of other clients' jobs, or None
    selection_changed = Signal(object)  # job id, or None = follow the running job
    previews_missing = Signal(str)  # job id: a sampler steps but the server sends no frames
    command_failed = Signal(str)  # a sentence for the artist
    jobs_cleared = Signal()  # finished jobs left the list (``clear_finished``)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: JobsSession | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._jobs: dict[str, JobSnapshot] = {}
        self._running_since: dict[str, float] = {}  # job id -> time.monotonic()
        self._with_frames: set[str] = set()
        self._missing_reported = False
        self._other_queue: QueueSnapshot | None = None
        self._other_key: tuple[Any, ...] | None = None
        self._selected: str | None = None
        self._tasks = TaskOwner(self, area="ui", report_to_excepthook=False)
        self._tasks.failed.connect(self._report_failure)
        self._queue_timer = QTimer(self)
        self._queue_timer.setInterval(QUEUE_LOOK_MS)
        self._queue_timer.timeout.connect(self._look_at_queue)

    # ------------------------------------------------------------------ session

    session: ReadOnly[JobsSession | None] = ReadOnly("_session")

    def set_session(self, session: JobsSession | None) -> None:
        """Follow ``session`` (``None`` when disconnected); jobs of the old one are dropped."""
        if session is self._session:
            return
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._session = session
        self._jobs.clear()
        self._running_since.clear()
        self._with_frames.clear()
        self._missing_reported = False
        self._other_queue = self._other_key = None
        self._selected = None
        if session is None:
            self._queue_timer.stop()
        else:
            jobs = session.jobs
            self._unsubscribe += [
                jobs.on_change(self._on_change),
                jobs.on_preview(self._on_preview),
                session.on_event(self._on_event),
            ]
            for snapshot in reversed(jobs.jobs()):  # oldest first, like live arrivals
                self._remember(snapshot)
            self._queue_timer.start()
        self.session_changed.emit(session)
        self.other_queue_changed.emit(None)
        self.selection_changed.emit(None)
        self._look_at_queue()

    async def shutdown(self) -> None:
        self.set_session(None)
        await self._tasks.shutdown()

    # ------------------------------------------------------------------ queries

    def jobs(self) -> list[JobSnapshot]:
        """Our jobs, newest first."""
        return sorted(self._jobs.values(), key=lambda s: -s.created)

    def get(self, job_id: str | None) -> JobSnapshot | None:
        return self._jobs.get(job_id) if job_id is not None else None

    def running_job(self) -> JobSnapshot | None:
        running = [s for s in self._jobs.values() if s.state is JobState.RUNNING]
        return max(running, key=lambda s: s.started_at or 0.0, default=None)

    def other_clients_queue(self) -> QueueSnapshot | None:
        return self._other_queue

    def elapsed(self, job_id: str, now: float | None = None) -> float | None:
        """Seconds the job has been running (measured here, so server clock skew is moot)."""
        job = self._jobs.get(job_id)
        if job is None or job.started_at is None:
            return None
        if job.finished and job.finished_at is not None:
            return max(0.0, job.finished_at - job.started_at)
        since = self._running_since.get(job_id)
        if since is None:
            return None
        return max(0.0, (time.monotonic() if now is None else now) - since)

    def has_frames(self, job_id: str) -> bool:
        return job_id in self._with_frames

    # ------------------------------------------------------------------ selection

    selected_id: ReadOnly[str | None] = ReadOnly("_selected")

    def select(self, job_id: str | None) -> None:
        """Show this job in the preview; ``None`` follows whichever of ours is running. The
        selection is for looking at a job: the next job of ours that is sent or starts
        running takes the preview back."""
        if job_id is not None and job_id not in self._jobs:
            job_id = None
        if job_id != self._selected:
            self._selected = job_id
            self.selection_changed.emit(job_id)

    def shown_job(self) -> JobSnapshot | None:
        """The job the preview shows: the selected one, else the running one, else the one
        that ran last (its result stays up while the next waits), else the newest."""
        if self._selected is not None:
            return self._jobs.get(self._selected)
        running = self.running_job()
        if running is not None:
            return running
        ran = [s for s in self._jobs.values() if s.started_at is not None]
        if ran:
            return max(ran, key=lambda s: s.started_at or 0.0)
        return max(self._jobs.values(), key=lambda s: s.created, default=None)

    # ------------------------------------------------------------------ commands

    def cancel(self, job_id: str) -> None:
        """Queued: remove from the server queue; running: interrupt (ours, by its id).
        The job shows "Cancelling…" at once; its final state comes from the server."""
        if self._session is not None:
            self._show_cancelling([job_id])
            self._tasks.start(self._session.jobs.cancel(job_id), name="cancel")

    def cancel_all_mine(self) -> None:
        if self._session is not None:
            self._show_cancelling(list(self._jobs))
            self._tasks.start(self._session.jobs.cancel_all_mine(), name="cancel all")

    def _show_cancelling(self, job_ids: list[str]) -> None:
        # The manager marks the job when its task first runs, a loop turn later; the artist
        # should see the click land now.
        for job_id in job_ids:
            job = self._jobs.get(job_id)
            if job is not None and not job.finished and not job.cancel_requested:
                self._on_change(dataclasses.replace(job, cancel_requested=True))

    def clear_finished(self) -> None:
        """Take every finished job off the list (their pictures stay in the gallery)."""
        gone = {job_id for job_id, job in self._jobs.items() if job.finished}
        if not gone:
            return
        if self._session is not None:
            gone.update(self._session.jobs.forget_finished())
        for job_id in gone:
            self._jobs.pop(job_id, None)
            self._running_since.pop(job_id, None)
            self._with_frames.discard(job_id)
        if self._selected in gone:
            self.select(None)
        self.jobs_cleared.emit()

    def has_finished(self) -> bool:
        return any(job.finished for job in self._jobs.values())

    def retry(self, job_id: str) -> None:
        if self._session is not None:
            self._tasks.start(self._session.jobs.retry(job_id), name="retry")

    async def fetch_output(self, ref: ImageRef) -> bytes:
        """Bytes of a server file (outputs that were not saved locally, e.g. temp previews)."""
        if self._session is None:
            raise LookupError("not connected")
        return await self._session.client.view(ref)

    def _report_failure(self, name: str, error: object) -> None:
        if name == "retry":
            text = self.tr("Could not run the job again: {reason}")
        elif name == "cancel all":
            text = self.tr("Could not cancel your jobs: {reason}")
        else:
            text = self.tr("Could not stop the job: {reason}")
        self.command_failed.emit(text.format(reason=error))

    # ------------------------------------------------------------------ callbacks

    def _remember(self, snapshot: JobSnapshot) -> JobSnapshot | None:
        before = self._jobs.get(snapshot.id)
        self._jobs[snapshot.id] = snapshot
        if snapshot.state is JobState.RUNNING and snapshot.id not in self._running_since:
            self._running_since[snapshot.id] = time.monotonic()
        return before

    def _on_change(self, snapshot: JobSnapshot) -> None:
        before = self._remember(snapshot)
        if self._selected not in (None, snapshot.id) and _new_run(before, snapshot):
            self.select(None)  # a new run always takes the preview
        self.job_changed.emit(snapshot)
        if snapshot.finished and (before is None or not before.finished):
            self.job_finished.emit(snapshot)
        self._check_previews(snapshot)

    def _check_previews(self, job: JobSnapshot) -> None:
        """ComfyUI starts with previews off; say so (once) when a sampler is on its second
        step without a frame (a type-1 frame follows its step's progress message)."""
        if self._missing_reported or job.id in self._with_frames or (job.step or 0) < 2:
            return
        if job.state is JobState.RUNNING and is_sampler(job.prompt, job.current_node):
            self._missing_reported = True
            self.previews_missing.emit(job.id)

    def _on_preview(self, job_id: str, frame: PreviewImage) -> None:
        self._with_frames.add(job_id)
        self.preview_frame.emit(job_id, frame)

    def _on_event(self, event: object) -> None:
        if isinstance(event, Status | Connected):
            self._look_at_queue()

    def _look_at_queue(self) -> None:
        session = self._session
        queue = session.jobs.other_clients_queue() if session is not None else None
        key = _queue_key(queue)
        if key != self._other_key:
            self._other_queue, self._other_key = queue, key
            self.other_queue_changed.emit(queue)
