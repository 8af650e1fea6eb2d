"""Keeping our jobs in step with the server's ``/queue`` and ``/history``: positions after
every ``status`` (at most one ``/queue`` request per interval), a full reconcile after every
(re)connect, and a silence watchdog for running jobs whose messages stopped."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import TYPE_CHECKING, Any

from desktop.comfy.errors import ComfyError
from desktop.comfy.types import QueueSnapshot
from desktop.jobs.collect import waits_for_reconnect
from desktop.jobs.model import JobError, JobState, Reason
from desktop.jobs.reconcile import judge_queue

if TYPE_CHECKING:
    from desktop.jobs.backend import Backend
    from desktop.jobs.store import TrackerStore

log = logging.getLogger("comfydesk.jobs")


class QueueSync:
    def __init__(
        self, client: Backend, manager: TrackerStore, *, silence: float, interval: float
    ) -> None:
        self._client = client
        self._m = manager
        self._silence = silence
        self._queue_interval = interval
        self._queue_task: asyncio.Task[Any] | None = None
        self._queue_dirty = False
        self._last_queue_fetch = -1e9
        self.last_queue: QueueSnapshot | None = None
        self.lock = asyncio.Lock()

    async def reconcile(self) -> ComfyError | None:
        """Check every unfinished job against /queue and /history (after each (re)connect).
        Returns the error when /queue could not be read."""
        async with self.lock:
            requested_at = time.monotonic()
            try:
                queue = await self._client.queue()
            except ComfyError as err:
                log.info("Could not read the queue to reconcile jobs: %s", err)
                return err
            await self.apply_queue(queue, requested_at, Reason.SERVER_RESTARTED)
            return None

    def request_refresh(self) -> None:
        if self._m.closed:
            return
        self._queue_dirty = True
        if self._queue_task is None or self._queue_task.done():
            self._queue_task = self._m.spawn(self._queue_loop(), "jobs-queue-refresh")

    async def _queue_loop(self) -> None:
        while self._queue_dirty:
            delay = self._last_queue_fetch + self._queue_interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)  # at most one /queue request per interval
            self._queue_dirty = False
            async with self.lock:
                requested_at = time.monotonic()
                connection = self._m.connection
                try:
                    queue = await self._client.queue()
                except ComfyError as err:
                    log.info("Could not refresh the queue: %s", err)
                    return
                await self.apply_queue(queue, requested_at, Reason.LEFT_QUEUE, connection)

    async def apply_queue(
        self,
        queue: QueueSnapshot,
        requested_at: float,
        reason: Reason,
        connection: int | None = None,
    ) -> None:
        """Positions for jobs in the queue; /history decides for ours that left it.

        ``connection``: for a refresh between reconnects, the socket connection that was up
        when the snapshot was asked for. A job that vanished is only said to be removed by
        someone else while that same connection is still up after /history was read; otherwise
        the server may have restarted, and the check after the reconnect decides (always
        with the restart reason), whichever of the two notices first."""
        self.last_queue = queue
        self._last_queue_fetch = max(self._last_queue_fetch, requested_at)
        verdict = judge_queue(queue, list(self._m.trackers_map.values()), requested_at)
        for job_id, (position, running, outputs) in verdict.positions.items():
            tracker = self._m.trackers_map[job_id]
            self._m.mark_seen(job_id)
            self._m.mutate(
                tracker,
                functools.partial(tracker.seen_in_queue, position, running, outputs),
            )
        for job_id in verdict.missing:
            await self._resolve_missing(job_id, reason, connection)

    async def _resolve_missing(
        self, job_id: str, reason: Reason, connection: int | None = None
    ) -> None:
        tracker = self._m.trackers_map[job_id]
        if tracker.finished or self._m.collector.busy(job_id):
            return
        try:
            item = await self._client.history_item(job_id)
        except ComfyError as err:
            log.info("Could not read the history of %s: %s", job_id, err)
            if not waits_for_reconnect(err):
                self._m.collector.note_failure(job_id, err)  # bounded: gives up after N
            return
        if tracker.finished or self._m.collector.busy(job_id):
            return
        if item is not None:
            self._m.collector.start(job_id, item)
        elif tracker.snapshot.cancel_requested:
            self._m.mutate(tracker, lambda: tracker.finish(JobState.CANCELLED))
        else:
            if reason is Reason.LEFT_QUEUE and (
                connection is None or self._m.connection != connection
            ):
                log.info("Job %s left the queue while the socket was down; rechecking", job_id)
                return
            if tracker.state is JobState.RUNNING or not self._m.seen_since_connect(job_id):
                reason = Reason.SERVER_RESTARTED  # not seen since the connection was re-made
            log.warning("Job %s is unknown to the server: %s", job_id, reason.text)
            error = JobError.because(reason)
            self._m.mutate(tracker, lambda: tracker.finish(JobState.LOST, error))

    async def watchdog(self) -> None:
        """Poll /queue + /history for jobs we have not heard about for `silence_timeout`:
        running jobs while connected (a zombie socket), and every accepted job while the socket
        is down (a proxy that refuses WebSockets must not leave jobs hanging)."""
        interval = max(0.05, min(5.0, self._silence / 3))
        while True:
            await asyncio.sleep(interval)
            watched = (
                (JobState.RUNNING,) if self._m.connected else (JobState.QUEUED, JobState.RUNNING)
            )
            now = time.monotonic()
            silent = [
                t
                for t in self._m.trackers_map.values()
                if t.state in watched
                and not self._m.collector.busy(t.id)
                and now - t.last_activity > self._silence
            ]
            if not silent:
                continue
            for tracker in silent:
                tracker.last_activity = now
            log.info("No news about %d job(s); checking the server", len(silent))
            err = await self.reconcile()
            if err is not None and not waits_for_reconnect(err):
                # A server that answers but not sensibly must not keep silent jobs forever.
                for tracker in silent:
                    what = "The server could not be asked about this job"
                    self._m.collector.note_failure(tracker.id, err, what)
