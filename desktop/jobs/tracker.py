"""The state machine of one job, driven only by what the server says about its prompt_id.

The tracker never talks to the network. The manager routes messages to it and acts on what it
returns: a changed snapshot to publish, or "results are ready" (``executing`` with node null),
the moment ``/history/{id}`` is guaranteed to hold the outputs. The outcome messages
(``execution_success|error|interrupted``) only record the outcome; the final state is set by
``finish`` once the results have been collected, so a finished job always has its files.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from desktop.comfy.errors import PromptRejected
from desktop.comfy.messages import (
    Executed,
    Executing,
    ExecutionCached,
    ExecutionError,
    ExecutionInterrupted,
    ExecutionStart,
    ExecutionSuccess,
    Progress,
    ProgressState,
)
from desktop.comfy.types import ImageRef
from desktop.jobs.model import JobError, JobOutput, JobSnapshot, JobState, node_title
from desktop.jobs.progress import ProgressModel


@dataclass(frozen=True, slots=True)
class Update:
    changed: bool = False
    results_ready: bool = False


NOTHING = Update()
CHANGED = Update(changed=True)


def error_from_message(prompt: Any, data: Any) -> JobError:
    """A JobError from an ``execution_error`` message (typed or the raw history dict)."""
    if isinstance(data, ExecutionError):
        node_id, node_type = data.node_id, data.node_type
        message, kind, tb = data.exception_message, data.exception_type, data.traceback
    else:
        data = data if isinstance(data, dict) else {}
        node_id = None if data.get("node_id") is None else str(data["node_id"])
        node_type = None if data.get("node_type") is None else str(data["node_type"])
        message = str(data.get("exception_message") or "")
        kind = str(data.get("exception_type") or "")
        raw_tb = data.get("traceback")
        tb = tuple(str(x) for x in raw_tb) if isinstance(raw_tb, list) else ()
    return JobError(
        message=message.strip() or kind or "The server reported an error.",
        node_id=node_id,
        node_type=node_type,
        node_title=node_title(prompt, node_id) if isinstance(prompt, dict) else None,
        exception_type=kind,
        traceback=tb,
    )


def outputs_from_refs(node_id: str, refs: Iterable[ImageRef]) -> list[JobOutput]:
    return [JobOutput(node_id, ref, i, None, ref.is_temp) for i, ref in enumerate(refs)]


class JobTracker:
    def __init__(
        self,
        snapshot: JobSnapshot,
        *,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.snapshot = snapshot
        self._wall = wall
        self._mono = monotonic
        self.progress = ProgressModel(snapshot.prompt)
        self.outcome: JobState | None = None
        self.last_activity = monotonic()
        # When POST /prompt answered: a /queue snapshot requested earlier may not list us yet.
        self.accepted_at: float | None = None if snapshot.state is JobState.SUBMITTING else 0.0

    @property
    def id(self) -> str:
        return self.snapshot.id

    @property
    def state(self) -> JobState:
        return self.snapshot.state

    @property
    def finished(self) -> bool:
        return self.snapshot.state.finished

    def _set(self, **changes: Any) -> Update:
        new = dataclasses.replace(self.snapshot, **changes)
        if new == self.snapshot:
            return NOTHING
        self.snapshot = new
        return CHANGED

    def _running(self, **changes: Any) -> Update:
        if self.snapshot.state is not JobState.RUNNING:
            changes.setdefault("started_at", self._wall())
            changes["state"] = JobState.RUNNING
            changes["queue_position"] = 0
        return self._set(**changes)

    # ------------------------------------------------------------------ protocol input

    def apply(self, msg: object) -> Update:
        if self.finished:
            return NOTHING
        self.last_activity = self._mono()
        prompt = self.snapshot.prompt
        if isinstance(msg, ExecutionStart):
            started = msg.timestamp / 1000 if msg.timestamp else self._wall()
            return self._running(started_at=started)
        if isinstance(msg, ExecutionCached):
            self.progress.cached(tuple(msg.nodes))
            return self._running(progress=self.progress.overall)
        if isinstance(msg, Executing):
            if msg.node is None:
                self._set(current_node=None, current_node_title=None, step=None, steps=None)
                return Update(changed=True, results_ready=True)
            shown = msg.display_node or msg.node
            self.progress.node_started(shown)
            return self._running(
                current_node=shown,
                current_node_title=node_title(prompt, shown) or shown,
                step=None,
                steps=None,
                eta=None,
                progress=self.progress.overall,
            )
        if isinstance(msg, Progress):
            node = msg.node or self.snapshot.current_node
            if node is not None:
                self.progress.node_progress(node, msg.value, msg.max, self._mono())
            changes: dict[str, Any] = {
                "step": msg.value,
                "steps": msg.max,
                "progress": self.progress.overall,
                "eta": self.progress.eta,
            }
            if node is not None and node != self.snapshot.current_node:
                changes["current_node"] = node
                changes["current_node_title"] = node_title(prompt, node) or node
            return self._running(**changes)
        if isinstance(msg, ProgressState):
            self.progress.apply_state(msg)
            return self._running(progress=self.progress.overall)
        if isinstance(msg, Executed):
            return self._running(**self._merge_outputs(msg.display_node or msg.node, msg.images))
        if isinstance(msg, ExecutionSuccess):
            self.outcome = JobState.SUCCEEDED
            self.progress.complete()
            return self._set(progress=1.0, eta=0.0)
        if isinstance(msg, ExecutionError):
            if msg.blocked:
                # ExecutionBlocker: the prompt keeps running; show the node's message only.
                title = node_title(prompt, msg.node_id) or msg.node_id or "A node"
                note = f"{title}: {msg.exception_message}".strip()
                return self._set(warnings=(*self.snapshot.warnings, note))
            self.outcome = JobState.FAILED
            return self._set(error=error_from_message(prompt, msg))
        if isinstance(msg, ExecutionInterrupted):
            self.outcome = JobState.INTERRUPTED
            return NOTHING
        return NOTHING

    def _merge_outputs(self, node_id: str, refs: Iterable[ImageRef]) -> dict[str, Any]:
        known = {o.key for o in self.snapshot.outputs}
        fresh = [o for o in outputs_from_refs(node_id, refs) if o.key not in known]
        return {"outputs": self.snapshot.outputs + tuple(fresh)} if fresh else {}

    # ------------------------------------------------------------------ manager input

    def accepted(self, number: float, warnings: Iterable[str] = ()) -> Update:
        """POST /prompt answered 200."""
        self.accepted_at = self._mono()
        changes: dict[str, Any] = {"number": number}
        if warnings:
            changes["warnings"] = (*self.snapshot.warnings, *warnings)
        if self.snapshot.state is JobState.SUBMITTING:
            changes["state"] = JobState.QUEUED
        return self._set(**changes)

    def rejected(self, err: PromptRejected) -> Update:
        return self._set(state=JobState.REJECTED, rejection=err, finished_at=self._wall())

    def seen_in_queue(self, position: int, running: bool, outputs: Iterable[str]) -> Update:
        """``/queue`` lists the job: running (position 0) or pending at ``position``."""
        if self.finished:
            return NOTHING
        self.progress.set_outputs(self.snapshot.prompt, outputs)
        if running:
            return self._running(progress=self.progress.overall)
        if self.snapshot.state is JobState.RUNNING:
            return NOTHING  # /queue lagging behind our messages; never step back
        return self._set(state=JobState.QUEUED, queue_position=position)

    def server_reachable(self, reachable: bool) -> Update:
        """The connection went down (False) or came back (True)."""
        if self.finished:
            return NOTHING
        return self._set(server_unreachable=not reachable)

    def runs_on(self, name: str, url: str) -> Update:
        return self._set(ran_on=name, ran_on_url=url)

    def request_cancel(self) -> Update:
        return self._set(cancel_requested=True)

    def set_outputs(self, outputs: tuple[JobOutput, ...]) -> Update:
        return self._set(outputs=outputs)

    def add_warning(self, text: str) -> Update:
        return self._set(warnings=(*self.snapshot.warnings, text))

    def finish(self, state: JobState, error: JobError | None = None) -> Update:
        if self.finished:
            return NOTHING
        changes: dict[str, Any] = {
            "state": state,
            "finished_at": self._wall(),
            "queue_position": None,
            "current_node": None,
            "current_node_title": None,
            "eta": None,
            "server_unreachable": False,
        }
        if state is JobState.SUCCEEDED:
            changes["progress"] = 1.0
        if error is not None:
            changes["error"] = error
        return self._set(**changes)
