"""The connection in words: the bar's headline and detail, and one line per server (version,
GPU, free VRAM, queue) for the bar and the status bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from desktop.comfy.types import SystemStats
    from desktop.farm.state import ServerState


@dataclass(frozen=True)
class ConnectionText:
    headline: str
    detail: str
    reason: str  # the core's own sentence (English) when it adds something; else ""


def _gib(value: int) -> str:
    return f"{value / 1024**3:.1f}"


def gpu_name(raw: str) -> str:
    """``"cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync"`` -> ``"NVIDIA GeForce RTX 4090"``."""
    name = raw.split(" : ")[0].strip()
    first, _, rest = name.partition(" ")
    if rest and ":" in first:
        name = rest
    return name


def farm_summary(states: Sequence[ServerState]) -> str:
    """``gpu-1: ComfyUI 0.3.64 · RTX 4090 · … │ gpu-2: not answering``."""
    parts = []
    for state in states:
        if state.up:
            summary = server_summary(state.stats, state.queue_remaining)
        else:
            summary = QCoreApplication.translate("Connection", "not answering")
        parts.append(f"{state.name}: {summary}")
    return " │ ".join(parts)


def server_summary(stats: SystemStats | None, queue_remaining: int | None) -> str:
    """ "ComfyUI 0.3.64 · NVIDIA … · VRAM 20.1 of 24.0 GB free · Queue: 2"."""
    parts = []
    if stats is not None:
        parts.append(
            QCoreApplication.translate("Connection", "ComfyUI {version}").format(
                version=stats.comfyui_version or "?"
            )
        )
        if stats.devices:
            device = stats.devices[0]
            parts.append(gpu_name(device.name))
            if device.vram_total > 0:
                parts.append(
                    QCoreApplication.translate(
                        "Connection", "VRAM {free} of {total} GB free"
                    ).format(free=_gib(device.vram_free), total=_gib(device.vram_total))
                )
    if queue_remaining is not None:
        parts.append(
            QCoreApplication.translate("Connection", "Queue: {count}").format(count=queue_remaining)
        )
    return " · ".join(parts)
