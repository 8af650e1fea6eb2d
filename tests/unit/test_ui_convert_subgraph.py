"""Subgraph flattening: execution ids, promoted widgets, inputs and outputs across the boundary."""

from __future__ import annotations

import copy

import pytest

from desktop.workflow.web_convert import ConversionError, convert_ui_workflow
from tests.unit.test_ui_convert_support import (
    UiGraphBuilder,
    expected,
    recorded_object_info,
    sample,
)

CONTROLNET = "image_qwen_image_instantx_controlnet"
LOTUS = "ef3b4b73-ce32-4a60-a60e-d7f278bf6b14"


@pytest.fixture(scope="module")
def info():
    return recorded_object_info()


def _node(doc: dict, node_id: int) -> dict:
    return next(n for n in doc["nodes"] if n["id"] == node_id)


def _problems(doc: dict, info) -> list[tuple[str, str, str]]:
    with pytest.raises(ConversionError) as caught:
        convert_ui_workflow(doc, info)
    return [(p.node_id, p.node_type, p.message) for p in caught.value.problems]


def test_promoted_widget_values_come_from_the_instance(info):
    doc = sample(CONTROLNET)
    _node(doc, 106)["widgets_values"] = ["other-vae.safetensors", "lotus.safetensors", 5000, "ddim"]

    result = convert_ui_workflow(doc, info)

    assert result["106:89"]["inputs"] == {"vae_name": "other-vae.safetensors"}
    assert result["106:87"]["inputs"] == {
        "unet_name": "lotus.safetensors",
        "weight_dtype": "default",
    }
    assert result["106:101"]["inputs"] == {"sigma": 5000, "sigmas": ["106:95", 0]}
    assert result["106:100"]["inputs"] == {"sampler_name": "ddim"}


def test_instance_without_saved_values_uses_the_inner_widgets(info):
    doc = sample(CONTROLNET)
    del _node(doc, 106)["widgets_values"]
    sub = doc["definitions"]["subgraphs"][0]
    next(n for n in sub["nodes"] if n["id"] == 101)["widgets_values"] = [123]

    result = convert_ui_workflow(doc, info)

    assert result["106:101"]["inputs"]["sigma"] == 123


def test_a_linked_subgraph_input_overrides_the_promoted_widget(info):
    doc = sample(CONTROLNET)
    doc["nodes"].append(
        {
            "id": 200,
            "type": "PrimitiveFloat",
            "mode": 0,
            "inputs": [],
            "outputs": [{"name": "FLOAT", "type": "FLOAT", "links": [900]}],
            "widgets_values": [42.5],
        }
    )
    _node(doc, 106)["inputs"].append(
        {"name": "sigma", "type": "FLOAT", "widget": {"name": "sigma"}, "link": 900}
    )
    doc["links"].append([900, 200, 0, 106, 1, "FLOAT"])

    result = convert_ui_workflow(doc, info)

    assert result["106:101"]["inputs"] == {"sigma": ["200", 0], "sigmas": ["106:95", 0]}
    assert result["200"]["inputs"] == {"value": 42.5}


def test_each_instance_of_a_definition_gets_its_own_ids(info):
    doc = sample(CONTROLNET)
    copy_node = copy.deepcopy(_node(doc, 106))
    copy_node.update(id=300, widgets_values=["v.safetensors", "u.safetensors", 7, "euler"])
    copy_node["inputs"][0]["link"] = 901
    copy_node["outputs"][0]["links"] = [902]
    doc["nodes"].append(copy_node)
    doc["nodes"].append(
        {
            "id": 301,
            "type": "PreviewImage",
            "mode": 0,
            "inputs": [{"name": "images", "type": "IMAGE", "link": 902}],
            "outputs": [],
        }
    )
    _node(doc, 75)["outputs"][0]["links"].append(901)
    doc["links"] += [[901, 75, 0, 300, 0, "IMAGE"], [902, 300, 0, 301, 0, "IMAGE"]]

    result = convert_ui_workflow(doc, info)

    first = expected(CONTROLNET)
    assert {k: v for k, v in result.items() if not k.startswith("30")} == first
    assert result["301"]["inputs"] == {"images": ["300:99", 0]}
    assert result["300:97"]["inputs"] == {"pixels": ["75", 0], "vae": ["300:89", 0]}
    assert result["300:101"]["inputs"]["sigma"] == 7
    assert result["300:89"]["inputs"] == {"vae_name": "v.safetensors"}


def test_unconnected_subgraph_output_leaves_consumers_unconnected(info):
    doc = sample(CONTROLNET)
    doc["definitions"]["subgraphs"][0]["outputs"][0]["linkIds"] = []

    result = convert_ui_workflow(doc, info)

    assert result["73"]["inputs"] == {}
    assert "image" not in result["85"]["inputs"]


