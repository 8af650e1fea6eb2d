"""Shared pieces of the preview / queue / jobs view-model tests: a real ServerSession on the
demo server, wrapped in the real JobsViewModel."""

from __future__ import annotations

import gc
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from desktop.comfy.client import ComfyClient
from desktop.jobs.session import ServerSession
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.queue.panel import QueuePanel
from tests.protocol.jobs_support import WAIT, connected, make_session, running, txt2img, until

__all__ = [
    "WAIT",
    "collect_widgets",
    "job_prompt",
    "make_panel",
    "other_client",
    "running",
    "session_vm",
    "until",
]

QT_LOG_IGNORE = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",
)


def job_prompt(
    seed: int = 1, *, steps: int = 2, batch: int = 2, ckpt: str | None = None, size=(96, 64)
) -> dict[str, Any]:
    """The sample txt2img workflow with a 3:2 picture (so aspect mistakes show)."""
    prompt = txt2img(seed, steps=steps, batch=batch, ckpt=ckpt)
    prompt["5"]["inputs"]["width"], prompt["5"]["inputs"]["height"] = size
    return prompt


@asynccontextmanager
async def session_vm(
    url: str, tmp: Path, *, preview_metadata: bool = True
) -> AsyncIterator[tuple[ServerSession, JobsViewModel]]:
    session = make_session(url, tmp)
    if not preview_metadata:
        events = session.client.events
        session.client.events = lambda: events(preview_metadata=False)  # type: ignore[method-assign]
    vm = JobsViewModel()
    try:
        await session.start()
        await connected(session)
        vm.set_session(session)
        yield session, vm
    finally:
        await vm.shutdown()
        await session.close()


def make_panel(qtbot: Any, vm: JobsViewModel) -> QueuePanel:
    panel = QueuePanel(vm)
    qtbot.addWidget(panel)
    panel.resize(360, 600)
    panel.show()
    return panel


@asynccontextmanager
async def other_client(url: str) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(url, client_id=uuid.uuid4().hex) as client:
        yield client


@pytest.fixture
def collect_widgets() -> Iterator[None]:
    """Free widgets caught in signal-closure cycles on the GUI thread, not in a later test's
    worker thread (Qt warns about timers stopped from another thread)."""
    yield
    gc.collect()
