"""``HostedClient``: the documented calls of GenStudio's hosted ComfyUI workflow service.

One aiohttp session (the project's :class:`~desktop.comfy.http.HttpTransport`), a time limit on
every call, and the ``Authorization`` header only ever sent to the base URL's origin: the
transport never follows redirects and refuses any request to another origin. Result files live
on another host; :mod:`desktop.hosted.download` fetches them without credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp

from desktop.comfy.errors import AuthenticationRequired, ComfyError, ServerUnreachable
from desktop.comfy.http import HttpTransport, Reply
from desktop.hosted.errors import (
    HostedApiError,
    HostedKeyRejected,
    HostedProtocolError,
    HostedUnreachable,
)
from desktop.hosted.types import API_PREFIX, DEFAULT_BASE_URL, TaskInfo, parse_task_info
from desktop.logs import register_secret

log = logging.getLogger("comfydesk.hosted")

URL_EXPIRE_SECONDS = 3600
UPLOAD_FIELD = "source_file"


class HostedClient:
    """Create anywhere; the session opens lazily in the running loop. ``close()`` ends it."""

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        upload_timeout: float = 300.0,
    ) -> None:
        register_secret(api_key)  # redacted from every log line, whoever logs it
        self._transport = HttpTransport(
            base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=timeout
        )
        self.upload_timeout = upload_timeout

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def __repr__(self) -> str:  # never the key
        return f"HostedClient({self.base_url!r})"

    async def close(self) -> None:
        await self._transport.close()

    # ------------------------------------------------------------------ calls

    async def submit(self, workflow_id: str, changes: Mapping[str, Any] | None = None) -> str:
        """Queue one run; ``changes`` is ``{node_id: {"inputs": {name: value}}}`` (only what
        differs from the published workflow; None or empty runs it as published)."""
        body: dict[str, Any] = {"workflow_id": workflow_id}
        if changes:
            body["prompt"] = dict(changes)
        data = await self._call("prompt", json_body=body)
        prompt_id = data.get("prompt_id") if isinstance(data, dict) else None
        if not isinstance(prompt_id, str) or not prompt_id:
            raise HostedProtocolError("the answer to a submission has no prompt_id")
        return prompt_id

    async def task_info(
        self, task_ids: Sequence[str], *, url_expire_period: int = URL_EXPIRE_SECONDS
    ) -> dict[str, TaskInfo]:
        """The state of each task (freshly signed URLs for finished ones), by task id."""
        body = {"comfy_task_ids": list(task_ids), "url_expire_period": url_expire_period}
        data = await self._call("get_task_info", json_body=body)
        entries = data.get("comfy_task_info") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise HostedProtocolError("the task information has no comfy_task_info list")
        infos = (parse_task_info(entry) for entry in entries)
        return {info.task_id: info for info in infos if info is not None}

    async def upload_image(self, filename: str, data: bytes, content_type: str = "") -> str:
        """Upload a picture for a LoadImage input; returns the ``image_id`` to put there."""
        form = aiohttp.FormData()
        form.add_field(
            UPLOAD_FIELD,
            data,
            filename=filename,
            content_type=content_type or "application/octet-stream",
        )
        answer = await self._fetch("upload/image", data=form, time_limit=self.upload_timeout)
        image_id = answer.get("image_id") if isinstance(answer, dict) else None
        if not isinstance(image_id, str) and isinstance(answer.get("data"), dict):
            image_id = answer["data"].get("image_id")  # tolerate the usual envelope too
        if not isinstance(image_id, str) or not image_id:
            self._raise_for_code(answer)
            raise HostedProtocolError("the answer to an upload has no image_id")
        return image_id

    # ------------------------------------------------------------------ plumbing

    async def _call(self, endpoint: str, *, json_body: Any) -> Any:
        answer = await self._fetch(endpoint, json_body=json_body)
        self._raise_for_code(answer)
        return answer.get("data")

    def _raise_for_code(self, answer: dict[str, Any]) -> None:
        code = answer.get("code")
        if code in (0, "0"):
            return
        msg = answer.get("msg")
        raise HostedApiError(
            code if isinstance(code, int | str) else "?",
            msg if isinstance(msg, str) else "",
            self.base_url,
        )

    async def _fetch(
        self,
        endpoint: str,
        *,
        json_body: Any = None,
        data: Any = None,
        time_limit: float | None = None,
    ) -> dict[str, Any]:
        url = self._transport.url(*API_PREFIX, *endpoint.split("/"))
        try:
            reply = await self._transport.fetch(
                "POST", url, json_body=json_body, data=data, time_limit=time_limit
            )
        except ServerUnreachable as err:
            raise HostedUnreachable(self.base_url, err.reason) from err
        except AuthenticationRequired as err:
            if err.status is not None and 300 <= err.status < 400:
                # Never followed: the key would go wherever the redirect points.
                raise HostedProtocolError(
                    f"the service redirected elsewhere ({err.status}); the key was not sent "
                    "there. Check the service address.",
                    self.base_url,
                ) from err
            raise HostedKeyRejected(self.base_url, err.status) from err
        return self._answer(reply)

    def _answer(self, reply: Reply) -> dict[str, Any]:
        try:
            answer = reply.json()
        except AuthenticationRequired as err:  # a login page instead of JSON
            raise HostedKeyRejected(self.base_url, reply.status) from err
        except ComfyError as err:
            if reply.status >= 500:
                raise HostedUnreachable(self.base_url, f"server error {reply.status}") from err
            raise HostedProtocolError(f"{reply.status}, not JSON", reply.url) from err
        if not isinstance(answer, dict):
            raise HostedProtocolError("the answer is not a JSON object", reply.url)
        if reply.status >= 500 and "code" not in answer:
            raise HostedUnreachable(self.base_url, f"server error {reply.status}")
        return answer
