"""Frozen values returned by the protocol client, parsed from the shapes in the recordings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ImageFolder = Literal["output", "input", "temp"]


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A file the server can serve through ``/view``. ``filename`` is never a path."""

    filename: str
    subfolder: str = ""
    type: str = "output"

    @classmethod
    def from_json(cls, data: Any) -> ImageRef | None:
        if not isinstance(data, dict) or not isinstance(data.get("filename"), str):
            return None
        return cls(
            filename=data["filename"],
            subfolder=str(data.get("subfolder") or ""),
            type=str(data.get("type") or "output"),
        )

    @property
    def is_temp(self) -> bool:
        return self.type == "temp"


def images_in_output(output: Any) -> tuple[ImageRef, ...]:
    """Every image-like item in one node's UI output (``images``, ``gifs``, …)."""
    if not isinstance(output, dict):
        return ()
    refs: list[ImageRef] = []
    for key, items in output.items():
        if key in ("text", "animated") or not isinstance(items, list):
            continue
        for item in items:
            ref = ImageRef.from_json(item)
            if ref is not None:
                refs.append(ref)
    return tuple(refs)


@dataclass(frozen=True, slots=True)
class Device:
    name: str
    type: str
    vram_total: int
    vram_free: int


@dataclass(frozen=True, slots=True)
class SystemStats:
    comfyui_version: str
    python_version: str
    pytorch_version: str
    os: str
    ram_total: int
    ram_free: int
    devices: tuple[Device, ...]
    raw: Any = None


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """``POST /prompt`` accepted the prompt. ``node_errors`` may still list failed outputs."""

    prompt_id: str
    number: float
    node_errors: tuple[Any, ...] = ()  # tuple[desktop.comfy.errors.NodeError, ...]


@dataclass(frozen=True, slots=True)
class QueueItem:
    number: float
    prompt_id: str
    prompt: Any
    extra_data: Any
    outputs_to_execute: tuple[str, ...]

    @property
    def client_id(self) -> str | None:
        if isinstance(self.extra_data, dict):
            value = self.extra_data.get("client_id")
            return str(value) if value is not None else None
        return None


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    """``pending`` is sorted by execution order (number, then prompt_id)."""

    running: tuple[QueueItem, ...]
    pending: tuple[QueueItem, ...]

    def position(self, prompt_id: str) -> int | None:
        """0 = running now, 1 = next, …; None when not in the queue."""
        ordered = self.running + self.pending
        for index, item in enumerate(ordered):
            if item.prompt_id == prompt_id:
                return index
        return None


@dataclass(frozen=True, slots=True)
class HistoryOutput:
    node_id: str
    images: tuple[ImageRef, ...]
    raw: Any = None


@dataclass(frozen=True, slots=True)
class HistoryItem:
    prompt_id: str
    number: float
    prompt: Any  # the API prompt as executed
    extra_data: Any
    outputs: tuple[HistoryOutput, ...]
    status_str: str  # "success" | "error" | "" (unknown)
    completed: bool
    messages: tuple[tuple[str, Any], ...]

    @property
    def interrupted(self) -> bool:
        return any(kind == "execution_interrupted" for kind, _ in self.messages)

    @property
    def error(self) -> Any:
        for kind, data in self.messages:
            if kind == "execution_error":
                return data
        return None

    @property
    def images(self) -> tuple[tuple[str, ImageRef], ...]:
        return tuple((o.node_id, ref) for o in self.outputs for ref in o.images)

    @property
    def workflow(self) -> Any:
        if isinstance(self.extra_data, dict):
            return (self.extra_data.get("extra_pnginfo") or {}).get("workflow")
        return None
