"""Every workflow of ComfyUI's own template library opens against the server it ships with.

The templates come from the ``comfyui-workflow-templates`` packages on PyPI (see
tests/data/README.md): 0.1.94 is the library of ComfyUI 0.3.64, 0.7.67 (with its -media-*
parts) the library of ComfyUI 0.8.0. Each is converted against the ``/object_info`` recorded
from the matching server. A template either opens (an API prompt whose every input name and
link fits the server's node definitions) or needs node classes that server lacks (API nodes of
a newer release), which ``MissingNodesError`` names. None may be refused. The counts are the
ones docs/UI-FORMAT.md reports.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import pytest

from desktop.comfy.object_info import NodeDef, ObjectInfo
from desktop.workflow.web_convert import ConversionError, MissingNodesError, convert_ui_workflow
from desktop.workflow.web_widgets import editor_inputs
from tests.conftest import shared_path
from tests.unit.test_ui_convert_support import resize_workflow

# (template library version, recording of the server that ships it, opened, needs nodes)
LIBRARIES = [
    ("0.1.94", "comfyui-captures", 156, 13),
    ("0.7.67", "comfyui-captures-0.8", 187, 33),
]


@cache
def object_info(recording: str) -> ObjectInfo:
    path = shared_path(recording, "00-server-info", "object_info.json")
    return ObjectInfo(json.loads(path.read_text(encoding="utf-8")))


def templates(version: str) -> Iterator[tuple[str, dict[str, Any]]]:
    with tarfile.open(shared_path("templates", version, "workflows.tar.xz"), "r:xz") as tar:
        for member in tar.getmembers():
            file = tar.extractfile(member)
            assert file is not None
            yield member.name, json.loads(file.read())


def input_names(node_def: NodeDef) -> set[str]:
    """Names the editor may send for this class: its inputs, the widgets the editor adds,
    and the ``combo.child`` inputs of V3 dynamic combos."""
    names = {i.name for i in editor_inputs(node_def)}
    for inp in node_def.inputs:
        for children in (inp.dynamic_options or {}).values():
            names.update(child.name for child in children)
    return names


def check_prompt(prompt: Mapping[str, dict], info: ObjectInfo) -> list[str]:
    """What in the prompt does not fit the server's node definitions."""
    wrong = []
    for node_id, entry in prompt.items():
        node_def = info[entry["class_type"]]
        known = input_names(node_def)
        for name, value in entry["inputs"].items():
            if name not in known:
                wrong.append(f"{node_id} {entry['class_type']}: unknown input {name}")
            if isinstance(value, list):
                origin, slot = value
                if origin not in prompt:
                    wrong.append(f"{node_id}.{name}: link to missing node {origin}")
                elif slot >= len(info[prompt[origin]["class_type"]].outputs):
                    wrong.append(f"{node_id}.{name}: link to missing output {origin}[{slot}]")
    return wrong


@pytest.mark.parametrize(("version", "recording", "opened", "needs_nodes"), LIBRARIES)
def test_every_template_opens_or_names_the_nodes_the_server_lacks(
    version, recording, opened, needs_nodes
):
    info = object_info(recording)
    counts = {"opened": 0, "needs nodes": 0, "refused": 0}
    refused, misfits, lacking = [], [], []
    for name, workflow in templates(version):
        try:
            prompt = convert_ui_workflow(workflow, info, choose=lambda options: options[0])
        except MissingNodesError as err:
            counts["needs nodes"] += 1
            lacking += [t for t in err.node_types if t in info]  # must stay empty
            continue
        except ConversionError as err:
            counts["refused"] += 1
            refused.append(f"{name}: {err}")
            continue
        counts["opened"] += 1
        assert prompt, name
        misfits += [f"{name}: {m}" for m in check_prompt(prompt, info)]

    assert refused == []
    assert misfits == []
    assert lacking == []
    assert counts == {"opened": opened, "needs nodes": needs_nodes, "refused": 0}


def convert_template(version: str, recording: str, name: str) -> dict[str, dict]:
    workflow = next(w for n, w in templates(version) if n == name)
    return convert_ui_workflow(workflow, object_info(recording), choose=lambda o: o[0])


def test_save_glb_sends_the_image_widget_the_editor_adds():
    prompt = convert_template("0.1.94", "comfyui-captures", "3d_hunyuan3d-v2.1.json")

    [save] = [e for e in prompt.values() if e["class_type"] == "SaveGLB"]
    assert save["inputs"]["image"] == ""
    assert save["inputs"]["filename_prefix"] == "mesh/ComfyUI"


def test_an_older_save_missing_a_new_input_gets_its_default_on_0_8():
    # Saved before ImageScaleToTotalPixels gained resolution_steps (default 1) in 0.8.
    for name, workflow in templates("0.7.67"):
        for node in workflow["nodes"]:
            if node["type"] == "ImageScaleToTotalPixels" and len(node["widgets_values"]) == 2:
                prompt = convert_template("0.7.67", "comfyui-captures-0.8", name)
                inputs = prompt[str(node["id"])]["inputs"]
                assert inputs["resolution_steps"] == 1
                assert [inputs["upscale_method"], inputs["megapixels"]] == node["widgets_values"]
                return
    pytest.fail("no template saved ImageScaleToTotalPixels with two values")


@pytest.mark.parametrize(
    ("saved", "sent"),
    [
        (
            ["scale dimensions", 1280, 720, "center", "lanczos"],
            {
                "resize_type": "scale dimensions",
                "resize_type.width": 1280,
                "resize_type.height": 720,
                "resize_type.crop": "center",
                "scale_method": "lanczos",
            },
        ),
        (
            ["scale by multiplier", 1.5, "area"],
            {
                "resize_type": "scale by multiplier",
                "resize_type.multiplier": 1.5,
                "scale_method": "area",
            },
        ),
        # An option this server does not have shows no child widgets in the editor.
        (["scale to nowhere", "area"], {"resize_type": "scale to nowhere", "scale_method": "area"}),
    ],
)
def test_dynamic_combo_children_are_sent_under_the_editors_names_on_0_8(saved, sent):
    # As 0.7.67's video_ltx2_canny_to_video.json saves it (that template needs LTX audio nodes
    # the 0.8.0 recording lacks, so the node is converted on its own here).
    workflow = resize_workflow(saved)

    prompt = convert_ui_workflow(workflow, object_info("comfyui-captures-0.8"))

    assert prompt["2"]["inputs"] == {**sent, "input": ["1", 0]}
