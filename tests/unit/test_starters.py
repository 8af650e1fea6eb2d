"""Starter workflows fitted to the recorded servers (ComfyUI 0.3.64 and 0.8.0)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from PIL import Image

from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.starters import (
    Note,
    StarterKind,
    adapt_starter,
    pick_checkpoint,
    starter,
    starters,
)
from tests.conftest import shared_path

VERSIONS = ("comfyui-captures", "comfyui-captures-0.8")


def recorded(version: str) -> dict[str, Any]:
    path = shared_path(version, "00-server-info", "object_info.json")
    return json.loads(path.read_text(encoding="utf-8"))


def with_choices(raw: dict[str, Any], class_type: str, name: str, choices: list[str]) -> ObjectInfo:
    raw = copy.deepcopy(raw)
    raw[class_type]["input"]["required"][name] = [choices, {}]
    return ObjectInfo(raw)


def test_every_starter_ships_a_workflow_and_a_picture() -> None:
    items = starters()
    assert [s.kind for s in items] == list(StarterKind)
    for item in items:
        assert json.loads(item.workflow_path.read_text(encoding="utf-8"))
        with Image.open(item.picture_path) as picture:
            assert picture.width > picture.height >= 100


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", [StarterKind.TEXT_TO_IMAGE, StarterKind.IMAGE_TO_IMAGE])
def test_recorded_server_runs_the_starter_with_its_sd15_checkpoint(
    version: str, kind: StarterKind
) -> None:
    info = ObjectInfo(recorded(version))
    adapted = adapt_starter(starter(kind), info)
    # The recorded server has "broken.safetensors" and "random-sd15.safetensors".
    assert adapted.checkpoint == "random-sd15.safetensors"
    assert adapted.notes == ()
    assert adapted.runnable, adapted.check.messages()
    loaders = [n for n in adapted.workflow.nodes.values() if n.class_type == "LoadImage"]
    assert all(n.inputs["image"] == "example.png" for n in loaders)


@pytest.mark.parametrize("version", VERSIONS)
def test_inpaint_uses_the_mask_of_the_loaded_picture(version: str) -> None:
    adapted = adapt_starter(starter(StarterKind.INPAINT), ObjectInfo(recorded(version)))
    assert adapted.runnable, adapted.check.messages()
    assert adapted.notes == (Note.MASK_FROM_ALPHA,)
    nodes = adapted.workflow.nodes
    (encode,) = [n for n in nodes.values() if n.class_type == "VAEEncodeForInpaint"]
    image_node, _ = encode.inputs["pixels"]
    assert encode.inputs["mask"] == [image_node, 1]  # LoadImage's MASK output (its alpha)


@pytest.mark.parametrize("version", VERSIONS)
def test_upscale_without_upscale_models_falls_back_to_a_plain_resize(version: str) -> None:
    adapted = adapt_starter(starter(StarterKind.UPSCALE), ObjectInfo(recorded(version)))
    assert adapted.notes == (Note.PLAIN_UPSCALE,)
    assert adapted.runnable, adapted.check.messages()
    classes = {n.class_type for n in adapted.workflow.nodes.values()}
    assert "UpscaleModelLoader" not in classes
    assert {"LoadImage", "ImageScaleBy", "SaveImage"} <= classes
    saved = next(n for n in adapted.workflow.nodes.values() if n.class_type == "SaveImage")
    scaled = adapted.workflow.nodes[saved.inputs["images"][0]]
    assert scaled.class_type == "ImageScaleBy"


@pytest.mark.parametrize("version", VERSIONS)
def test_upscale_uses_an_installed_upscale_model(version: str) -> None:
    info = with_choices(
        recorded(version),
        "UpscaleModelLoader",
        "model_name",
        ["4x-UltraSharp.pth", "RealESRGAN_x4plus.pth", "ldsr.ckpt"],
    )
    adapted = adapt_starter(starter(StarterKind.UPSCALE), info)
    assert adapted.notes == ()
    assert adapted.runnable, adapted.check.messages()
    loader = next(
        n for n in adapted.workflow.nodes.values() if n.class_type == "UpscaleModelLoader"
    )
    assert loader.inputs["model_name"] == "4x-UltraSharp.pth"


@pytest.mark.parametrize("version", VERSIONS)
def test_a_server_without_checkpoints_is_told_plainly(version: str) -> None:
    info = with_choices(recorded(version), "CheckpointLoaderSimple", "ckpt_name", [])
    adapted = adapt_starter(starter(StarterKind.TEXT_TO_IMAGE), info)
    assert adapted.notes == (Note.NO_CHECKPOINT,)
    assert adapted.checkpoint is None
    assert not adapted.runnable


def test_a_server_without_input_pictures_is_told_plainly() -> None:
    info = with_choices(recorded(VERSIONS[0]), "LoadImage", "image", [])
    adapted = adapt_starter(starter(StarterKind.IMAGE_TO_IMAGE), info)
    assert Note.NO_INPUT_IMAGE in adapted.notes
    assert not adapted.runnable


@pytest.mark.parametrize(
    ("choices", "kind", "expected"),
    [
        (
            ["flux1-dev-fp8.safetensors", "sd_xl_base_1.0.safetensors", "svd_xt.safetensors"],
            StarterKind.TEXT_TO_IMAGE,
            "sd_xl_base_1.0.safetensors",
        ),
        (
            ["512-inpainting-ema.safetensors", "v1-5-pruned-emaonly.safetensors"],
            StarterKind.TEXT_TO_IMAGE,
            "v1-5-pruned-emaonly.safetensors",
        ),
        (
            ["512-inpainting-ema.safetensors", "v1-5-pruned-emaonly.safetensors"],
            StarterKind.INPAINT,
            "512-inpainting-ema.safetensors",
        ),
        (
            ["sd_xl_refiner_1.0.safetensors", "mymodel.ckpt"],
            StarterKind.IMAGE_TO_IMAGE,
            "mymodel.ckpt",
        ),
        (["flux1-dev-fp8.safetensors"], StarterKind.TEXT_TO_IMAGE, "flux1-dev-fp8.safetensors"),
        ([], StarterKind.TEXT_TO_IMAGE, None),
    ],
)
def test_pick_checkpoint_prefers_a_suitable_kind(
    choices: list[str], kind: StarterKind, expected: str | None
) -> None:
    assert pick_checkpoint(choices, kind) == expected
