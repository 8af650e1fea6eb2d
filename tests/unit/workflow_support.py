"""Shared helpers for the workflow tests: the recorded server's node definitions and samples."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.document import Workflow
from desktop.workflow.sources import load_workflow
from tests.conftest import shared_path

API_DIR = shared_path("workflows", "api")
IMAGES_DIR = shared_path("workflows", "images")
UI_EXPECTED_DIR = shared_path("workflows", "ui-expected")
PNG_0 = IMAGES_DIR / "comfyui_png_with_prompt_and_workflow_0.png"
PNG_1 = IMAGES_DIR / "comfyui_png_with_prompt_and_workflow_1.png"
WEBP = IMAGES_DIR / "comfyui_animated_webp_with_exif_metadata.webp"


@functools.cache
def _raw_object_info() -> dict:
    path = shared_path("comfyui-captures", "00-server-info", "object_info.json")
    return json.loads(path.read_text(encoding="utf-8"))


def recorded_object_info() -> ObjectInfo:
    """A fresh ObjectInfo over the recorded server's (cached, never mutated) document."""
    return ObjectInfo(_raw_object_info())


def api_path(name: str) -> Path:
    return API_DIR / name


def load_api(name: str) -> Workflow:
    return load_workflow(API_DIR / name)


def load_expected_ui(name: str) -> Workflow:
    """An API prompt the web frontend produced from one of the UI samples."""
    return load_workflow(UI_EXPECTED_DIR / name)
