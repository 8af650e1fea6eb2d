"""The console's parameter dump as the project's ParamSpecs, the seed maximum that lost its
precision in JavaScript, specs guessed from the uploaded workflow, and the changed-inputs
diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.comfy.object_info import ObjectInfo
from desktop.demo.hosted import IMG2IMG_ID, param_dump, published_workflows
from desktop.hosted.changes import changed_inputs
from desktop.hosted.specs import clamp_int_bound, load_hosted_form, parse_param_dump
from desktop.workflow.document import Workflow
from desktop.workflow.errors import InvalidWorkflow
from desktop.workflow.layout import Role, group_params
from desktop.workflow.params import SEED_MAX, ParamKind, validate_value

# The example from the provider's documentation, as text (the JSON the console saves).
ISSUE_DUMP = """{"3": {"inputs": {"seed": {"type": "INT", "current": 1, "spec": {"default": 0,
 "min": 0, "max": 18446744073709552000}}, "sampler_name": {"type": "LIST", "current": "ddim",
 "spec": {"choices": ["euler", "ddim"]}}}, "class_type": "KSampler", "_meta": {"title":
 "KSampler"}}, "10": {"inputs": {"image": {"type": "IMAGE", "current": "example.png",
 "spec": {"choices": []}}}}}"""


def test_documented_example_becomes_form_specs() -> None:
    form = parse_param_dump(json.loads(ISSUE_DUMP), "example.json")
    specs = {s.key: s for s in form.specs}
    seed = specs[("3", "seed")]
    assert seed.kind is ParamKind.SEED
    assert seed.max == SEED_MAX  # 18446744073709552000 > 2**64 - 1: clamped
    assert seed.min == 0
    assert seed.value == 1
    assert seed.node_title == "KSampler"
    sampler = specs[("3", "sampler_name")]
    assert sampler.kind is ParamKind.CHOICE
    assert sampler.choices == ("euler", "ddim")
    assert sampler.value == "ddim"
    image = specs[("10", "image")]
    assert image.kind is ParamKind.IMAGE
    assert image.image_upload
    assert image.remote_choices  # the service's files are not listed: any uploaded id goes
    assert form.workflow.get("3", "sampler_name") == "ddim"
    assert form.from_dump


@pytest.mark.parametrize("raw", [18446744073709552000, 1.8446744073709552e19, float("inf")])
def test_seed_maximum_is_clamped(raw: float) -> None:
    assert clamp_int_bound(raw) == SEED_MAX


def test_clamped_seed_accepts_the_largest_seed_and_refuses_beyond() -> None:
    form = parse_param_dump(json.loads(ISSUE_DUMP))
    seed = next(s for s in form.specs if s.input_name == "seed")
    assert validate_value(seed, SEED_MAX) is None
    assert validate_value(seed, SEED_MAX + 1) is not None


def test_stand_in_dump_round_trips_through_json_text() -> None:
    text = json.dumps(param_dump(published_workflows()[IMG2IMG_ID]))
    assert "18446744073709552000" in text  # as the console writes it
    form = parse_param_dump(json.loads(text))
    kinds = {s.key: s.kind for s in form.specs}
    assert kinds[("3", "seed")] is ParamKind.SEED
    assert kinds[("3", "cfg")] is ParamKind.FLOAT
    assert kinds[("3", "steps")] is ParamKind.INT
    assert kinds[("4", "ckpt_name")] is ParamKind.CHOICE  # type MODEL
    assert kinds[("6", "text")] is ParamKind.TEXT
    assert kinds[("10", "image")] is ParamKind.IMAGE
    cfg = next(s for s in form.specs if s.key == ("3", "cfg"))
    assert (cfg.min, cfg.max, cfg.step) == (0.0, 100.0, 0.1)
    assert validate_value(cfg, 100.0) is None
    assert validate_value(cfg, 101.0) is not None


def test_not_a_dump_is_refused_plainly() -> None:
    with pytest.raises(InvalidWorkflow, match="not a parameter list"):
        parse_param_dump({"3": {"inputs": {"seed": 1}, "class_type": "KSampler"}}, "x.json")


def test_uploaded_workflow_file_gets_guessed_specs(tmp_path: Path) -> None:
    path = tmp_path / "wf.json"
    path.write_text(json.dumps(published_workflows()[IMG2IMG_ID]), "utf-8")
    form = load_hosted_form(path)
    assert not form.from_dump
    kinds = {s.key: s.kind for s in form.specs}
    assert kinds[("3", "seed")] is ParamKind.SEED
    assert kinds[("3", "cfg")] is ParamKind.FLOAT
    assert kinds[("10", "image")] is ParamKind.IMAGE
    assert ("3", "model") not in kinds  # links are not parameters


def test_dump_file_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "params.json"
    path.write_text(ISSUE_DUMP, "utf-8")
    assert load_hosted_form(path).from_dump


def test_changed_inputs_is_empty_when_nothing_changed() -> None:
    base = Workflow(published_workflows()[IMG2IMG_ID])
    assert changed_inputs(base, base.copy()) == {}


def test_changed_inputs_sends_values_never_links() -> None:
    base = Workflow(published_workflows()[IMG2IMG_ID])
    edited = base.copy()
    edited.set("3", "cfg", 8)  # 7.0 -> 8: a changed type is a change
    edited.set("3", "model", ["4", 1])  # rewiring is not something the service takes
    edited.set("10", "image", "te-a/ac-b/sui-c.png")
    assert changed_inputs(base, edited) == {
        "3": {"inputs": {"cfg": 8}},
        "10": {"inputs": {"image": "te-a/ac-b/sui-c.png"}},
    }


def test_dump_form_groups_into_sections_without_a_server() -> None:
    # The form's layout works from the specs alone: no /object_info on hosted workflows.
    form = parse_param_dump(json.loads(json.dumps(param_dump(published_workflows()[IMG2IMG_ID]))))
    sections = group_params(form.workflow, form.specs, ObjectInfo({}))
    roles = [s.role for s in sections]
    assert roles[:2] == [Role.POSITIVE_PROMPT, Role.NEGATIVE_PROMPT]
    assert {Role.INPUT_IMAGE, Role.MODEL, Role.SAMPLER} <= set(roles)
    sampler = next(s for s in sections if s.role is Role.SAMPLER)
    assert "seed" in [p.input_name for p in sampler.params + sampler.advanced_params]
