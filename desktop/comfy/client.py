"""``ComfyClient``: the typed REST client of one ComfyUI server.

Every route goes to ``<base>/api/<route>`` (§1.1). Failures arrive as the ``errors`` tree:
ServerUnreachable, AuthenticationRequired, PromptRejected, ServerError, ProtocolError.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Unpack

import aiohttp
from yarl import URL

from desktop.base.names import safe_filename
from desktop.comfy.errors import (
    AuthenticationRequired,
    PromptRejected,
    ProtocolError,
)
from desktop.comfy.http import (
    HttpTransport,
    TransportOptions,
    looks_like_html,
)
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.offload import JsonOffloader
from desktop.comfy.parsing import (
    parse_history,
    parse_history_item,
    parse_queue,
    parse_string_list,
    parse_submit_result,
    parse_system_stats,
)
from desktop.comfy.stream import EventStream
from desktop.comfy.templates import (
    Template,
    TemplateCategory,
    is_safe_template_name,
    parse_template_index,
)
from desktop.comfy.types import (
    HistoryItem,
    ImageRef,
    QueueSnapshot,
    SubmitResult,
    SystemStats,
)

log = logging.getLogger("comfydesk.comfy")

#: Big installs take tens of seconds to build /object_info.
OBJECT_INFO_TIMEOUT = 300.0

_UNSAFE_NAME_CHARS = re.compile(r"[^\w.\-]+")


def safe_upload_name(filename: str, default: str = "upload.png") -> str:
    """The one sanitiser's name (see ``desktop.base.names``), further limited to word
    characters, ``.`` and ``-`` so the server's file name needs no quoting anywhere."""
    base = safe_filename(filename, default=default)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = ext, ""
    ext = _UNSAFE_NAME_CHARS.sub("", ext)[:16]
    # A leading "_" may be the sanitiser's guard against a device name (COM¹): keep it.
    stem = _UNSAFE_NAME_CHARS.sub("_", stem).lstrip(". ").rstrip("._ ")
    if not stem.strip("_"):
        default_stem, _, default_ext = default.rpartition(".")
        stem, ext = default_stem, ext or default_ext
    suffix = f".{ext}" if ext else ""
    return stem[: 120 - len(suffix)] + suffix


