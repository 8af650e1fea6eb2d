"""Collecting a finished job: read ``/history/{id}``, download every output once, hand each to
the ResultSink, then set the final state. One collection at a time per job; outputs already
saved (also in an earlier session, via the journal) are skipped, so nothing is stored twice."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from desktop.comfy.errors import AuthenticationRequired, ComfyError, ServerUnreachable
from desktop.comfy.types import HistoryItem
from desktop.jobs.model import JobError, JobOutput, JobState, Reason
from desktop.jobs.reconcile import merge_history_outputs, outcome_from_history

if TYPE_CHECKING:
    from desktop.jobs.backend import Backend
    from desktop.jobs.manager import JobManager
    from desktop.jobs.tracker import JobTracker

log = logging.getLogger("comfydesk.jobs")

# After `executing` null the history is written; the retries only cover proxies and races.
_HISTORY_DELAYS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.8)


class Collector:
    def __init__(self, client: Backend, manager: JobManager) -> None:
        self._client = client
        self._manager = manager
        self._running: dict[str, asyncio.Task[Any]] = {}

    def busy(self, job_id: str) -> bool:
        return job_id in self._running

    def start(self, job_id: str, item: HistoryItem | None = None) -> None:
        tracker = self._manager.tracker(job_id)
        if tracker is None or tracker.finished or job_id in self._running:
            return
        task = self._manager.spawn(self._collect(tracker, item), f"jobs-collect-{job_id}")
        self._running[job_id] = task
        task.add_done_callback(lambda t: self._running.pop(job_id, None))

    async def _history(self, job_id: str) -> HistoryItem | None:
        for delay in _HISTORY_DELAYS:
            if delay:
                await asyncio.sleep(delay)
            item = await self._client.history_item(job_id)
            if item is not None:
                return item
        return None

    async def _collect(self, tracker: JobTracker, item: HistoryItem | None) -> None:
        manager = self._manager
        try:
            if item is None:
                item = await self._history(tracker.id)
        except ComfyError as err:
            # Left unfinished on purpose: the next reconcile or the watchdog tries again.
            log.warning("Could not read the result of %s: %s", tracker.id, err)
            return
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
        for output in outputs:
            if output.temp or output.saved_path is not None:
                continue  # previews in temp are shown, not kept
            if not await self._store(tracker, output):
                return
        manager.mutate(tracker, lambda: tracker.finish(state, error))

    async def _store(self, tracker: JobTracker, output: JobOutput) -> bool:
        """Download and keep one output. False: the server went away, stop and retry later."""
        manager = self._manager
        name = output.ref.filename
        try:
            data = await self._client.view(output.ref, prompt_id=tracker.id)
        except (ServerUnreachable, AuthenticationRequired) as err:
            log.warning("Download of %s interrupted: %s", name, err)
            return False
        except ComfyError as err:
            log.warning("Could not download %s: %s", name, err)
            note = f"Could not download {name}: {err}"
            manager.mutate(tracker, lambda: tracker.add_warning(note))
            return True
        try:
            path = await manager.sink.store(tracker.snapshot, output, data)
        except Exception as err:  # a sink is pluggable: any failure is one lost save, not a crash
            log.exception("Could not save %s", name)
            note = f"Could not save {name}: {err}"
            manager.mutate(tracker, lambda: tracker.add_warning(note))
            return True
        saved = tuple(
            dataclasses.replace(o, saved_path=path) if o.key == output.key else o
            for o in tracker.snapshot.outputs
        )
        manager.mutate(tracker, lambda: tracker.set_outputs(saved))
        return True
