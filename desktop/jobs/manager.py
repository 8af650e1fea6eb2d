"""JobManager: submit, track, cancel and collect the jobs of one server.

It is fed every stream event by its ServerSession (``handle``), routes messages by prompt_id to
one ``JobTracker`` per job, reads ``/queue`` (throttled) for positions, and collects results
from ``/history`` when a job ends. Whatever the socket missed is recovered by ``reconcile``
(every Connected, start-up) and by a silence watchdog for running jobs.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
import time
import uuid
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.base.listeners import Listeners
from desktop.base.read_only import ReadOnly
from desktop.base.tasks import TaskSet
from desktop.comfy.errors import AuthenticationRequired, ComfyError, PromptRejected
from desktop.comfy.messages import (
    JOB_MESSAGES,
    Connected,
    Disconnected,
    PreviewImage,
    Status,
    ends_run,
    starts_running,
)
from desktop.comfy.types import QueueSnapshot, SubmitResult
from desktop.jobs.backend import Backend
from desktop.jobs.collect import Collector, CollectPolicy
from desktop.jobs.journal import Journal
from desktop.jobs.lost_answer import look_for
from desktop.jobs.model import (
    JobError,
    JobSnapshot,
    JobState,
    Reason,
    node_title,
)
from desktop.jobs.queue_sync import QueueSync
from desktop.jobs.sinks import FolderSink, ResultSink
from desktop.jobs.tracker import JobTracker, Update

__all__ = ["FolderSink", "JobManager", "ResultSink"]

log = logging.getLogger("comfydesk.jobs")


def _default_title(prompt: Mapping[str, Any]) -> str:
    for node_id in prompt:
        title = node_title(prompt, str(node_id))
        if title and "sampler" in title.lower():
            return title
    return "Job"


class JobManager:
    def __init__(
        self,
        client: Backend,  # one ComfyClient, a farm of them, or a test's fake
        *,
        server_url: str | None = None,
        journal_path: Path | None = None,
        result_sink: ResultSink | None = None,
        silence_timeout: float = 15.0,
        queue_interval: float = 1.0,
        collect_policy: CollectPolicy | None = None,
    ) -> None:
        self._client = client
        # A farm says which of its servers runs a job (``Farm.located``); one server does not.
        self._located: Callable[[str], tuple[str, str] | None] | None = getattr(
            client, "located", None
        )
        self.server_url = server_url or str(getattr(client, "base_url", ""))
        self._journal = Journal(journal_path, self.server_url) if journal_path else None
        self._sink: ResultSink = result_sink or FolderSink(paths.data_dir() / "Results")
        self._trackers: dict[str, JobTracker] = {}
        self._executing: str | None = None  # our prompt the server is running right now
        self._connected = False
        self._epoch = 0  # connections so far; a job not seen since the last one may be gone
        self._seen_epoch: dict[str, int] = {}
        self._closed = False
        self._tasks = TaskSet()
        self._journal_task: asyncio.Task[Any] | None = None
        self._journal_dirty = False
        self._changes: Listeners[[JobSnapshot]] = Listeners("A job listener")
        self._previews: Listeners[[str, PreviewImage]] = Listeners("A preview listener")
        self._waiters: dict[str, list[asyncio.Future[JobSnapshot]]] = {}
        self.collector = Collector(client, self, collect_policy or CollectPolicy())
        self._sync = QueueSync(client, self, silence=silence_timeout, interval=queue_interval)

    # ------------------------------------------------------------------ lifecycle

    @property
    def result_sink(self) -> ResultSink:
        return self._sink

    @result_sink.setter
    def result_sink(self, sink: ResultSink) -> None:
        self._sink = sink

    async def start(self) -> None:
        """Load unfinished jobs from the journal and start the silence watchdog."""
        if self._journal is not None:
            for snapshot in await self._journal.load():
                tracker = JobTracker(snapshot)
                tracker.accepted_at = 0.0  # accepted in an earlier session
                self._trackers[snapshot.id] = tracker
                self._notify(tracker.snapshot)
        self.spawn(self._sync.watchdog(), "jobs-watchdog")

    async def close(self) -> None:
        self._closed = True
        writer = self._journal_task
        await self._tasks.cancel_all(spare=writer)
        if writer is not None:
            await asyncio.gather(writer, return_exceptions=True)  # let the last write land
        if self._journal is not None:
            await self._journal.save(t.snapshot for t in self._trackers.values())
        for futures in self._waiters.values():
            for fut in futures:
                fut.cancel()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._tasks.spawn(coro, name)

    # ------------------------------------------------------------------ queries

    def jobs(self) -> list[JobSnapshot]:
        return sorted((t.snapshot for t in self._trackers.values()), key=lambda s: -s.created)

    def get(self, job_id: str) -> JobSnapshot | None:
        tracker = self._trackers.get(job_id)
        return tracker.snapshot if tracker else None

    def other_clients_queue(self) -> QueueSnapshot | None:
        queue = self._sync.last_queue
        if queue is None:
            return None
        return QueueSnapshot(
            tuple(i for i in queue.running if i.prompt_id not in self._trackers),
            tuple(i for i in queue.pending if i.prompt_id not in self._trackers),
        )

    def on_change(self, cb: Callable[[JobSnapshot], None]) -> Callable[[], None]:
        return self._changes.add(cb)

    def on_preview(self, cb: Callable[[str, PreviewImage], None]) -> Callable[[], None]:
        return self._previews.add(cb)

    async def wait(self, job_id: str, timeout: float | None = None) -> JobSnapshot:  # noqa: ASYNC109 -- contract signature; applied with asyncio.timeout
        """Until the job is finished (results collected). KeyError for an unknown id."""
        tracker = self._trackers[job_id]
        if tracker.finished:
            return tracker.snapshot
        fut: asyncio.Future[JobSnapshot] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(job_id, []).append(fut)
        try:
            async with asyncio.timeout(timeout):
                return await fut
        finally:
            waiting = self._waiters.get(job_id, [])
            if fut in waiting:
                waiting.remove(fut)

    # ------------------------------------------------------------------ publishing

    def _notify(self, snapshot: JobSnapshot) -> None:
        self._changes.emit(snapshot)

    def mutate(self, tracker: JobTracker, mutation: Callable[[], Update]) -> Update:
        """Run one tracker mutation and publish / journal / wake waiters as needed."""
        before = tracker.snapshot
        update = mutation()
        if not update.changed:
            return update
        self._locate(tracker)
        after = tracker.snapshot
        self._notify(after)
        if (
            before.state is not after.state
            or before.outputs != after.outputs
            or before.cancel_requested != after.cancel_requested
            or before.number != after.number
        ):
            self._persist()
        if after.finished:
            if self._executing == after.id:
                self._executing = None
            for fut in self._waiters.pop(after.id, []):
                if not fut.done():
                    fut.set_result(after)
        return update

    def _locate(self, tracker: JobTracker) -> None:
        """A farm moves jobs between servers: keep the snapshot saying where it runs."""
        where = self._located(tracker.id) if self._located is not None else None
        if where is not None:
            tracker.runs_on(*where)

    # Used by the collector and the queue sync, which work on the manager's behalf.

    def tracker(self, job_id: str) -> JobTracker | None:
        return self._trackers.get(job_id)

    trackers_map: ReadOnly[Mapping[str, JobTracker]] = ReadOnly("_trackers")
    connected: ReadOnly[bool] = ReadOnly("_connected")
    closed: ReadOnly[bool] = ReadOnly("_closed")

    def mark_seen(self, job_id: str) -> None:
        self._seen_epoch[job_id] = self._epoch

    @property
    def connection(self) -> int | None:
        """Which socket connection is up now (None while down). A restart of the server always
        closes our socket, and nothing else a server sends tells its processes apart (its
        ``status`` sid is our own client id, ``/system_stats`` has no start time), so a
        connection that stayed up is the proof that the server did not restart."""
        return self._epoch if self._connected else None

    def seen_since_connect(self, job_id: str) -> bool:
        """Whether the server mentioned the job since the socket was last (re)connected."""
        return self._seen_epoch.get(job_id, -1) >= self._epoch

    sink: ReadOnly[ResultSink] = ReadOnly("_sink")

    def _persist(self) -> None:
        if self._journal is None or self._closed:
            return
        self._journal_dirty = True
        if self._journal_task is None or self._journal_task.done():
            self._journal_task = self.spawn(self._write_journal(), "jobs-journal")

    async def _write_journal(self) -> None:
        assert self._journal is not None
        while self._journal_dirty:
            self._journal_dirty = False
            try:
                await self._journal.save([t.snapshot for t in self._trackers.values()])
            except OSError:
                log.exception("Could not write the job journal")

    # ------------------------------------------------------------------ stream input

    def handle(self, event: object) -> None:
        """One stream event (the session calls this for every event, in order)."""
        if isinstance(event, Connected):
            self._connected = True
            self._epoch += 1
            self._mark_reachable(True)
        elif isinstance(event, Disconnected):
            self._connected = False
            self._executing = None
            self._mark_reachable(False)
        elif isinstance(event, Status):
            self._sync.request_refresh()
        elif isinstance(event, PreviewImage):
            self._route_preview(event)
        elif isinstance(event, JOB_MESSAGES):
            self._route_message(event)

    def _mark_reachable(self, reachable: bool) -> None:
        for tracker in list(self._trackers.values()):
            self.mutate(tracker, functools.partial(tracker.server_reachable, reachable))

    def forget_finished(self) -> list[str]:
        """Drop finished jobs (the artist cleared them from the list); their ids."""
        gone = [job_id for job_id, t in self._trackers.items() if t.finished]
        for job_id in gone:
            del self._trackers[job_id]
            self._seen_epoch.pop(job_id, None)
        return gone

    def _route_message(self, msg: Any) -> None:
        pid = msg.prompt_id
        if pid is None:
            # Only `executing` replayed on reconnect and legacy broadcasts lack an id: they are
            # ours only while our prompt is the one executing.
            pid = self._executing or self._only_running()
        tracker = self._trackers.get(pid) if pid else None
        if tracker is None or tracker.finished:
            return  # another client's prompt
        self.mark_seen(tracker.id)
        if starts_running(msg):
            self._executing = tracker.id
        update = self.mutate(tracker, lambda: tracker.apply(msg))
        if (ends_run(msg) or update.results_ready) and self._executing == tracker.id:
            self._executing = None
        if update.results_ready:
            self.collector.start(tracker.id)

    def _only_running(self) -> str | None:
        running = [t.id for t in self._trackers.values() if t.state is JobState.RUNNING]
        return running[0] if len(running) == 1 else None

    def _route_preview(self, frame: PreviewImage) -> None:
        pid = frame.prompt_id if frame.prompt_id is not None else self._executing
        tracker = self._trackers.get(pid) if pid else None
        if tracker is None or tracker.finished:
            return
        tracker.last_activity = time.monotonic()
        self._previews.emit(tracker.id, frame)

    # ------------------------------------------------------------------ commands

    async def submit(
        self,
        prompt: Mapping[str, Any],
        *,
        ui_workflow: Mapping[str, Any] | None = None,
        front: bool = False,
        title: str = "",
        seed_values: Mapping[tuple[str, str], int] | None = None,
    ) -> JobSnapshot:
        """POST the (already seeded) prompt under a fresh prompt_id and start tracking it.

        Raises PromptRejected (the job is kept as REJECTED) or another ComfyError: the job is
        FAILED, or QUEUED with a note when the answer was lost and the server cannot say
        whether it kept it. A lost answer for a job the server has is not an error.
        """
        prompt = copy.deepcopy(dict(prompt))
        job_id = str(uuid.uuid4())
        tracker = JobTracker(
            JobSnapshot(
                id=job_id,
                state=JobState.SUBMITTING,
                title=title or _default_title(prompt),
                created=time.time(),
                prompt=prompt,
                ui_workflow=copy.deepcopy(dict(ui_workflow)) if ui_workflow else None,
                server_url=self.server_url,
                seed_values=dict(seed_values or {}),
            )
        )
        self._trackers[job_id] = tracker
        self._notify(tracker.snapshot)
        try:
            result = await self._client.submit(
                prompt, workflow=tracker.snapshot.ui_workflow, front=front, prompt_id=job_id
            )
        except PromptRejected as err:
            rejection = err
            self.mutate(tracker, lambda: tracker.rejected(rejection))
            raise
        except AuthenticationRequired as err:  # refused before it reached ComfyUI
            self._not_sent(tracker, err)
            raise
        except ComfyError as err:
            # The answer may be lost while the server kept the job: we chose its prompt_id,
            # so look for it instead of leaving it to run uncollected.
            if await self._recover_lost_submit(tracker, err):
                return tracker.snapshot
            raise
        except asyncio.CancelledError:
            # Stopped while the server may already hold the job: keep it, so a cancel (or
            # the next reconcile) settles it instead of leaving it to run unseen.
            self._unconfirmed(tracker, "Sending was interrupted; the job is looked for again.")
            raise
        return await self._accepted(tracker, result)

    def _unconfirmed(self, tracker: JobTracker, note: str) -> None:
        """Sent, but whether the server kept it is unknown: QUEUED with a note; reconcile
        finds it, collects it or calls it lost."""
        self.mutate(tracker, lambda: tracker.add_warning(note))
        self.mutate(tracker, lambda: tracker.accepted(0.0))

    def _not_sent(self, tracker: JobTracker, err: BaseException) -> None:
        error = JobError(str(err)) if str(err) else JobError.because(Reason.NOT_SENT)
        self.mutate(tracker, lambda: tracker.finish(JobState.FAILED, error))

    async def _recover_lost_submit(self, tracker: JobTracker, err: ComfyError) -> bool:
        """After POST /prompt failed without a verdict: True when the server has the job after
        all (it is then tracked, or collected if it already ran). False when it surely does
        not (the job is FAILED) or cannot be asked now (the job stays QUEUED so the next
        reconcile finds it, collects it or calls it lost; cancelling it works as usual)."""
        try:
            async with self._sync.lock:
                found = await look_for(self._client, tracker.id)
        except ComfyError as lookup_err:
            log.warning(
                "POST /prompt of %s failed (%s); the server cannot be asked: %s",
                tracker.id, err, lookup_err,
            )  # fmt: skip
            self._unconfirmed(
                tracker, "The server's answer was lost; the job is looked for again on reconnect."
            )
            return False
        if found is None:
            self._not_sent(tracker, err)
            return False
        log.warning("The answer to POST /prompt of %s was lost (%s); found it", tracker.id, err)
        await self._accepted(tracker, SubmitResult(tracker.id, found.number))
        if found.item is not None:
            self.collector.start(tracker.id, found.item)
        return True

    async def _accepted(self, tracker: JobTracker, result: SubmitResult) -> JobSnapshot:
        job_id = tracker.id
        prompt = tracker.snapshot.prompt
        notes = [
            f"{node_title(prompt, n.node_id) or n.node_id} › {e.input_name or n.class_type}: "
            f"{e.message}"
            for n in result.node_errors
            for e in n.errors
        ]
        self.mark_seen(job_id)
        self.mutate(tracker, lambda: tracker.accepted(result.number, notes))
        if tracker.snapshot.cancel_requested and not tracker.finished:
            await self._cancel_on_server([tracker])
        self._sync.request_refresh()
        return tracker.snapshot

    async def retry(self, job_id: str) -> JobSnapshot:
        """Submit the same prompt again (same seeds) as a new job."""
        old = self._trackers[job_id].snapshot
        return await self.submit(
            old.prompt, ui_workflow=old.ui_workflow, title=old.title, seed_values=old.seed_values
        )

    async def cancel(self, job_id: str) -> None:
        """Queued: remove it from the server's queue. Running: interrupt it (by its id only)."""
        tracker = self._trackers.get(job_id)
        if tracker is None or tracker.finished:
            return
        self.mutate(tracker, tracker.request_cancel)
        if tracker.state is not JobState.SUBMITTING:  # else submit() cancels once accepted
            await self._cancel_on_server([tracker])

    async def cancel_all_mine(self) -> None:
        mine = [t for t in self._trackers.values() if not t.finished]
        for tracker in mine:
            self.mutate(tracker, tracker.request_cancel)
        await self._cancel_on_server([t for t in mine if t.state is not JobState.SUBMITTING])

    async def _cancel_on_server(self, trackers: list[JobTracker]) -> None:
        queued = [t.id for t in trackers if t.state is JobState.QUEUED]
        running = [t.id for t in trackers if t.state is JobState.RUNNING]
        if queued:
            await self._client.delete_queued(queued)
        for job_id in running:
            await self._client.interrupt(prompt_id=job_id)
        if not queued:
            return
        # A "queued" job may have started meanwhile (delete ignores running ones): look again.
        async with self._sync.lock:
            requested_at = time.monotonic()
            queue = await self._client.queue()
            started = [i.prompt_id for i in queue.running if i.prompt_id in queued]
            for job_id in started:
                await self._client.interrupt(prompt_id=job_id)
            await self._sync.apply_queue(queue, requested_at, Reason.LEFT_QUEUE)

    async def reconcile(self) -> None:
        """Check every unfinished job against /queue and /history (after each (re)connect)."""
        await self._sync.reconcile()
