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
