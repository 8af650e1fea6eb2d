"""Property tests: whatever a file holds, loading gives a Workflow or a WorkflowError, and the
rest of the pipeline (params, layout, checks, seeds, to_prompt) never crashes on what loaded."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.workflow.checks import check_against_server
from desktop.workflow.document import Workflow
from desktop.workflow.errors import WorkflowError
from desktop.workflow.layout import group_params
from desktop.workflow.params import derive_params, validate_params
from desktop.workflow.seeds import apply_seed_policy
from desktop.workflow.sources import load_workflow_bytes
from tests.unit.workflow_support import PNG_0, WEBP, recorded_object_info

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
OBJECT_INFO = recorded_object_info()
CLASSES = [
    "KSampler",
    "KSamplerAdvanced",
    "CLIPTextEncode",
    "LoadImage",
    "LoadImageMask",
    "CheckpointLoaderSimple",
    "EmptyLatentImage",
    "SaveImage",
    "ControlNetApplyAdvanced",
    "ConditioningZeroOut",
    "LoadImageOutput",
    "DualCFGGuider",
    "NotARealNode",
]
INPUT_NAMES = sorted(
    {i.name for c in CLASSES if c in OBJECT_INFO for i in OBJECT_INFO[c].inputs} | {"extra"}
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)
node_ids = st.sampled_from(["1", "2", "3", "4", "5", "99"])
links = st.tuples(node_ids, st.integers(min_value=-1, max_value=4)).map(list)
input_values = links | json_values | st.sampled_from(["euler", "example.png", "random-sd15"])
nodes = st.fixed_dictionaries(
    {
        "class_type": st.sampled_from(CLASSES) | st.text(max_size=8) | json_values,
        "inputs": st.dictionaries(st.sampled_from(INPUT_NAMES), input_values, max_size=8)
        | json_values,
    },
    optional={"_meta": st.fixed_dictionaries({"title": json_values}) | json_values},
)
api_like = st.dictionaries(node_ids, nodes | json_values, min_size=0, max_size=6)
ui_like = st.fixed_dictionaries(
    {"nodes": st.lists(json_values, max_size=3), "links": st.lists(json_values, max_size=3)}
)


def _exercise(wf: Workflow) -> None:
    specs = derive_params(wf, OBJECT_INFO)
    validate_params(wf, specs)
    group_params(wf, specs, OBJECT_INFO)
    check_against_server(wf, OBJECT_INFO, specs)
    batch = apply_seed_policy(wf, specs, {}, 2, random.Random(1))
    json.dumps(batch.workflows[1].to_prompt(), allow_nan=True)
    wf.fingerprint()


def _load(data: bytes, with_server: bool) -> None:
    error: WorkflowError | None = None
    try:
        wf = load_workflow_bytes(data, "fuzz.bin", OBJECT_INFO if with_server else None)
    except WorkflowError as err:
        error = err
    if error is not None:
        assert "fuzz.bin" in str(error)
    else:
        _exercise(wf)


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes(data: bytes) -> None:
    _load(data, with_server=False)


@FUZZ
@given(json_values, st.booleans())
def test_random_json(value: Any, with_server: bool) -> None:
    _load(json.dumps(value).encode(), with_server)


@FUZZ
@given(api_like | ui_like, st.booleans())
def test_workflow_shaped_json(value: Any, with_server: bool) -> None:
    _load(json.dumps(value).encode(), with_server)


_SAMPLES = [PNG_0.read_bytes(), WEBP.read_bytes()]


@FUZZ
@given(
    st.sampled_from(_SAMPLES),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=6),
    st.integers(min_value=8),
)
def test_damaged_comfyui_images(sample: bytes, flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(sample[: max(8, cut % (len(sample) + 1))])
    for position, byte in flips:
        data[position % len(data)] = byte
    _load(bytes(data), with_server=False)
