"""The UI → API converter against prompts the web editor itself produced."""

from __future__ import annotations

import copy
import json

import pytest

from desktop.workflow.errors import WorkflowError
from desktop.workflow.web_convert import (
    ConversionError,
    ConversionProblem,
    convert_ui_workflow,
    is_ui_workflow,
)
from tests.conftest import shared_path
from tests.unit.test_ui_convert_support import (
    SAMPLES,
    expected,
    object_info_08,
    recorded_object_info,
    sample,
)


@pytest.fixture(scope="module")
def object_info():
    return recorded_object_info()


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_converts_exactly_like_the_web_editor(name, object_info):
    result = convert_ui_workflow(sample(name), object_info)

    assert result == expected(name)
    # Same key order as the editor's export (integer ids ascending, then subgraph ids).
    assert list(result) == list(expected(name))


@pytest.mark.parametrize("name", SAMPLES)
def test_raw_object_info_mapping_is_accepted(name, object_info):
    assert convert_ui_workflow(sample(name), object_info.raw) == expected(name)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_converts_the_same_against_the_0_8_server(name, object_info):
    # Twin of the test above, which uses the 0.3.64 recording the expectations were made with.
    # Against 0.8.0's node definitions the prompt is the same, plus the inputs 0.8 added to a
    # node (ImageScaleToTotalPixels.resolution_steps), which the editor fills with defaults.
    newer = object_info_08()

    result = convert_ui_workflow(sample(name), newer)

    assert list(result) == list(expected(name))
    for node_id, entry in expected(name).items():
        got = result[node_id]
        added = {k: v for k, v in got["inputs"].items() if k not in entry["inputs"]}
        assert {k: v for k, v in got["inputs"].items() if k not in added} == entry["inputs"]
        assert {**got, "inputs": entry["inputs"]} == entry
        for input_name, value in added.items():
            assert object_info[entry["class_type"]].input(input_name) is None
            assert value == newer[entry["class_type"]].input(input_name).default


def _as_schema_1(doc: dict) -> dict:
    """The same graph in workflow schema 1.0: object links and a state block."""
    doc = copy.deepcopy(doc)
    keys = ("id", "origin_id", "origin_slot", "target_id", "target_slot", "type")
    doc["links"] = [dict(zip(keys, link, strict=True)) for link in doc["links"]]
    doc["state"] = {"lastNodeId": doc.pop("last_node_id"), "lastLinkId": doc.pop("last_link_id")}
    doc["version"] = 1
    return doc


@pytest.mark.parametrize("name", ["lora", "sdxl_refiner_prompt_example", "hidream_e1_full"])
def test_schema_1_links_as_objects_convert_the_same(name, object_info):
    assert convert_ui_workflow(_as_schema_1(sample(name)), object_info) == expected(name)


def test_is_ui_workflow_tells_the_formats_apart():
    api = json.loads(shared_path("workflows", "api", "img2img_loadimage.json").read_text("utf-8"))

    assert is_ui_workflow(sample("default"))
    assert is_ui_workflow({"nodes": [], "version": 1, "state": {}})
    assert not is_ui_workflow(api)
    assert not is_ui_workflow(expected("default"))
    assert not is_ui_workflow({"nodes": {}, "links": []})
    assert not is_ui_workflow([])
    assert not is_ui_workflow(None)


def test_api_prompt_is_refused_with_a_conversion_error(object_info):
    with pytest.raises(ConversionError) as caught:
        convert_ui_workflow(expected("default"), object_info)

    assert caught.value.problems == (
        ConversionProblem("", "", "this is not a workflow saved by ComfyUI's web editor"),
    )


def test_conversion_error_is_a_workflow_error_with_one_actionable_sentence(object_info):
    doc = sample("default")
    doc["nodes"][0]["type"] = "NotInstalled"
    doc["nodes"][1]["widgets_values"] = {"text": "x"}

    with pytest.raises(ConversionError) as caught:
        convert_ui_workflow(doc, object_info)

    err = caught.value
    assert isinstance(err, WorkflowError)
    assert [(p.node_id, p.node_type) for p in err.problems] == [
        ("6", "CLIPTextEncode"),
        ("7", "NotInstalled"),
    ]
    assert "saved by name" in err.problems[0].message
    assert "not installed on the server" in err.problems[1].message
    text = str(err)
    assert text.startswith("2 problems stop this workflow from converting (first: node 6")
    assert "Export (API)" in text
    assert "\n" not in text
