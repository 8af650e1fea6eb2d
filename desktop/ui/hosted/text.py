"""Sentences about hosted workflows in the artist's language: errors, the preview's state and
the cancel note (the core's English sentences say the same for logs and the runner)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.hosted.errors import (
    CANCEL_NOTE,
    DownloadFailed,
    HostedApiError,
    HostedKeyRejected,
    HostedNoPermission,
    HostedProtocolError,
    HostedTaskFailed,
    HostedUnreachable,
    SignedUrlExpired,
)
from desktop.jobs.model import JobSnapshot, JobState


def hosted_error_text(err: BaseException) -> str:
    """What went wrong, in plain words; the service's own message is kept where it has one."""
    if isinstance(err, HostedKeyRejected):
        status = f" ({err.status})" if err.status else ""
        return QCoreApplication.translate(
            "HostedText",
            "The hosted service refused the API key{status}. Check the key in Connection settings.",
        ).format(status=status)
    if isinstance(err, HostedApiError):
        return QCoreApplication.translate(
            "HostedText", "The hosted service refused the request: {msg} (code {code})."
        ).format(
            msg=err.msg.strip() or QCoreApplication.translate("HostedText", "no reason given"),
            code=err.code,
        )
    if isinstance(err, HostedUnreachable):
        return QCoreApplication.translate(
            "HostedText",
            "The hosted service is not reachable. Check the network; ComfyDesk keeps trying.",
        )
    if isinstance(err, HostedNoPermission):
        return cannot_run_text()
    if isinstance(err, HostedTaskFailed):
        return QCoreApplication.translate("HostedText", "The hosted workflow failed: {msg}").format(
            msg=err.err_msg.strip() or QCoreApplication.translate("HostedText", "no reason given")
        )
    if isinstance(err, SignedUrlExpired):
        return QCoreApplication.translate(
            "HostedText", "The download link for a result has expired ({status})."
        ).format(status=err.status)
    if isinstance(err, DownloadFailed):
        return QCoreApplication.translate(
            "HostedText", "A result could not be downloaded ({reason})."
        ).format(reason=err.reason)
    if isinstance(err, HostedProtocolError):
        return QCoreApplication.translate(
            "HostedText", "Unexpected answer from the hosted service: {detail}"
        ).format(detail=err.detail)
    return str(err) or type(err).__name__


def cannot_run_text() -> str:
    return QCoreApplication.translate(
        "HostedText",
        "This API key may not run this workflow. Ask the workflow's owner for access, or use "
        "the key of the account that published it.",
    )


def cancel_note_text() -> str:
    return QCoreApplication.translate(
        "HostedText",
        "The hosted service cannot cancel a job once it is sent: it may still run. ComfyDesk "
        "stopped watching it and will not download its results.",
    )


def is_cancel_note(text: str) -> bool:
    return text == CANCEL_NOTE


def preview_state_text(job: JobSnapshot) -> str:
    """The preview area's line for a hosted job: where it is while it waits or runs, the
    cancel note once stopped; "" for other jobs (a ComfyUI job, a hosted one that ended)."""
    if job.backend != "hosted":
        return ""
    if job.state is JobState.CANCELLED and any(is_cancel_note(w) for w in job.warnings):
        return cancel_note_text()
    if job.finished:
        return ""
    head = QCoreApplication.translate("HostedText", "No live preview on hosted workflows")
    if job.state is JobState.SUBMITTING:
        state = QCoreApplication.translate("HostedText", "sending…")
    elif job.state is JobState.QUEUED and job.queue_position:
        state = QCoreApplication.translate("HostedText", "queued (position {position})").format(
            position=job.queue_position
        )
    elif job.state is JobState.QUEUED:
        state = QCoreApplication.translate("HostedText", "queued")
    else:
        state = QCoreApplication.translate("HostedText", "running")
    return f"{head} — {state}"


def offline_text(retry_in: float) -> str:
    seconds = max(1, round(retry_in))
    return QCoreApplication.translate(
        "HostedText",
        "The hosted service is not answering; trying again in {seconds} s. Nothing is lost.",
    ).format(seconds=seconds)