def _nested_doc() -> dict:
    """Root instance 20 of "outer", which holds instance 5 of "inner" (one VAELoader)."""
    inner = {
        "id": "inner",
        "name": "Inner",
        "inputs": [{"id": "i1", "name": "vae_name", "type": "COMBO", "linkIds": [1]}],
        "outputs": [{"id": "o1", "name": "VAE", "type": "VAE", "linkIds": [2]}],
        "nodes": [
            {
                "id": 1,
                "type": "VAELoader",
                "mode": 0,
                "inputs": [
                    {"name": "vae_name", "type": "COMBO", "widget": {"name": "vae_name"}, "link": 1}
                ],
                "outputs": [{"name": "VAE", "type": "VAE", "links": [2]}],
                "widgets_values": ["inner.safetensors"],
            },
        ],
        "links": [
            {
                "id": 1,
                "origin_id": -10,
                "origin_slot": 0,
                "target_id": 1,
                "target_slot": 0,
                "type": "COMBO",
            },
            {
                "id": 2,
                "origin_id": 1,
                "origin_slot": 0,
                "target_id": -20,
                "target_slot": 0,
                "type": "VAE",
            },
        ],
    }
    outer = {
        "id": "outer",
        "name": "Outer",
        "inputs": [],
        "outputs": [{"id": "o2", "name": "VAE", "type": "VAE", "linkIds": [3]}],
        "nodes": [
            {
                "id": 5,
                "type": "inner",
                "mode": 0,
                "inputs": [],
                "outputs": [{"name": "VAE", "type": "VAE", "links": [3]}],
                "widgets_values": ["chosen.safetensors"],
            },
        ],
        "links": [
            {
                "id": 3,
                "origin_id": 5,
                "origin_slot": 0,
                "target_id": -20,
                "target_slot": 0,
                "type": "VAE",
            },
        ],
    }
    g = UiGraphBuilder()
    g.node(20, "outer", outputs=("VAE",))
    g.node(30, "VAEDecode", [], inputs=(("samples", "LATENT"), ("vae", "VAE")))
    g.link(20, 0, 30, "vae")
    g.subgraphs += [inner, outer]
    return g.doc()


def test_nested_subgraphs_get_colon_joined_ids(info):
    assert convert_ui_workflow(_nested_doc(), info) == {
        "30": {
            "inputs": {"vae": ["20:5:1", 0]},
            "class_type": "VAEDecode",
            "_meta": {"title": "VAE Decode"},
        },
        "20:5:1": {
            "inputs": {"vae_name": "chosen.safetensors"},
            "class_type": "VAELoader",
            "_meta": {"title": "Load VAE"},
        },
    }


def test_subgraph_that_contains_itself_is_reported(info):
    doc = _nested_doc()
    doc["definitions"]["subgraphs"][0]["nodes"][0]["type"] = "outer"

    problems = _problems(doc, info)

    assert ("20:5:1", "outer", "subgraph “Outer” contains itself") in problems


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"widgets_values": ["only-one"]}, "it has 1 widget values but the subgraph promotes 4"),
        (
            {"properties": {"proxyWidgets": [["-1", "vae_name"]]}, "widgets_values": "x"},
            "its widget values are malformed",
        ),
    ],
)
def test_instances_that_cannot_be_mapped_are_reported(info, change, message):
    doc = sample(CONTROLNET)
    _node(doc, 106).update(change)

    problems = _problems(doc, info)

    assert [p[:2] for p in problems] == [("106", LOTUS)]
    assert message in problems[0][2]


def _set_mode(doc: dict, mode: int) -> None:
    """Mute or bypass instance 106 as the editor does: its inner nodes take the same mode."""
    _node(doc, 106)["mode"] = mode
    for inner in doc["definitions"]["subgraphs"][0]["nodes"]:
        inner["mode"] = mode


def test_a_bypassed_subgraph_is_routed_around_like_a_bypassed_node(info):
    doc = sample(CONTROLNET)
    _set_mode(doc, 4)

    result = convert_ui_workflow(doc, info)

    assert not [k for k in result if k.startswith("106:")]
    # Its IMAGE output now comes from what fed its IMAGE input (node 75).
    assert result["73"]["inputs"]["images"] == ["75", 0]


def test_a_muted_subgraph_sends_nothing_and_its_consumers_lose_the_link(info):
    doc = sample(CONTROLNET)
    _set_mode(doc, 2)

    result = convert_ui_workflow(doc, info)

    assert not [k for k in result if k.startswith("106:")]
    assert "images" not in result["73"]["inputs"]


def test_proxy_widgets_take_promoted_values_from_the_instance_in_proxy_order(info):
    doc = sample(CONTROLNET)
    node = _node(doc, 106)
    # Newer editors: one value per proxy entry; "-1" names the instance's promoted widget,
    # other ids show an inner node's widget whose value stays in the definition.
    node["properties"] = {
        "proxyWidgets": [["-1", "sigma"], ["100", "sampler_name"], ["-1", "vae_name"]]
    }
    node["widgets_values"] = [777, "ignored", "proxy-vae.safetensors"]

    result = convert_ui_workflow(doc, info)

    assert result["106:101"]["inputs"]["sigma"] == 777
    assert result["106:89"]["inputs"] == {"vae_name": "proxy-vae.safetensors"}
    assert result["106:100"]["inputs"] == {"sampler_name": "euler"}
