"""The demo's prompt validation and execution order, without a server."""

from __future__ import annotations

import copy

import pytest

from desktop.demo.catalog import NodeCatalog
from desktop.demo.config import default_models
from desktop.demo.graph import ExecutionList, signatures
from desktop.demo.validation import validate_prompt
from tests.conformance.replay import recorded_prompt
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def catalog() -> NodeCatalog:
    return NodeCatalog(None, default_models())


def txt2img() -> dict:
    return copy.deepcopy(recorded_prompt("01-success-with-previews"))


def check(prompt, catalog, exists=lambda name: name == "example.png", partial=None):
    return validate_prompt(prompt, catalog, exists, partial)


def test_valid_prompt_is_coerced_in_place(catalog):
    prompt = txt2img()
    prompt["3"]["inputs"]["steps"] = "7"
    result = check(prompt, catalog)
    assert result.ok
    assert result.outputs == ["9"]
    assert result.node_errors == {}
    assert prompt["3"]["inputs"]["steps"] == 7
    assert prompt["3"]["inputs"]["cfg"] == 8.0
    assert isinstance(prompt["3"]["inputs"]["cfg"], float)


def test_missing_input_and_type_mismatch(catalog):
    prompt = txt2img()
    del prompt["3"]["inputs"]["seed"]
    prompt["8"]["inputs"]["vae"] = ["4", 0]  # MODEL into a VAE input
    result = check(prompt, catalog)
    assert not result.ok
    assert result.error["type"] == "prompt_outputs_failed_validation"
    errors = {node: [e["type"] for e in v["errors"]] for node, v in result.node_errors.items()}
    assert errors == {"3": ["required_input_missing"], "8": ["return_type_mismatch"]}
    mismatch = result.node_errors["8"]["errors"][0]
    assert mismatch["details"] == "vae, received_type(MODEL) mismatch input_type(VAE)"
    assert mismatch["extra_info"]["linked_node"] == ["4", 0]
    assert result.node_errors["3"]["dependent_outputs"] == ["9"]


def test_long_combo_lists_are_not_echoed(catalog):
    prompt = txt2img()
    prompt["3"]["inputs"]["sampler_name"] = "magic"
    error = check(prompt, catalog).node_errors["3"]["errors"][0]
    assert error["type"] == "value_not_in_list"
    assert error["extra_info"]["input_config"] is None
    assert error["details"] == "sampler_name: 'magic' not in (list of length 42)"


def test_model_lists_come_from_the_config():
    catalog = NodeCatalog(None, {"checkpoints": ["mine.safetensors"], "loras": ["a.safetensors"]})
    spec = catalog.get("CheckpointLoaderSimple")["input"]["required"]["ckpt_name"]
    assert spec[0] == ["mine.safetensors"]
    assert catalog.get("LoraLoader")["input"]["required"]["lora_name"][0] == ["a.safetensors"]
    assert catalog.models("vae") is None
    prompt = txt2img()
    assert not check(prompt, catalog).ok
    prompt["4"]["inputs"]["ckpt_name"] = "mine.safetensors"
    assert check(prompt, catalog).ok


def test_some_valid_outputs_queue_with_node_errors(catalog):
    prompt = txt2img()
    prompt["10"] = {"class_type": "PreviewImage", "inputs": {"images": ["99", 0]}}
    result = check(prompt, catalog)
    assert result.ok
    assert result.outputs == ["9"]
    error = result.node_errors["10"]["errors"][0]
    assert error["type"] == "exception_during_validation"
    assert error["details"] == "'99'"
    assert error["extra_info"]["exception_type"] == "KeyError"


def test_partial_execution_targets_pick_outputs(catalog):
    prompt = txt2img()
    prompt["10"] = {"class_type": "PreviewImage", "inputs": {"images": ["8", 0]}}
    assert check(prompt, catalog, partial=["10"]).outputs == ["10"]
    result = check(prompt, catalog, partial=["nope"])
    assert result.error["type"] == "prompt_no_outputs"


def test_load_image_is_checked_against_the_input_folder(catalog):
    # The recorded combo lists "my%20input.png", but this check sees no such file.
    prompt = copy.deepcopy(recorded_prompt("05-upload-img2img"))
    result = check(prompt, catalog)
    error = result.node_errors["10"]["errors"][0]
    assert error == {
        "type": "custom_validation_failed",
        "message": "Custom validation failed for node",
        "details": "image - Invalid image file: my%20input.png",
        "extra_info": {
            "input_name": "image",
            "input_config": [
                ["example.png"] if False else error["extra_info"]["input_config"][0],
                {"image_upload": True},
            ],
            "received_value": "my%20input.png",
        },
    }
    prompt["10"]["inputs"]["image"] = "example.png"
    assert check(prompt, catalog).ok


def test_wrapped_list_values_and_missing_class_type(catalog):
    prompt = txt2img()
    prompt["6"]["inputs"]["text"] = {"__value__": ["a", "b"]}
    assert check(prompt, catalog).ok
    assert prompt["6"]["inputs"]["text"] == "['a', 'b']"
    del prompt["7"]["class_type"]
    result = check(prompt, catalog)
    assert result.error == {
        "type": "invalid_prompt",
        "message": "Cannot execute because a node is missing the class_type property.",
        "details": "Node ID '#7'",
        "extra_info": {},
    }


def test_non_object_prompt_raises_for_the_500_path(catalog):
    with pytest.raises(TypeError):
        check("hello", catalog)


def test_execution_order_matches_the_recordings(catalog):
    def is_output(prompt):
        return lambda node: catalog.is_output(prompt[node]["class_type"])

    img2img = recorded_prompt("05-upload-img2img")
    order = ExecutionList(img2img, lambda _n: False, is_output(img2img))
    order.add_node("9")
    ran = []
    while not order.is_empty():
        node = order.next_node()
        ran.append(node)
        order.complete(node)
    assert ran == ["4", "10", "11", "7", "6", "3", "8", "9"]

    txt = txt2img()
    order = ExecutionList(txt, lambda n: n in {"4", "6", "7"}, is_output(txt))
    order.add_node("9")
    ran = []
    while not order.is_empty():
        ran.append(node := order.next_node())
        order.complete(node)
    assert ran == ["5", "3", "8", "9"]


def test_cache_keys_change_with_anything_upstream():
    before = signatures(txt2img())
    changed = txt2img()
    changed["4"]["inputs"]["ckpt_name"] = "broken.safetensors"
    after = signatures(changed)
    assert [n for n in before if before[n] == after[n]] == ["5"]


def test_a_capture_file_can_be_served_as_object_info():
    path = shared_path("comfyui-captures", "00-server-info", "object_info_KSampler.json")
    catalog = NodeCatalog(path, {})
    assert list(catalog.all()) == ["KSampler"]
    assert catalog.return_types("KSampler") == ["LATENT"]
