"""Immutable job values published to the UI and the runner: one snapshot per change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from desktop.comfy.errors import PromptRejected
from desktop.comfy.types import ImageRef


class JobState(Enum):
    SUBMITTING = "submitting"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"
    LOST = "lost"
    REJECTED = "rejected"

    @property
    def finished(self) -> bool:
        return self not in _ACTIVE


_ACTIVE = frozenset({JobState.SUBMITTING, JobState.QUEUED, JobState.RUNNING})


class Reason(Enum):
    """Failures the client names itself (the server's own errors carry the server's text).

    The value is stable: the journal keeps it and the UI shows a translated sentence for it;
    :attr:`text` is the English sentence for the log and the command-line runner.
    """

    SERVER_RESTARTED = "server_restarted"
    LEFT_QUEUE = "left_queue"
    HISTORY_CLEARED = "history_cleared"
    SERVER_ERROR = "server_error"
    NOT_SENT = "not_sent"

    @property
    def text(self) -> str:
        return _REASON_TEXT[self]


_REASON_TEXT = {
    Reason.SERVER_RESTARTED: "The server no longer knows this job — it was probably restarted.",
    Reason.LEFT_QUEUE: "The job disappeared from the server's queue without running.",
    Reason.HISTORY_CLEARED: (
        "The server finished this job but keeps no record of it (its history was cleared)."
    ),
    Reason.SERVER_ERROR: "The server reported an error.",
    Reason.NOT_SENT: "The job was not sent.",
}


@dataclass(frozen=True, slots=True)
class JobError:
    """Why a job failed. Node fields are None when the failure is not tied to a node;
    ``reason`` is set when the client, not the server, named the failure."""

    message: str
    node_id: str | None = None
    node_type: str | None = None
    node_title: str | None = None
    exception_type: str = ""
    traceback: tuple[str, ...] = ()
    reason: Reason | None = None

    @classmethod
    def because(cls, reason: Reason) -> JobError:
        return cls(reason.text, reason=reason)

    def __str__(self) -> str:
        where = self.node_title or self.node_type
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True, slots=True)
class JobOutput:
    node_id: str
    ref: ImageRef
    batch_index: int = 0
    saved_path: Path | None = None
    temp: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity of a server file within a job; downloads are idempotent on it."""
        return (self.node_id, self.ref.filename, self.ref.subfolder, self.ref.type)


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    id: str
    state: JobState
    title: str
    created: float  # time.time()
    prompt: Mapping[str, Any]
    ui_workflow: Mapping[str, Any] | None = None
    server_url: str = ""
    queue_position: int | None = None
    number: float | None = None
    current_node: str | None = None
    current_node_title: str | None = None
    step: int | None = None
    steps: int | None = None
    progress: float = 0.0
    started_at: float | None = None  # time.time()
    finished_at: float | None = None
    error: JobError | None = None
    rejection: PromptRejected | None = None
    outputs: tuple[JobOutput, ...] = ()
    cancel_requested: bool = False
    seed_values: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # Additions to the contract: seconds left for the running node (from step timing), and
    # non-fatal problems worth showing (node_errors on an accepted prompt, failed saves, …).
    eta: float | None = None
    warnings: tuple[str, ...] = ()
    # The connection is down: the state above is the last one the server told us, not news.
    server_unreachable: bool = False
    # Which service runs the job: "comfyui", or "hosted" (GenStudio's hosted workflows, which
    # have no live preview and no cancel), and the job's id there when it is not ``id``.
    backend: str = "comfyui"
    remote_id: str | None = None
    # A farm: the name and address of the server that runs (or ran) the job; "" otherwise.
    ran_on: str = ""
    ran_on_url: str = ""

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def saved_paths(self) -> tuple[Path, ...]:
        return tuple(o.saved_path for o in self.outputs if o.saved_path is not None)


def node_title(prompt: Mapping[str, Any], node_id: str | None) -> str | None:
    """The title the artist gave a node (``_meta.title``), else its class, else None."""
    if node_id is None:
        return None
    node = prompt.get(node_id)
    if not isinstance(node, Mapping):
        return None
    meta = node.get("_meta")
    if isinstance(meta, Mapping) and isinstance(meta.get("title"), str) and meta["title"]:
        return meta["title"]
    class_type = node.get("class_type")
    return class_type if isinstance(class_type, str) else None
