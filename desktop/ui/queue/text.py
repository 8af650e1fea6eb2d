"""Plain-language texts about a job, shared by the queue panel and the preview overlay."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from desktop.jobs.failures import Failure, FailureKind, classify_failure
from desktop.jobs.model import JobError, JobSnapshot, JobState, Reason


# Written out in full each time: lupdate only recognises QCoreApplication.translate(...).
def format_duration(seconds: float) -> str:
    """``0:07``, ``12:05``, ``1:02:03``."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def estimate_remaining(job: JobSnapshot, elapsed: float | None) -> float | None:
    """Seconds left: the tracker's step-timing ETA for the running sampler, else a linear
    estimate from the overall progress once it says something (≥ 5 %)."""
    if job.state is not JobState.RUNNING:
        return None
    if job.eta is not None:
        return job.eta
    if elapsed is not None and job.progress >= 0.05:
        return elapsed * (1.0 - job.progress) / job.progress
    return None


def state_text(job: JobSnapshot) -> str:
    """One short line: what the job is doing or how it ended."""
    state = job.state
    if job.server_unreachable and not job.finished:
        return QCoreApplication.translate("JobText", "Waiting for the server…")
    if job.cancel_requested and not job.finished:
        return QCoreApplication.translate("JobText", "Cancelling…")
    if state is JobState.SUBMITTING:
        return QCoreApplication.translate("JobText", "Sending…")
    if state is JobState.QUEUED and job.backend == "hosted" and job.queue_position:
        # The hosted service counts places in its queue from 1, not the jobs ahead.
        return QCoreApplication.translate("JobText", "Queued — position {position}").format(
            position=job.queue_position
        )
    if state is JobState.QUEUED:
        ahead = job.queue_position
        if ahead is None:
            return QCoreApplication.translate("JobText", "Queued")
        if ahead <= 0:
            return QCoreApplication.translate("JobText", "Queued — next")
        return QCoreApplication.translate("JobText", "Queued — {ahead} ahead").format(
            ahead=ahead
        )  # the running one counts
    if state is JobState.RUNNING:
        if job.step is not None and job.steps:
            return QCoreApplication.translate("JobText", "Step {step}/{steps}").format(
                step=job.step, steps=job.steps
            )
        return QCoreApplication.translate("JobText", "Running")
    return {
        JobState.SUCCEEDED: QCoreApplication.translate("JobText", "Done"),
        JobState.FAILED: QCoreApplication.translate("JobText", "Failed"),
        JobState.INTERRUPTED: QCoreApplication.translate("JobText", "Stopped"),
        JobState.CANCELLED: QCoreApplication.translate("JobText", "Cancelled"),
        JobState.LOST: QCoreApplication.translate("JobText", "Lost"),
        JobState.REJECTED: QCoreApplication.translate("JobText", "Not accepted by the server"),
    }[state]


def server_text(job: JobSnapshot) -> str:
    """``on gpu-2``: which server of a farm runs (or ran) the job; "" with one server."""
    if not job.ran_on:
        return ""
    return QCoreApplication.translate("JobText", "on {server}").format(server=job.ran_on)


def timing_text(job: JobSnapshot, elapsed: float | None) -> str:
    """``1:05 elapsed · about 0:20 left`` while running; ``took 1:25`` when done."""
    if elapsed is None:
        return ""
    if job.finished:
        return QCoreApplication.translate("JobText", "took {time}").format(
            time=format_duration(elapsed)
        )
    remaining = estimate_remaining(job, elapsed)
    text = QCoreApplication.translate("JobText", "{time} elapsed").format(
        time=format_duration(elapsed)
    )
    if remaining is not None:
        text += " · " + QCoreApplication.translate("JobText", "about {time} left").format(
            time=format_duration(remaining)
        )
    return text


