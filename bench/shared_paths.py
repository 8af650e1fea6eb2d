"""Paths to the recordings and sample workflows kept with the tests (tests/data/)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
RECORDED_OBJECT_INFO = DATA / "comfyui-captures" / "00-server-info" / "object_info.json"
WORKFLOWS = DATA / "workflows"
