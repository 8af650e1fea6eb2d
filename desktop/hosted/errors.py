"""What can go wrong with a hosted workflow, each error with a sentence an artist can act on
(``str(err)``). The API key never appears in a message."""

from __future__ import annotations

from desktop.comfy.errors import ComfyError


class HostedError(ComfyError):
    """Base of every error of the hosted backend."""


class HostedUnreachable(HostedError):
    """The service did not answer (network loss, DNS, timeout). Polling retries these."""

    def __init__(self, url: str, reason: str = "") -> None:
        self.url = url
        self.reason = reason
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"The hosted workflow service at {url} is not reachable{detail}. "
            "Check the network; ComfyDesk keeps trying."
        )


class HostedKeyRejected(HostedError):
    """401/403 from the service: the key is wrong, expired or revoked."""

    def __init__(self, url: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(
            f"The hosted workflow service at {url} refused the API key"
            f"{f' ({status})' if status else ''}. Check the key in the connection settings."
        )


class HostedApiError(HostedError):
    """A JSON answer with ``code != 0``; ``msg`` is the service's own text."""

    def __init__(self, code: int | str, msg: str, url: str = "") -> None:
        self.code = code
        self.msg = msg
        self.url = url
        text = msg.strip() or "no reason given"
        super().__init__(f"The hosted workflow service refused the request: {text} (code {code}).")


class HostedProtocolError(HostedError):
    """An answer whose shape the documented API does not have."""

    def __init__(self, detail: str, url: str = "") -> None:
        self.detail = detail
        self.url = url
        super().__init__(f"Unexpected answer from the hosted workflow service: {detail}")


class HostedTaskFailed(HostedError):
    """Status 4: the workflow ran and failed; ``err_msg`` is the service's ``errMsg``."""

    def __init__(self, task_id: str, err_msg: str) -> None:
        self.task_id = task_id
        self.err_msg = err_msg
        super().__init__(f"The hosted workflow failed: {err_msg.strip() or 'no reason given'}")


class HostedNoPermission(HostedError):
    """Status 5: the key may not run this workflow."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        super().__init__(
            "This API key may not run this workflow. Ask the workflow's owner for access, "
            "or use the key of the account that published it."
        )


class SignedUrlExpired(HostedError):
    """The object-storage host refused a signed URL (403, or it says the link expired).
    The fix is a fresh ``get_task_info``, which signs new URLs."""

    def __init__(self, url: str, status: int) -> None:
        self.url = url
        self.status = status
        super().__init__(f"The download link for a result has expired ({status}).")


class DownloadFailed(HostedError):
    """The object-storage host answered with an error other than an expired link."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"A result could not be downloaded ({reason}).")


# The job's warning when the artist cancels a hosted job (the service has no cancel). Here,
# not in desktop.jobs.hosted, so that the preview can recognise it without loading aiohttp
# before the window's first paint.
CANCEL_NOTE = (
    "The hosted service cannot cancel a job once it is sent: it may still run. "
    "ComfyDesk stopped watching it and will not download its results."
)