def reason_text(reason: Reason) -> str:
    """The sentence for a failure the client named itself, in the current language."""
    return {
        Reason.SERVER_RESTARTED: QCoreApplication.translate(
            "JobText", "The server no longer knows this job — it was probably restarted."
        ),
        Reason.LEFT_QUEUE: QCoreApplication.translate(
            "JobText", "The job disappeared from the server's queue without running."
        ),
        Reason.HISTORY_CLEARED: QCoreApplication.translate(
            "JobText",
            "The server finished this job but keeps no record of it (its history was cleared).",
        ),
        Reason.SERVER_ERROR: QCoreApplication.translate("JobText", "The server reported an error."),
        Reason.NOT_SENT: QCoreApplication.translate("JobText", "The job was not sent."),
    }[reason]


def error_message(error: JobError) -> str:
    """The error's own sentence: translated when the client named it, the server's otherwise."""
    return reason_text(error.reason) if error.reason is not None else error.message


def advice_text(failure: Failure) -> str:
    """What a recognised failure means and what to do about it ("" for OTHER)."""
    kind = failure.kind
    if kind is FailureKind.DAMAGED_FILE:
        return QCoreApplication.translate(
            "JobText",
            "The model file is damaged or is not a model file (an incomplete download, or "
            "another kind of file renamed). Download it again, or choose another model.",
        )
    if kind is FailureKind.OUT_OF_MEMORY:
        return QCoreApplication.translate(
            "JobText",
            "The server ran out of graphics memory. Try a smaller width, height or batch "
            "size, close other programs that use the graphics card, or start ComfyUI with "
            "--lowvram.",
        )
    if kind is FailureKind.WRONG_MODEL_KIND:
        return QCoreApplication.translate(
            "JobText",
            "This model is not the kind this node needs (for example a LoRA or an SDXL model "
            "where an SD 1.5 checkpoint belongs). Choose a model made for this node and the "
            "others in the workflow.",
        )
    if kind is FailureKind.MISSING_NODE:
        return QCoreApplication.translate(
            "JobText",
            "The server does not have the node “{name}”. Install the custom node on the "
            "server (ComfyUI-Manager can do it) and restart ComfyUI.",
        ).format(name=failure.detail)
    if kind is FailureKind.MISSING_PACKAGE:
        return QCoreApplication.translate(
            "JobText",
            "A custom node on the server lacks the Python package “{name}”. Install that "
            "custom node's requirements on the server and restart ComfyUI.",
        ).format(name=failure.detail or "?")
    if kind is FailureKind.MISSING_FILE:
        return QCoreApplication.translate(
            "JobText",
            "A file this node reads is not on the server. Choose another file, or copy it "
            "to the server's folder.",
        )
    return ""


def error_advice(error: JobError) -> str:
    """The plain sentence for ``error``, or "" when only the server's own text can tell."""
    return advice_text(classify_failure(error.message, error.exception_type))


def failure_text(job: JobSnapshot) -> str:
    """Why the job failed, in plain language (empty when it did not fail). The server's
    own text of a recognised failure is in the technical details (:func:`technical_text`)."""
    if job.error is not None:
        message = error_advice(job.error) or error_message(job.error).strip()
        where = job.error.node_title or job.error.node_type
        if where:
            return QCoreApplication.translate("JobText", "{node}: {message}").format(
                node=where, message=message
            )
        return message
    if job.rejection is not None:
        return str(job.rejection)
    return ""


def technical_text(error: JobError | None) -> str:
    """The server's own words: exception type, message and traceback."""
    if error is None:
        return ""
    head = f"{error.exception_type}: {error.message}" if error.exception_type else error.message
    trace = "".join(error.traceback)
    return f"{head.rstrip()}\n\n{trace}" if trace else head.rstrip()


def parameter_lines(prompt: Mapping[str, Any]) -> list[str]:
    """``Node title › input: value`` for every value the artist can set (links left out)."""
    lines = []
    for node_id, node in prompt.items():
        if not isinstance(node, Mapping):
            continue
        meta = node.get("_meta")
        title = meta.get("title") if isinstance(meta, Mapping) else None
        title = title or node.get("class_type") or str(node_id)
        inputs = node.get("inputs")
        if not isinstance(inputs, Mapping):
            continue
        for name, value in inputs.items():
            if isinstance(value, list) and len(value) == 2 and isinstance(value[1], int):
                continue  # a link to another node's output
            lines.append(f"{title} › {name}: {value}")
    return lines
