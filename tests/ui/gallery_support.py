"""Helpers for the gallery widget tests: small PNGs carrying their prompt, a filled library,
and a GalleryView that is shut down properly."""

from __future__ import annotations

import asyncio
import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pytestqt.qtbot import QtBot

from desktop.library import Library, LibraryItem
from desktop.ui.gallery.view import GalleryView
from tests.conftest import shared_path

WORKFLOW_FILE = shared_path("workflows", "api", "txt2img_batch2_subfolder.json")
UI_WORKFLOW = {"last_node_id": 9, "nodes": [{"id": 9, "type": "SaveImage"}], "links": []}
WAIT = 20.0

# Offscreen Qt cannot raise/activate windows or pass size hints; harmless for these tests.
QT_NOISE = pytest.mark.qt_log_ignore(
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
    "This plugin does not support propagateSizeHints",
)


def prompt_for(seed: int, text: str = "a red fox in snow", *, steps: int = 20, cfg: float = 7.0,
               width: int = 64, height: int = 64) -> dict[str, Any]:  # fmt: skip
    prompt = copy.deepcopy(json.loads(WORKFLOW_FILE.read_text()))
    prompt["3"]["inputs"].update(seed=seed, steps=steps, cfg=cfg)
    prompt["5"]["inputs"].update(width=width, height=height, batch_size=1)
    prompt["6"]["inputs"]["text"] = text
    return prompt


def png(prompt: dict[str, Any], size: tuple[int, int], shade: int) -> bytes:
    info = PngInfo()
    info.add_text("prompt", json.dumps(prompt))
    out = io.BytesIO()
    Image.new("RGB", size, (shade % 256, 80, 160)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


async def add_picture(
    library: Library, n: int, text: str = "a red fox in snow", *, size: tuple[int, int] = (96, 64),
    seed: int | None = None, steps: int = 20, workflow: dict | None = UI_WORKFLOW,
) -> LibraryItem:  # fmt: skip
    prompt = prompt_for(n if seed is None else seed, text, steps=steps, width=size[0],
                        height=size[1])  # fmt: skip
    return await library.add_result(
        data=png(prompt, size, n * 37),
        server_filename=f"ComfyUI_{n:05d}_.png",
        prompt_id=f"prompt-{n}",
        server_url="http://127.0.0.1:8188",
        node_id="9",
        node_title="Save Image",
        prompt=prompt,
        workflow=workflow,
        created=1_700_000_000.0 + n * 60,
    )


async def until(check: Callable[[], Any], limit: float = WAIT) -> Any:
    """Poll in-process state (pumping Qt: the loop is qasync) until ``check()`` holds."""
    async with asyncio.timeout(limit):
        while True:
            value = check()
            if value:
                return value
            await asyncio.sleep(0.01)


class FakeTrash:
    """Stands in for Send2Trash so tests never touch the user's real trash."""

    def __init__(self) -> None:
        self.trashed: list[Path] = []

    def __call__(self, path: str) -> None:
        self.trashed.append(Path(path))
        Path(path).unlink()


async def open_view(qtbot: QtBot, library: Library) -> GalleryView:
    """A shown gallery over ``library``, its first page loaded."""
    view = GalleryView(library)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    await view.loaded()
    return view
