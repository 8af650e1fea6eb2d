"""``Backend``: what the jobs layer needs from something that runs workflows.

``ComfyClient`` (one ComfyUI server) is one implementation; ``desktop.farm.Farm`` (several
servers as one) is another. Both are structural: nothing here is subclassed. A backend that is
polled instead of streamed (a hosted service) fits too: its ``events()`` yields the same
typed events, made from what its polling sees. See docs/ARCHITECTURE.md, "The backend seam".

Rules every implementation keeps:

- ``submit`` uses the ``prompt_id`` it is given (the jobs layer chooses it), so a job keeps
  one id wherever it runs.
- ``events()`` yields ``desktop.comfy.messages`` events; job messages carry the prompt id of
  a job of this backend's ``client_id``. ``Connected``/``Disconnected`` describe the backend
  as a whole (a farm is connected while any of its servers is).
- ``history_item``/``view``/``download``/``delete_queued``/``interrupt`` act only on the
  given prompt ids (``interrupt(prompt_id=None)`` is never used by the jobs layer).
- Errors are the ``desktop.comfy.errors`` tree.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from desktop.comfy.messages import StreamEvent
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.types import HistoryItem, ImageRef, QueueSnapshot, SubmitResult, SystemStats


class EventSource(Protocol):
    """An endless, reconnecting iteration of events; ``close()`` ends it."""

    def __aiter__(self) -> AsyncIterator[StreamEvent]: ...

    def reconnect_now(self) -> None: ...

    async def close(self) -> None: ...


class Backend(Protocol):
    """Runs workflows: capabilities, submit/cancel/interrupt, events, results, uploads."""

    base_url: str  # where the jobs are recorded as running (journal, library)
    client_id: str

    # capabilities and health
    async def system_stats(self) -> SystemStats: ...

    async def object_info(self) -> ObjectInfo: ...

    # jobs
    async def submit(
        self,
        prompt: Mapping[str, Any],
        *,
        workflow: Any = None,
        extra_data: Mapping[str, Any] | None = None,
        front: bool = False,
        prompt_id: str | None = None,
    ) -> SubmitResult: ...

    async def queue(self) -> QueueSnapshot: ...

    async def delete_queued(self, prompt_ids: Sequence[str]) -> None: ...

    async def interrupt(self, prompt_id: str | None = None) -> None: ...

    # results and inputs
    async def history_item(self, prompt_id: str) -> HistoryItem | None: ...

    async def view(
        self, ref: ImageRef, *, preview: str | None = None, prompt_id: str | None = None
    ) -> bytes: ...

    async def download(
        self, ref: ImageRef, directory: Path, *, prompt_id: str | None = None
    ) -> Path: ...

    async def upload_image(
        self,
        data: bytes,
        filename: str,
        *,
        subfolder: str = "",
        overwrite: bool = False,
        folder_type: str = "input",
    ) -> ImageRef: ...

    # events and lifecycle
    def events(self, *, preview_metadata: bool = True) -> EventSource: ...

    async def close(self) -> None: ...
