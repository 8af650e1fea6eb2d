"""The stand-in's tasks: a queue run one at a time, placeholder pictures, and the failure the
real service reports for an image input it does not have."""

from __future__ import annotations

import asyncio
import copy
import io
import itertools
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from desktop.demo import images
from desktop.demo.hosted.workflows import EXAMPLE_IMAGE

log = logging.getLogger("comfydesk.demo.hosted")

QUEUED, RUNNING, DONE, FAILED, NO_PERMISSION = 1, 2, 3, 4, 5
MAX_SIDE = 512  # placeholders stay small: the point is the protocol, not the pixels


@dataclass
class Task:
    task_id: str
    workflow_id: str
    api_key: str
    prompt: dict[str, Any]  # the published workflow with the submitted changes merged in
    status: int = QUEUED
    err_msg: str = ""
    # output node id -> object names on the storage host
    files: dict[str, list[str]] = field(default_factory=dict)
    created: float = field(default_factory=time.time)


def merge(published: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    prompt = copy.deepcopy(dict(published))
    for node_id, node in changes.items():
        prompt[node_id]["inputs"].update(copy.deepcopy(node["inputs"]))
    return prompt


def _picture(prompt: Mapping[str, Any], uploads: Mapping[str, bytes]) -> tuple[Any, int, bytes]:
    """Seed, size, text and init picture from the merged prompt (class-agnostic scan)."""
    seed, steps, width, height, batch, text = 0, 20, 512, 512, 1, ""
    init: bytes | None = None
    for node in prompt.values():
        inputs = node.get("inputs", {})
        for name, value in inputs.items():
            if isinstance(value, bool | list):
                continue
            if name in ("seed", "noise_seed") and isinstance(value, int):
                seed = value
            elif name == "steps" and isinstance(value, int):
                steps = value
            elif name in ("width", "height") and isinstance(value, int):
                width, height = (value, height) if name == "width" else (width, value)
            elif name == "batch_size" and isinstance(value, int):
                batch = max(1, min(4, value))
            elif name == "text" and isinstance(value, str) and not text:
                text = value
            elif name == "image" and node.get("class_type") == "LoadImage":
                init = uploads.get(value)
    scale = min(1.0, MAX_SIDE / max(width, height, 1))
    picture = images.Picture(
        max(8, int(width * scale)), max(8, int(height * scale)), seed, text, steps
    )
    return picture, batch, init or b""


def render_pngs(prompt: Mapping[str, Any], uploads: Mapping[str, bytes]) -> list[bytes]:
    """Runs in a thread: one PNG per batch item, with the prompt embedded like ComfyUI's."""
    picture, batch, init = _picture(prompt, uploads)
    result = []
    for index in range(batch):
        image = images.render(picture.for_batch_item(index))
        if init:
            with Image.open(io.BytesIO(init)) as source:
                image = Image.blend(source.convert("RGB").resize(image.size), image, 0.6)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", pnginfo=images.png_metadata(prompt, None))
        result.append(buffer.getvalue())
    return result


class TaskQueue:
    """Every task the stand-in knows, the queue, and the one worker that runs them."""

    def __init__(self, run_seconds: float = 1.0) -> None:
        self.tasks: dict[str, Task] = {}
        self.waiting: list[str] = []
        self.uploads: dict[str, bytes] = {}
        self.objects: dict[str, bytes] = {}  # storage host: object name -> bytes
        self.run_seconds = run_seconds
        self.fail_next: str | None = None
        self._held = False
        self._wake = asyncio.Event()
        self._counter = itertools.count(1)

    def add(self, task: Task) -> None:
        self.tasks[task.task_id] = task
        if task.status == QUEUED:
            self.waiting.append(task.task_id)
            self._wake.set()

    def position(self, task: Task) -> int:
        """1-based place among the waiting tasks; 0 once it runs."""
        return self.waiting.index(task.task_id) + 1 if task.task_id in self.waiting else 0

    def hold(self) -> None:
        """Keep every task queued (so a test can watch positions)."""
        self._held = True

    def release(self) -> None:
        self._held = False
        self._wake.set()

    def _known_image(self, name: Any) -> bool:
        return name == EXAMPLE_IMAGE or name in self.uploads

    def _check(self, task: Task) -> str:
        if self.fail_next is not None:
            message, self.fail_next = self.fail_next, None
            return message
        for node_id, node in task.prompt.items():
            if node.get("class_type") == "LoadImage":
                name = node["inputs"].get("image")
                if not self._known_image(name):
                    return f"Prompt outputs failed validation: LoadImage {node_id}: " + (
                        f"Invalid image file: {name}"
                    )
        return ""

    async def run_forever(self) -> None:
        while True:
            if self._held or not self.waiting:
                self._wake.clear()
                await self._wake.wait()
                continue
            task = self.tasks[self.waiting.pop(0)]
            task.status = RUNNING
            await asyncio.sleep(self.run_seconds)
            problem = self._check(task)
            if problem:
                task.status, task.err_msg = FAILED, problem
                continue
            try:
                pngs = await asyncio.to_thread(render_pngs, task.prompt, dict(self.uploads))
            except Exception as err:  # the stand-in reports what a real run would
                log.exception("placeholder for %s failed", task.task_id)
                task.status, task.err_msg = FAILED, f"{type(err).__name__}: {err}"
                continue
            outputs = [nid for nid, n in task.prompt.items() if n["class_type"] == "SaveImage"]
            for node_id in outputs:
                names = []
                for data in pngs:
                    name = f"{task.task_id}/ComfyUI_{next(self._counter):05d}_.png"
                    self.objects[name] = data
                    names.append(name)
                task.files[node_id] = names
            task.status = DONE


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}"
