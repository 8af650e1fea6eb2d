from __future__ import annotations

import json

import pytest

from desktop.workflow.document import Workflow, is_link
from desktop.workflow.errors import InvalidWorkflow, WorkflowError
from tests.unit.workflow_support import api_path, load_api, recorded_object_info


def _prompt() -> dict:
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "a.safetensors"}},
        "2": {
            "class_type": "Custom",
            "inputs": {"tags": {"__value__": ["x", "y"]}, "model": ["1", 0]},
            "_meta": {"title": "My node", "note": "kept"},
            "is_changed": ["abc"],
        },
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["4", 0], True),
        (["12:5", 3], True),
        ([4, 0], False),
        (["4", "0"], False),
        (["4", True], False),
        (["4", 0, 1], False),
        ("4", False),
        ({"__value__": ["4", 0]}, False),
    ],
)
def test_is_link_accepts_only_string_id_and_int_slot(value: object, expected: bool) -> None:
    assert is_link(value) is expected
    assert Workflow.is_link(value) is expected


def test_nodes_get_and_titles() -> None:
    wf = Workflow(_prompt(), name="mine.json")
    assert list(wf.nodes) == ["1", "2"]
    assert wf.nodes["2"].class_type == "Custom"
    assert wf.get("1", "ckpt_name") == "a.safetensors"
    assert wf.get("2", "model") == ["1", 0]
    assert wf.get("2", "missing", "fallback") == "fallback"
    assert wf.get("2", "tags") == ["x", "y"]  # unwrapped for editing
    oi = recorded_object_info()
    assert wf.title("1") == "CheckpointLoaderSimple"
    assert wf.title("1", oi) == "Load Checkpoint"
    assert wf.title("2", oi) == "My node"


def test_title_falls_back_to_class_name_when_server_gives_no_display_name() -> None:
    wf = Workflow({"1": {"class_type": "EmptySD3LatentImage", "inputs": {}}})
    assert wf.title("1", recorded_object_info()) == "EmptySD3LatentImage"


def test_to_prompt_wraps_lists_keeps_meta_and_extra_and_is_fresh() -> None:
    wf = Workflow(_prompt())
    wf.set("2", "tags", ["z"])
    prompt = wf.to_prompt()
    assert prompt == {
        "1": {"inputs": {"ckpt_name": "a.safetensors"}, "class_type": "CheckpointLoaderSimple"},
        "2": {
            "is_changed": ["abc"],
            "inputs": {"tags": {"__value__": ["z"]}, "model": ["1", 0]},
            "class_type": "Custom",
            "_meta": {"note": "kept", "title": "My node"},
        },
    }
    prompt["2"]["inputs"]["tags"]["__value__"].append("mutated")
    assert wf.get("2", "tags") == ["z"]
    json.dumps(prompt)  # serialisable as is


def test_round_trip_of_sample_is_identity() -> None:
    raw = json.loads(api_path("flux_dev_chinese_titles.json").read_text(encoding="utf-8"))
    assert Workflow(raw).to_prompt() == raw


def test_set_and_copy_are_independent() -> None:
    wf = load_api("txt2img_batch2_subfolder.json")
    twin = wf.copy()
    twin.set("3", "seed", 2**64 - 1)
    assert wf.get("3", "seed") == 42
    assert twin.get("3", "seed") == 2**64 - 1
    assert twin.name == wf.name == "txt2img_batch2_subfolder.json"
    assert twin.source == wf.source
    with pytest.raises(KeyError):
        wf.set("404", "seed", 1)


def test_constructor_does_not_alias_callers_dict() -> None:
    raw = _prompt()
    wf = Workflow(raw)
    raw["1"]["inputs"]["ckpt_name"] = "changed"
    assert wf.get("1", "ckpt_name") == "a.safetensors"


def test_fingerprint_ignores_values_and_titles_but_not_shape() -> None:
    a = load_api("txt2img_batch2_subfolder.json")
    b = load_api("sd15_default_missing_model.json")  # same graph, other values and titles
    assert a.fingerprint() == b.fingerprint()
    edited = a.copy()
    edited.set("3", "seed", 1)
    assert edited.fingerprint() == a.fingerprint()
    rewired = a.copy()
    rewired.set("3", "negative", ["6", 0])
    assert rewired.fingerprint() != a.fingerprint()
    assert load_api("img2img_loadimage.json").fingerprint() != a.fingerprint()
    assert len(a.fingerprint()) == 24


@pytest.mark.parametrize(
    ("prompt", "problem"),
    [
        ({}, "it contains no nodes"),
        ({"1": "x"}, "node 1 is not an object"),
        ({"1": {"inputs": {}}}, "node 1 has no class_type"),
        ({"1": {"class_type": " ", "inputs": {}}}, "node 1 has no class_type"),
        ({"1": {"class_type": "X", "inputs": []}}, "the inputs of node 1 are not an object"),
    ],
)
def test_invalid_graph_names_the_workflow(prompt: dict, problem: str) -> None:
    with pytest.raises(InvalidWorkflow) as info:
        Workflow(prompt, name="bad.json")
    assert isinstance(info.value, WorkflowError)
    assert str(info.value) == f"“bad.json” is not a valid workflow: {problem}."


def test_missing_inputs_key_means_no_inputs() -> None:
    wf = Workflow({"1": {"class_type": "DisableNoise"}})
    assert wf.nodes["1"].inputs == {}
    assert wf.to_prompt() == {"1": {"inputs": {}, "class_type": "DisableNoise"}}
