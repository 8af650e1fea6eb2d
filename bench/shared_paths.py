"""Paths to the shared recordings and sample workflows (next to the repository)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
_PACKAGED = REPO / "desktop" / "demo" / "data" / "object_info.json"
RECORDED_OBJECT_INFO = (
    SHARED / "comfyui-captures" / "00-server-info" / "object_info.json"
    if (SHARED / "comfyui-captures").is_dir()
    else _PACKAGED
)
WORKFLOWS = SHARED / "workflows"
