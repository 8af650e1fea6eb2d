"""Collecting a finished job: read ``/history/{id}``, download every output once, hand each to
the ResultSink, then set the final state. One collection at a time per job; outputs already
saved (also in an earlier session, via the journal) are skipped, so nothing is stored twice.

Every wait is bounded. A failure that is not "the server is down" -- /history answering 500
or garbage, /view answering a login page or a redirect, a download that stalls or is cut --
is retried in place with growing pauses, and after ``CollectPolicy.attempts`` failed tries the
job ends FAILED with a plain message. While the server is simply unreachable the job waits for
the reconnect (reconcile and the watchdog start the collection again); those tries count too,
so a server that keeps coming back but never delivers cannot keep a job open forever.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.base import atomic
from desktop.comfy.errors import ComfyError, DownloadTooLarge, ServerTooSlow, ServerUnreachable
from desktop.comfy.types import HistoryItem
from desktop.jobs.model import JobError, JobOutput, JobState, Reason
from desktop.jobs.reconcile import merge_history_outputs, outcome_from_history

if TYPE_CHECKING:
    from desktop.jobs.backend import Backend
    from desktop.jobs.store import TrackerStore
    from desktop.jobs.tracker import JobTracker

log = logging.getLogger("comfydesk.jobs")

# After `executing` null the history is written; the retries only cover proxies and races.
_HISTORY_DELAYS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.8)


@dataclass(frozen=True, slots=True)
class CollectPolicy:
    """How hard to try before a job's results are given up: ``attempts`` failed tries in
    all, pausing ``first_delay`` seconds, doubling up to ``max_delay``."""

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 15.0

    def delay(self, failures: int) -> float:
        return min(self.max_delay, self.first_delay * 2 ** max(0, failures - 1))


def waits_for_reconnect(err: ComfyError) -> bool:
    """Nothing answers at all: the stream's reconnect, not a retry loop, brings it back."""
    return (
        isinstance(err, ServerUnreachable)
        and not isinstance(err, ServerTooSlow)
        and not err.dropped
    )


def _reason(err: Exception) -> str:
    if isinstance(err, OSError):
        where = f" ({err.filename})" if err.filename else ""
        return f"{err.strerror or err}{where}"
    return str(err) or type(err).__name__


class _Unsaved(Exception):
    """One output could not be kept for good (too large, or the sink refused it)."""


class Collector:
    def __init__(self, client: Backend, manager: TrackerStore, policy: CollectPolicy) -> None:
        self._client = client
        self._manager = manager
        self._policy = policy
        self._running: dict[str, asyncio.Task[Any]] = {}
        self._failures: dict[str, int] = {}

    def busy(self, job_id: str) -> bool:
        return job_id in self._running

    def start(self, job_id: str, item: HistoryItem | None = None) -> None:
        tracker = self._manager.tracker(job_id)
        if tracker is None or tracker.finished or job_id in self._running:
            return
        task = self._manager.spawn(self._collect(tracker, item), f"jobs-collect-{job_id}")
        self._running[job_id] = task
        task.add_done_callback(lambda t: self._running.pop(job_id, None))

    def note_failure(
        self, job_id: str, err: ComfyError, what: str = "The result could not be fetched"
    ) -> bool:
        """Count one failed try at the job (its results, or news of it); True when it is
        given up (the job is then FAILED with ``what`` and ``err`` in its message)."""
        tracker = self._manager.tracker(job_id)
        if tracker is None or tracker.finished:
            return True
        failures = self._failures.get(job_id, 0) + 1
        self._failures[job_id] = failures
        log.warning(
            "Try %d/%d at the result of %s failed: %s", failures, self._policy.attempts, job_id, err
        )
        if failures < self._policy.attempts:
            return False
        self._give_up(tracker, f"{what} after {failures} tries: {err}")
        return True

    def _give_up(self, tracker: JobTracker, message: str) -> None:
        self._failures.pop(tracker.id, None)
        error = JobError(message)
        self._manager.mutate(tracker, lambda: tracker.finish(JobState.FAILED, error))

    async def _history(self, job_id: str) -> HistoryItem | None:
        for delay in _HISTORY_DELAYS:
            if delay:
                await asyncio.sleep(delay)
            item = await self._client.history_item(job_id)
            if item is not None:
                return item
        return None

    async def _collect(self, tracker: JobTracker, item: HistoryItem | None) -> None:
        while not tracker.finished:
            try:
                await self._collect_once(tracker, item)
                return
            except ComfyError as err:
                if self.note_failure(tracker.id, err) or waits_for_reconnect(err):
                    return  # given up, or the next reconcile / the watchdog tries again
                item = None  # read the history again: a truncated answer may have misled us
                await asyncio.sleep(self._policy.delay(self._failures.get(tracker.id, 1)))

    async def _collect_once(self, tracker: JobTracker, item: HistoryItem | None) -> None:
        manager = self._manager
        if item is None:
            item = await self._history(tracker.id)
        if item is None:
            outputs = tracker.snapshot.outputs  # what `executed` announced is all we know
            state = tracker.outcome or JobState.LOST
            error = (
                tracker.snapshot.error
                if tracker.outcome
                else JobError.because(Reason.HISTORY_CLEARED)
            )
        else:
            outputs = merge_history_outputs(item, tracker.snapshot.outputs)
            state, error = outcome_from_history(item, tracker)
        manager.mutate(tracker, lambda: tracker.set_outputs(outputs))
        unsaved: list[str] = []
        for output in outputs:
            if output.temp or output.saved_path is not None:
                continue  # previews in temp are shown, not kept
            try:
                await self._store(tracker, output)
            except _Unsaved as problem:
                unsaved.append(str(problem))
        self._failures.pop(tracker.id, None)
        if unsaved:
            state = JobState.FAILED
            count = len(unsaved)
            lead = "A picture was" if count == 1 else f"{count} pictures were"
            error = JobError(f"{lead} not saved: {'; '.join(unsaved)}")
        manager.mutate(tracker, lambda: tracker.finish(state, error))

    async def _store(self, tracker: JobTracker, output: JobOutput) -> None:
        """Download and keep one output. ComfyError: try the job again later; _Unsaved: this
        output cannot be kept (retrying would not help)."""
        manager = self._manager
        sink = manager.sink
        name = output.ref.filename
        try:
            staging = await sink.staging_dir()
        except Exception as err:  # the sink cannot take files (folder, library unusable)
            log.exception("No place to save %s", name)
            raise _Unsaved(f"{name}: {_reason(err)}") from err
        try:
            staged = await self._client.download(output.ref, staging, prompt_id=tracker.id)
        except DownloadTooLarge as err:
            raise _Unsaved(f"{name}: {err}") from err
        except OSError as err:  # the staging folder cannot be written
            raise _Unsaved(f"{name}: {_reason(err)}") from err
        try:
            path = await sink.store(tracker.snapshot, output, staged)
        except Exception as err:  # a sink is pluggable: any failure is one lost save, not a crash
            await asyncio.to_thread(atomic.discard, staged)
            log.exception("Could not save %s", name)
            raise _Unsaved(f"{name}: {_reason(err)}") from err
        saved = tuple(
            dataclasses.replace(o, saved_path=path) if o.key == output.key else o
            for o in tracker.snapshot.outputs
        )
        manager.mutate(tracker, lambda: tracker.set_outputs(saved))
