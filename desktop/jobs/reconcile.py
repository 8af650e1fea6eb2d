"""Decisions made from ``/queue`` and ``/history/{id}`` instead of WebSocket messages: after a
reconnect, at start-up, when a running job has gone silent, and when a job leaves the queue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.comfy.types import HistoryItem, QueueSnapshot
from desktop.jobs.model import JobError, JobOutput, JobState, Reason
from desktop.jobs.tracker import JobTracker, error_from_message, outputs_from_refs


@dataclass(frozen=True, slots=True)
class QueueVerdict:
    """What one ``/queue`` snapshot says about our jobs."""

    positions: dict[str, tuple[int, bool, tuple[str, ...]]]  # id -> (position, running, outputs)
    missing: tuple[str, ...]  # ours, accepted before the request, and not in the queue


def judge_queue(
    queue: QueueSnapshot, trackers: Iterable[JobTracker], requested_at: float
) -> QueueVerdict:
    running = {item.prompt_id for item in queue.running}
    ordered = queue.running + queue.pending
    items = {item.prompt_id: item for item in ordered}
    # Positions in one pass: asking the snapshot per job is quadratic (1,000 queued jobs
    # made each /queue refresh a 100+ ms GUI stall).
    where: dict[str, int] = {}
    for index, queued in enumerate(ordered):
        where.setdefault(queued.prompt_id, index)
    positions: dict[str, tuple[int, bool, tuple[str, ...]]] = {}
    missing: list[str] = []
    for tracker in trackers:
        if tracker.finished or tracker.state is JobState.SUBMITTING:
            continue
        item = items.get(tracker.id)
        if item is not None:
            position = where[tracker.id]
            positions[tracker.id] = (position, tracker.id in running, item.outputs_to_execute)
        elif tracker.accepted_at is not None and tracker.accepted_at <= requested_at:
            # Only a snapshot asked for after POST /prompt answered can prove absence.
            missing.append(tracker.id)
    return QueueVerdict(positions, tuple(missing))


def outcome_from_history(
    item: HistoryItem, tracker: JobTracker
) -> tuple[JobState, JobError | None]:
    """The final state recorded by the server (the outcome message may have been missed)."""
    if item.interrupted:
        return JobState.INTERRUPTED, None
    raw_error = item.error
    if raw_error is not None:
        return JobState.FAILED, error_from_message(tracker.snapshot.prompt, raw_error)
    if item.status_str == "error":
        fallback = tracker.snapshot.error or JobError.because(Reason.SERVER_ERROR)
        return JobState.FAILED, fallback
    if item.status_str == "success" or item.completed:
        return JobState.SUCCEEDED, None
    if tracker.outcome is not None:
        return tracker.outcome, tracker.snapshot.error
    return JobState.SUCCEEDED, None


def merge_history_outputs(
    item: HistoryItem, existing: tuple[JobOutput, ...]
) -> tuple[JobOutput, ...]:
    """Every output the history lists, in node order, keeping what we already saved."""
    saved = {o.key: o for o in existing}
    merged: list[JobOutput] = []
    for out in item.outputs:
        for fresh in outputs_from_refs(out.node_id, out.images):
            merged.append(saved.pop(fresh.key, fresh))
    # Outputs seen in `executed` but absent from history (rare) are kept, not forgotten.
    merged.extend(saved.values())
    return tuple(merged)
