"""Property tests: whatever the input, the converter returns a prompt or a ConversionError.

The private ``_convert`` is exercised directly so that the public function's last-resort
``except Exception`` cannot hide a crash from these tests.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.workflow.web_convert import ConversionError, _convert, convert_ui_workflow
from tests.unit.test_ui_convert_support import SAMPLES, recorded_object_info, sample

INFO = recorded_object_info()
NOW = datetime(2025, 1, 2, 3, 4, 5)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["*", "IMAGE", "KSampler", "Reroute", "PrimitiveNode", "-10", "seed"]),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "type",
                    "mode",
                    "inputs",
                    "outputs",
                    "links",
                    "link",
                    "name",
                    "widget",
                    "widgets_values",
                    "nodes",
                    "title",
                    "linkIds",
                    "x",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


def _check(doc: Any) -> None:
    try:
        result = _convert(doc, INFO, random.Random(0).choice, NOW)
    except ConversionError as err:
        error: ConversionError | None = err
    else:
        error = None
    if error is not None:
        assert error.problems
        assert str(error)
        return
    assert isinstance(result, dict)
    for node_id, entry in result.items():
        assert isinstance(node_id, str)
        assert set(entry) == {"inputs", "class_type", "_meta"}


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _mutate(doc: Any, path: tuple, replacement: Any, delete: bool) -> Any:
    if not path:
        return replacement
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    elif delete:
        parent.pop(path[-1])
    else:
        parent[path[-1]] = replacement
    return doc


@SETTINGS
@given(json_values)
def test_random_json_never_crashes(value):
    _check(value)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(["nodes", "links", "definitions", "extra", "version"]),
        json_values,
        max_size=5,
    )
)
def test_random_workflow_shaped_json_never_crashes(value):
    value.setdefault("nodes", [])
    value.setdefault("links", [])
    _check(value)


@SETTINGS
@given(st.sampled_from(SAMPLES), st.data())
def test_mutated_samples_never_crash(name, data):
    doc = copy.deepcopy(_SAMPLES[name])
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(doc)
        path = paths[data.draw(st.integers(min_value=0, max_value=len(paths) - 1))]
        doc = _mutate(doc, path, data.draw(json_values), data.draw(st.booleans()))
    _check(doc)


_SAMPLES = {name: sample(name) for name in SAMPLES}


@pytest.mark.parametrize("value", [None, [], "nodes", {"nodes": [1], "links": [None]}])
def test_public_function_only_raises_conversion_errors(value):
    with pytest.raises(ConversionError):
        convert_ui_workflow(value, INFO)


def test_very_long_reroute_chain_is_reported_not_crashing():
    count = 3000
    nodes: list[dict] = [
        {
            "id": i,
            "type": "Reroute",
            "inputs": [{"name": "", "type": "*", "link": i - 1 or None}],
            "outputs": [{"name": "", "type": "*", "links": [i]}],
        }
        for i in range(1, count + 1)
    ]
    nodes.append(
        {
            "id": 99999,
            "type": "PreviewImage",
            "inputs": [{"name": "images", "type": "IMAGE", "link": count}],
        }
    )
    links = [[i, i, 0, i + 1, 0, "*"] for i in range(1, count)] + [[count, count, 0, 99999, 0, "*"]]

    with pytest.raises(ConversionError) as caught:
        convert_ui_workflow({"nodes": nodes, "links": links}, INFO)

    assert caught.value.problems[0].message == "the graph is nested or chained too deeply"
