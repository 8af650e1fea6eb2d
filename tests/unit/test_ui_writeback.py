"""The form's values written back into the editor's graph: converting the written graph gives
exactly the prompt that runs, or nothing is written."""

from __future__ import annotations

import json
from typing import Any

from desktop.workflow.document import Workflow
from desktop.workflow.sources import load_workflow
from desktop.workflow.web_convert import convert_ui_workflow
from desktop.workflow.web_writeback import GraphWriter, changed_values
from tests.conftest import shared_path
from tests.unit.workflow_support import recorded_object_info

OI = recorded_object_info()
UI = shared_path("workflows", "ui")


def opened(name: str) -> tuple[dict[str, Any], Workflow]:
    path = UI / name
    return json.loads(path.read_text(encoding="utf-8")), load_workflow(path, OI)


def inputs_of(prompt: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node_id: node["inputs"] for node_id, node in prompt.items()}


def reconverted(ui: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return inputs_of(convert_ui_workflow(ui, OI, choose=lambda options: options[0]))


def test_edited_values_land_in_the_widgets_the_editor_reads() -> None:
    ui, original = opened("default.json")
    edited = original.copy()
    edited.set("3", "steps", 31)
    edited.set("3", "seed", 2**63 + 5)
    edited.set("3", "sampler_name", "dpmpp_2m")
    edited.set("6", "text", "a lighthouse at dawn, oil painting")
    edited.set("4", "ckpt_name", "v1-5-pruned-emaonly.safetensors")
    edited.set("5", "width", 768)
    changes = changed_values(convert_ui_workflow(ui, OI), edited)
    assert changes is not None
    assert len(changes) == 6

    written = GraphWriter(ui, OI).write(edited)

    assert written is not None
    assert reconverted(written) == inputs_of(edited.to_prompt())
    ksampler = next(n for n in written["nodes"] if n["id"] == 3)
    saved = next(n for n in ui["nodes"] if n["id"] == 3)["widgets_values"]
    # The seed's companion (its control after generate) is left as the file had it.
    assert ksampler["widgets_values"][:4] == [2**63 + 5, saved[1], 31, 8]
    assert ui == json.loads((UI / "default.json").read_text(encoding="utf-8"))  # not mutated


def test_nothing_changed_keeps_the_graph_as_it_was() -> None:
    ui, original = opened("default.json")
    assert GraphWriter(ui, OI).write(original.copy()) == ui


def test_a_picture_whose_chunks_disagree_gets_the_values_that_ran() -> None:
    # This sample's prompt chunk has other values than its graph (width, seed, prompts...).
    path = shared_path("workflows", "images", "comfyui_png_with_prompt_and_workflow_0.png")
    original = load_workflow(path, OI)
    ui = original.ui_workflow
    assert ui is not None
    assert inputs_of(convert_ui_workflow(ui, OI)) != inputs_of(original.to_prompt())
    edited = original.copy()
    edited.set("3", "steps", 4)

    written = GraphWriter(ui, OI).write(edited)

    assert written is not None
    assert reconverted(written) == inputs_of(edited.to_prompt())


def test_a_primitive_feeding_several_widgets_is_written_only_when_all_agree() -> None:
    ui, original = opened("sdxl_simple_example.json")
    one = original.copy()
    one.set("10", "steps", 40)  # the "steps" primitive also feeds node 11
    assert GraphWriter(ui, OI).write(one) is None

    both = one.copy()
    both.set("11", "steps", 40)
    written = GraphWriter(ui, OI).write(both)
    assert written is not None
    primitive = next(n for n in written["nodes"] if n["id"] == 45)
    assert primitive["widgets_values"][0] == 40
    assert reconverted(written) == inputs_of(both.to_prompt())


def test_changes_the_editor_could_not_replay_drop_the_graph() -> None:
    ui, original = opened("default.json")
    rerolled = original.copy()
    rerolled.set("6", "text", "a {cat|dog} on a sofa")  # the editor would pick anew
    assert GraphWriter(ui, OI).write(rerolled) is None

    ui, original = opened("image_qwen_image_instantx_controlnet.json")
    inner = original.copy()
    inner_key = next(
        (node_id, name)
        for node_id, node in original.nodes.items()
        if ":" in node_id
        for name, value in node.inputs.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    )
    inner.set(*inner_key, original.get(*inner_key) + 1)  # a node inside a subgraph
    assert GraphWriter(ui, OI).write(inner) is None