class ComfyClient:
    """One ComfyUI server. Owns its aiohttp session and JSON worker; call ``close()``."""

    def __init__(
        self, base_url: str, *, client_id: str | None = None, **reach: Unpack[TransportOptions]
    ) -> None:
        self._http = HttpTransport(base_url, **reach)
        self.base_url: str = self._http.base_url
        self.client_id: str = client_id or uuid.uuid4().hex
        self._offload = JsonOffloader()
        self._streams: set[EventStream] = set()

    def __repr__(self) -> str:
        return f"ComfyClient({self.base_url!r}, client_id={self.client_id!r})"

    # ------------------------------------------------------------------ lifecycle

    async def close(self) -> None:
        """Stop every event stream of this client, then close the session and the worker."""
        for stream in list(self._streams):
            await stream.close()
        await self._http.close()
        await self._offload.close()

    async def __aenter__(self) -> ComfyClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # ------------------------------------------------------------------ server info

    async def system_stats(self) -> SystemStats:
        url = self._http.api_url("system_stats")
        return parse_system_stats(await self._http.get_json(url), str(url))

    async def features(self) -> dict[str, Any]:
        body = await self._http.get_json(self._http.api_url("features"))
        if not isinstance(body, dict):
            raise ProtocolError("features is not a JSON object", self.base_url)
        return body

    async def object_info_raw_bytes(self) -> bytes:
        return await self._json_bytes(
            self._http.api_url("object_info"), time_limit=OBJECT_INFO_TIMEOUT
        )

    async def _json_bytes(self, url: URL, *, time_limit: float | None = None) -> bytes:
        """The raw body of a JSON answer, parsed by the caller (big ones in the worker); a
        login page in its place means a proxy wants credentials."""
        reply = await self._http.fetch("GET", url, time_limit=time_limit)
        reply.raise_for_status()
        if looks_like_html(reply.content_type, reply.body):
            raise AuthenticationRequired(reply.url, reply.status)
        return reply.body

    async def object_info(self) -> ObjectInfo:
        """All node definitions. Big documents are parsed in a worker process (see offload)."""
        body = await self.object_info_raw_bytes()
        try:
            raw = await self._offload.parse_object(body)
        except (ValueError, RecursionError) as err:
            raise ProtocolError("object_info is not a JSON object", self.base_url) from err
        return ObjectInfo(raw)

    async def model_folders(self) -> list[str]:
        return parse_string_list(await self._http.get_json(self._http.api_url("models")), "models")

    async def models(self, folder: str) -> list[str]:
        url = self._http.api_url("models", folder)
        return parse_string_list(await self._http.get_json(url), "models", str(url))

    async def embeddings(self) -> list[str]:
        body = await self._http.get_json(self._http.api_url("embeddings"))
        return parse_string_list(body, "embeddings")

    # ------------------------------------------------------------------ prompts and queue

    async def submit(
        self,
        prompt: Mapping[str, Any],
        *,
        workflow: Any = None,
        extra_data: Mapping[str, Any] | None = None,
        front: bool = False,
        prompt_id: str | None = None,
    ) -> SubmitResult:
        """Queue an API-format prompt. Raises PromptRejected when the server refuses it;
        ``SubmitResult.node_errors`` can still list outputs that were dropped."""
        prompt_id = prompt_id or str(uuid.uuid4())
        extra = dict(extra_data or {})
        if workflow is not None:
            extra["extra_pnginfo"] = {**(extra.get("extra_pnginfo") or {}), "workflow": workflow}
        body: dict[str, Any] = {
            "prompt": dict(prompt),
            "client_id": self.client_id,
            "prompt_id": prompt_id,
            "extra_data": extra,
        }
        if front:
            body["front"] = True
        reply = await self._http.fetch("POST", self._http.api_url("prompt"), json_body=body)
        if reply.status == 400 and reply.is_json:
            raise PromptRejected.from_body(reply.json())
        reply.raise_for_status()
        result = parse_submit_result(reply.json(), prompt_id, reply.url)
        if result.prompt_id != prompt_id:
            log.warning("server renamed prompt %s to %s", prompt_id, result.prompt_id)
        return result

    async def queue(self) -> QueueSnapshot:
        url = self._http.api_url("queue")
        raw = await self._json_bytes(url)
        try:
            body = await self._offload.parse_queue(raw)
        except (ValueError, RecursionError) as err:
            raise ProtocolError("expected JSON from /queue", str(url)) from err
        return parse_queue(body, str(url))

    async def delete_queued(self, prompt_ids: Sequence[str]) -> None:
        await self._http.post(self._http.api_url("queue"), {"delete": list(prompt_ids)})

    async def interrupt(self, prompt_id: str | None = None) -> None:
        """Stop ``prompt_id`` if it is running; ``None`` stops whatever runs (anyone's)."""
        body = {} if prompt_id is None else {"prompt_id": prompt_id}
        await self._http.post(self._http.api_url("interrupt"), body)

    # ------------------------------------------------------------------ history and files

    async def history(
        self, max_items: int | None = None, offset: int | None = None
    ) -> list[HistoryItem]:
        """Finished prompts, oldest first. ``max_items=None`` fetches everything; page instead."""
        params = {}
        if max_items is not None:
            params["max_items"] = str(int(max_items))
        if offset is not None:
            params["offset"] = str(int(offset))
        url = self._http.api_url("history")
        return parse_history(await self._http.get_json(url, params=params), str(url))

    async def history_item(self, prompt_id: str) -> HistoryItem | None:
        """The finished prompt, or None while unknown or still queued/running (``{}``)."""
        url = self._http.api_url("history", prompt_id)
        body = await self._http.get_json(url)
        if not isinstance(body, dict):
            raise ProtocolError("history is not a JSON object", str(url))
        if not body:
            return None
        raw = body.get(prompt_id, next(iter(body.values())))
        return parse_history_item(prompt_id, raw)

    @staticmethod
    def _view_params(ref: ImageRef, preview: str | None = None) -> dict[str, str]:
        params = {"filename": ref.filename, "subfolder": ref.subfolder, "type": ref.type}
        if preview:
            params["preview"] = preview
        return params

    async def view(
        self, ref: ImageRef, *, preview: str | None = None, prompt_id: str | None = None
    ) -> bytes:
        """The file's bytes (at most ``max_download``); ``preview`` like ``"webp;80"`` asks
        the server to re-encode. Use ``download`` for results to keep. ``prompt_id`` names the
        job that made the file; one server needs no such hint (a farm asks the one that ran
        the job)."""
        del prompt_id
        url = self._http.api_url("view")
        return await self._http.read_capped(url, self._view_params(ref, preview))

    async def download(
        self, ref: ImageRef, directory: Path, *, prompt_id: str | None = None
    ) -> Path:
        """Stream the file into a new hidden temp file in ``directory`` (size-capped, with an
        inactivity timeout rather than a total one) and return it; the caller owns it.
        ``prompt_id``: as for :meth:`view`."""
        del prompt_id
        url = self._http.api_url("view")
        return await self._http.download(url, directory, self._view_params(ref))

    async def upload_image(
        self,
        data: bytes,
        filename: str,
        *,
        subfolder: str = "",
        overwrite: bool = False,
        folder_type: str = "input",
    ) -> ImageRef:
        """Upload a file for LoadImage & co. The server may rename it (``name (1).png``);
        the returned ref holds the name to put into the prompt."""
        form = self._upload_form(data, filename, subfolder, overwrite, folder_type)
        return await self._upload("image", form)

    async def upload_mask(
        self,
        data: bytes,
        filename: str,
        original: ImageRef,
        *,
        subfolder: str = "",
        overwrite: bool = False,
    ) -> ImageRef:
        """Upload a mask: the server copies ``data``'s alpha into ``original``."""
        form = self._upload_form(data, filename, subfolder, overwrite, "input")
        ref = {"filename": original.filename, "subfolder": original.subfolder}
        form.add_field("original_ref", json.dumps({**ref, "type": original.type}))
        return await self._upload("mask", form)

    @staticmethod
    def _upload_form(
        data: bytes, filename: str, subfolder: str, overwrite: bool, folder_type: str
    ) -> aiohttp.FormData:
        name = safe_upload_name(filename)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        # quote_fields=False: aiohttp would otherwise percent-encode the name and ComfyUI keeps
        # the "%20" literally (05-upload-img2img/upload_image.json).
        form = aiohttp.FormData(quote_fields=False)
        form.add_field("image", data, filename=name, content_type=content_type)
        form.add_field("type", folder_type)
        form.add_field("subfolder", subfolder)
        form.add_field("overwrite", "true" if overwrite else "false")
        return form

    async def _upload(self, kind: str, form: aiohttp.FormData) -> ImageRef:
        reply = await self._http.fetch("POST", self._http.api_url("upload", kind), data=form)
        reply.raise_for_status()
        body = reply.json()
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise ProtocolError("upload answer has no file name", reply.url)
        return ImageRef(
            filename=body["name"],
            subfolder=str(body.get("subfolder") or ""),
            type=str(body.get("type") or "input"),
        )

    # ------------------------------------------------------------------ template library

    async def template_index(self, locale: str = "") -> tuple[TemplateCategory, ...] | None:
        """The server's template library by category; None when it has none (404: an
        older or stripped-down server), which is a state, not an error. With ``locale``
        (``"zh"``) the translated ``index.<locale>.json`` is read when the server has it."""
        files = ["index.json"]
        if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z]{2,4})?", locale):
            files.insert(0, f"index.{locale}.json")
        for file in files:
            reply = await self._http.fetch("GET", self._http.url("templates", file))
            if reply.status == 404:
                continue
            reply.raise_for_status()
            return parse_template_index(reply.json(), reply.url)
        return None

    async def template_workflow(self, name: str) -> dict[str, Any]:
        """A template's workflow (UI format, as the web editor saves it)."""
        url = self._http.url("templates", self._template_file(name, f"{name}.json"))
        body = await self._http.get_json(url)
        if not isinstance(body, dict):
            raise ProtocolError("template is not a JSON object", self._http.redact(url))
        return body

    async def template_thumbnail(self, template: Template) -> bytes | None:
        """The template's picture (encoded bytes), or None when the server has none."""
        file = self._template_file(template.name, template.thumbnail_file)
        reply = await self._http.fetch("GET", self._http.url("templates", file))
        if reply.status == 404:
            return None
        reply.raise_for_status()
        if looks_like_html(reply.content_type, reply.body):
            raise AuthenticationRequired(reply.url, reply.status)
        return reply.body

    def _template_file(self, name: str, file: str) -> str:
        if not is_safe_template_name(name):
            raise ProtocolError(f"“{name}” is not a template name", self.base_url)
        return file

    # ------------------------------------------------------------------ events

    def events(self, *, preview_metadata: bool = True) -> EventStream:
        """A new reconnecting WebSocket stream for this client id (iterate it; close it)."""
        stream = EventStream(
            self._http,
            self.client_id,
            preview_metadata=preview_metadata,
            on_closed=self._streams.discard,
        )
        self._streams.add(stream)
        return stream


async def probe(
    base_url: str, *, client_id: str | None = None, **reach: Unpack[TransportOptions]
) -> SystemStats:
    """Check that a ComfyUI answers at ``base_url`` (connection dialog "Test")."""
    async with ComfyClient(base_url, client_id=client_id, **reach) as client:
        return await client.system_stats()
