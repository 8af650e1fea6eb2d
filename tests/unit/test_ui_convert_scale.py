"""Conversion cost grows with the size of the expanded graph, and no faster.

Costs are counted, not timed (the machine may be loaded): the number of Python function calls
the conversion makes is deterministic, and doubling a workflow must roughly double it. Wall
times live in bench/bench_convert.py.
"""

from __future__ import annotations

import json
import sys

import pytest

from bench.synthetic import chain_workflow, nested_subgraph_workflow
from desktop.workflow.web_convert import GraphTooLargeError, convert_ui_workflow
from desktop.workflow.web_resolve import NODE_BUDGET
from tests.unit.test_ui_convert_support import recorded_object_info

INFO = recorded_object_info()


class CallCounter:
    """Counts Python function calls made inside the ``with`` block."""

    def __init__(self) -> None:
        self.count = 0

    def _profile(self, _frame, event, _arg) -> None:
        if event == "call":
            self.count += 1

    def __enter__(self) -> CallCounter:
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(None)


def calls_to_convert(workflow: dict, **kwargs) -> tuple[int, dict]:
    with CallCounter() as counter:
        prompt = convert_ui_workflow(workflow, INFO, **kwargs)
    return counter.count, prompt


def test_a_chain_converts_in_work_proportional_to_its_length():
    small_calls, small = calls_to_convert(chain_workflow(1000))
    large_calls, large = calls_to_convert(chain_workflow(4000))

    assert len(small) == 1000
    assert len(large) == 4000
    assert large["4000"]["inputs"] == {"image": ["3999", 0]}
    # Linear work gives a ratio of about 4; the old quadratic ordering gave about 16.
    assert large_calls / small_calls < 5


def test_ten_thousand_nodes_convert_into_ten_thousand_prompt_entries():
    prompt = convert_ui_workflow(chain_workflow(10_000), INFO)

    assert len(prompt) == 10_000
    assert prompt["1"]["class_type"] == "LoadImage"
    assert prompt["10000"]["inputs"] == {"image": ["9999", 0]}


def test_nested_subgraphs_expand_to_every_inner_node():
    prompt = convert_ui_workflow(nested_subgraph_workflow(depth=3, fanout=4), INFO)

    assert len(prompt) == 4**2  # the innermost level holds one node, each other level four
    assert {entry["class_type"] for entry in prompt.values()} == {"EmptyLatentImage"}
    assert "1:4:3:1" in prompt


def test_expansion_stops_at_the_node_budget_with_a_typed_error():
    workflow = nested_subgraph_workflow(depth=3, fanout=4)  # 1 + 4 + 16 + 16 nodes to create

    with pytest.raises(GraphTooLargeError) as caught:
        convert_ui_workflow(workflow, INFO, node_budget=20)

    assert caught.value.budget == 20
    assert "more than 20 nodes" in str(caught.value)


def test_a_tiny_file_that_would_expand_to_millions_of_nodes_is_refused_early():
    workflow = nested_subgraph_workflow(depth=8, fanout=8)  # 8**7 = 2 million inner nodes

    with pytest.raises(GraphTooLargeError) as caught:
        convert_ui_workflow(workflow, INFO)

    assert caught.value.budget == NODE_BUDGET
    assert len(json.dumps(workflow)) < 8_000


def test_the_expansion_stops_after_about_the_budget_of_work():
    workflow = nested_subgraph_workflow(depth=8, fanout=8)

    with CallCounter() as counter, pytest.raises(GraphTooLargeError):
        convert_ui_workflow(workflow, INFO, node_budget=1000)
    # The file is measured before anything is built: a few calls per definition node.
    assert counter.count < 1000
