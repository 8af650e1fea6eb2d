"""Twin tests: the node definitions of both recorded servers (ComfyUI 0.3.64 and 0.8.0) parse,
and the form's parameters come out the same for the sample workflows on both.

The shapes 0.8 adds are covered one by one: V3 combos (``["COMBO", {"options": [...]}]``),
remote combos, V3 dynamic combos whose options bring their own inputs, match-type and
auto-grow sockets, and the new ``lazy``/``template`` options.
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from desktop.comfy.object_info import DYNAMIC_COMBO, ObjectInfo
from desktop.workflow.document import Workflow
from desktop.workflow.params import ParamKind, derive_params, validate_params
from desktop.workflow.sources import load_workflow
from tests.conftest import shared_path

RECORDINGS = {"0.3.64": "comfyui-captures", "0.8.0": "comfyui-captures-0.8"}
K = ParamKind


@cache
def raw(version: str) -> dict:
    path = shared_path(RECORDINGS[version], "00-server-info", "object_info.json")
    return json.loads(path.read_text(encoding="utf-8"))


def info(version: str) -> ObjectInfo:
    return ObjectInfo(raw(version))


@pytest.mark.parametrize("version", RECORDINGS)
def test_every_node_class_of_the_recording_parses(version):
    oi = info(version)
    for name in oi:
        node = oi[name]
        spec = raw(version)[name]["input"]
        declared = [*spec.get("required", {}), *spec.get("optional", {})]
        assert sorted(i.name for i in node.inputs) == sorted(declared), name
        for inp in node.inputs:
            if inp.type == "COMBO":
                # Old list form, V3 form with options, or remote (options fetched elsewhere).
                assert inp.choices is not None or "remote" in inp.options, (name, inp.name)


def test_v3_combos_and_remote_combos_on_0_8():
    oi = info("0.8.0")
    method = oi["ImageScaleToTotalPixels"].input("upscale_method")
    assert (method.type, method.choices[:2]) == ("COMBO", ("nearest-exact", "bilinear"))
    output = oi["LoadImageOutput"].input("image")
    assert (output.type, output.choices, output.options["remote"]["refresh_button"]) == (
        "COMBO",
        None,
        True,
    )


def test_dynamic_combo_options_bring_their_own_inputs_on_0_8():
    resize = info("0.8.0")["ResizeImageMaskNode"].input("resize_type")
    assert resize.type == DYNAMIC_COMBO

    options = resize.dynamic_options

    assert options is not None
    assert list(options)[:2] == ["scale by multiplier", "scale dimensions"]
    width, height, crop = options["scale dimensions"]
    assert (width.name, width.type, width.default, width.max) == (
        "resize_type.width", "INT", 512, 16384,
    )  # fmt: skip
    assert height.name == "resize_type.height"
    assert (crop.name, crop.type, crop.default) == ("resize_type.crop", "COMBO", "center")
    assert info("0.8.0")["ResizeImageMaskNode"].input("scale_method").dynamic_options is None


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in shared_path("workflows", "api").glob("*.json")),
)
def test_sample_workflows_get_the_same_form_on_both_servers(name):
    def table(version: str) -> list[tuple]:
        workflow = load_workflow(shared_path("workflows", "api", name))
        specs = derive_params(workflow, info(version))
        return [(s.node_id, s.input_name, s.kind, s.value, s.label, s.read_only) for s in specs]

    assert table("0.8.0") == table("0.3.64")
    assert all(row[2] is not K.UNKNOWN for row in table("0.8.0"))


def test_form_shows_a_dynamic_combo_and_the_inputs_of_its_option_on_0_8():
    workflow = Workflow(
        {
            "2": {
                "class_type": "ResizeImageMaskNode",
                "inputs": {
                    "input": ["1", 0],
                    "resize_type": "scale dimensions",
                    "resize_type.width": 1280,
                    "resize_type.height": 720,
                    "resize_type.crop": "center",
                    "scale_method": "lanczos",
                },
            }
        }
    )

    specs = {s.input_name: s for s in derive_params(workflow, info("0.8.0"))}

    assert list(specs) == [
        "resize_type",
        "resize_type.width",
        "resize_type.height",
        "resize_type.crop",
        "scale_method",
    ]
    combo = specs["resize_type"]
    assert (combo.kind, combo.read_only, combo.value) == (K.CHOICE, True, "scale dimensions")
    assert combo.choices[:2] == ("scale by multiplier", "scale dimensions")
    width = specs["resize_type.width"]
    assert (width.kind, width.read_only, width.value, width.max) == (K.INT, False, 1280, 16384)
    assert (specs["resize_type.crop"].kind, specs["resize_type.crop"].read_only) == (
        K.CHOICE,
        False,
    )
    assert validate_params(workflow, specs.values()) == []

    workflow.set("2", "resize_type.width", 99_999)
    [problem] = validate_params(workflow, specs.values())
    assert "16384" in problem.message


def test_lazy_match_type_and_auto_grow_inputs_are_sockets_not_parameters_on_0_8():
    workflow = Workflow(
        {
            "3": {
                "class_type": "ComfySwitchNode",
                "inputs": {"switch": True, "on_false": ["1", 0], "on_true": ["2", 0]},
            },
            "4": {
                "class_type": "BatchImagesNode",
                "inputs": {"images.image0": ["1", 0], "images.image1": ["2", 0]},
            },
        }
    )

    specs = derive_params(workflow, info("0.8.0"))

    assert [(s.node_id, s.input_name, s.kind) for s in specs] == [("3", "switch", K.BOOL)]
