"""``TemplateLibrary``: the view-model of the server's template gallery.

It reads ``/templates/index.json`` once per gallery, then — a few at a time, in the order the
gallery asks — each template's picture (decoded off the GUI thread) and workflow (checked
against the server's node list off the GUI thread), so the gallery fills in and marks what
this server cannot run while the artist browses. Everything runs under one ``TaskOwner``:
:meth:`cancel` (the gallery closed) and :meth:`shutdown` stop it all.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Signal
from PySide6.QtGui import QImage

from desktop.base.read_only import ReadOnly
from desktop.comfy.errors import ComfyError
from desktop.comfy.templates import Template, TemplateCategory
from desktop.library.errors import ImageError
from desktop.ui.preview.decode import decode_async
from desktop.ui.tasks import TaskOwner
from desktop.workflow.template_check import TemplateCheck, check_template

if TYPE_CHECKING:
    from desktop.comfy.client import ComfyClient
    from desktop.comfy.object_info import ObjectInfo

log = logging.getLogger("comfydesk.ui")

THUMB_SIDE = 256
PARALLEL = 4  # requests to the server at once: fast, and fair to a server that is rendering


def index_locale() -> str:
    """The template index language for the UI language (ComfyUI ships ``index.zh.json``)."""
    return "zh" if QLocale().language() == QLocale.Language.Chinese else ""


class LibraryState(enum.Enum):
    IDLE = "idle"
    LOADING = "loading"
    READY = "ready"
    NONE = "none"  # the server has no template library (404)
    FAILED = "failed"
    OFFLINE = "offline"


class TemplateLibrary(QObject):
    """Signals: ``state_changed``; ``thumbnail_ready(name, QImage)``; ``checked(name)`` (read
    :meth:`check`); ``opened(name, TemplateCheck)`` when an asked-for template is ready."""

    state_changed = Signal()
    thumbnail_ready = Signal(str, QImage)
    checked = Signal(str)
    opened = Signal(str, object)

    def __init__(
        self,
        client: Callable[[], ComfyClient | None],
        object_info: Callable[[], ObjectInfo | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._object_info = object_info
        self._tasks = TaskOwner(self, area="ui", report_to_excepthook=False)
        self._limit = asyncio.Semaphore(PARALLEL)
        self._state = LibraryState.IDLE
        self._error = ""
        self._categories: tuple[TemplateCategory, ...] = ()
        self._checks: dict[str, TemplateCheck] = {}
        self._asked: set[str] = set()

    state: ReadOnly[LibraryState] = ReadOnly("_state")
    error: ReadOnly[str] = ReadOnly("_error")
    categories: ReadOnly[tuple[TemplateCategory, ...]] = ReadOnly("_categories")

    def templates(self) -> list[Template]:
        return [t for c in self._categories for t in c.templates]

    @property
    def running(self) -> int:
        """Requests still under way (pictures, checks, the index)."""
        return self._tasks.running

    def check(self, name: str) -> TemplateCheck | None:
        return self._checks.get(name)

    def _set_state(self, state: LibraryState, error: str = "") -> None:
        self._state, self._error = state, error
        self.state_changed.emit()

    # ------------------------------------------------------------------ loading

    def load(self) -> asyncio.Task[None] | None:
        client = self._client()
        if client is None or self._object_info() is None:
            self._set_state(LibraryState.OFFLINE)
            return None
        self._set_state(LibraryState.LOADING)
        return self._tasks.start(self._load(client), name="template index")

    async def _load(self, client: ComfyClient) -> None:
        try:
            categories = await client.template_index(index_locale())
        except ComfyError as err:
            log.warning("Could not read the template library: %s", err)
            self._set_state(LibraryState.FAILED, str(err))
            return
        if categories is None:
            self._set_state(LibraryState.NONE)
            return
        self._categories = categories
        self._set_state(LibraryState.READY)

    def request(self, names: list[str]) -> None:
        """Fetch the pictures and checks of ``names`` (in this order, a few at a time)."""
        client, info = self._client(), self._object_info()
        if client is None or info is None:
            return
        by_name = {t.name: t for t in self.templates()}
        for name in names:
            template = by_name.get(name)
            if template is None or name in self._asked:
                continue
            self._asked.add(name)
            self._tasks.start(self._fetch(client, info, template), name="template")

    async def _fetch(self, client: ComfyClient, info: ObjectInfo, template: Template) -> None:
        async with self._limit:
            await self._thumbnail(client, template)
            await self._check(client, info, template)

    async def _thumbnail(self, client: ComfyClient, template: Template) -> None:
        try:
            data = await client.template_thumbnail(template)
            if data is None:
                return
            image = await decode_async(data, THUMB_SIDE)
        except (ComfyError, ImageError) as err:
            log.info("No picture for template %s: %s", template.name, err)
            return
        self.thumbnail_ready.emit(template.name, image)

    async def _check(self, client: ComfyClient, info: ObjectInfo, template: Template) -> None:
        try:
            ui = await client.template_workflow(template.name)
            result = await asyncio.to_thread(check_template, ui, info, template.title)
        except ComfyError as err:
            result = TemplateCheck(None, problem=str(err))
        self._checks[template.name] = result
        self.checked.emit(template.name)

    def open(self, name: str) -> asyncio.Task[None] | None:
        """Emit ``opened`` with the template's check once it is known (fetching it now)."""
        known = self._checks.get(name)
        if known is not None:
            self.opened.emit(name, known)
            return None
        client, info = self._client(), self._object_info()
        template = next((t for t in self.templates() if t.name == name), None)
        if client is None or info is None or template is None:
            return None
        return self._tasks.start(self._open(client, info, template), name="open template")

    async def _open(self, client: ComfyClient, info: ObjectInfo, template: Template) -> None:
        if template.name not in self._checks:
            await self._check(client, info, template)
        self.opened.emit(template.name, self._checks[template.name])

    async def cancel(self) -> None:
        """Stop every request (the gallery closed); the next :meth:`load` starts afresh."""
        await self._tasks.shutdown()
        self._tasks = TaskOwner(self, area="ui", report_to_excepthook=False)
        self._asked.clear()
        self._checks.clear()

    async def shutdown(self) -> None:
        await self._tasks.shutdown()
