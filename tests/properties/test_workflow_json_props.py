"""Workflow files: API-format and UI-format JSON (converted with the recorded node list) load
into a ``Workflow`` or raise ``WorkflowError``, within a second. Deeper pipeline fuzzing of
what loaded lives in tests/unit/test_workflow_fuzz.py and test_ui_convert_fuzz.py."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from desktop.workflow.document import Workflow
from desktop.workflow.errors import WorkflowError
from desktop.workflow.sources import load_workflow_bytes
from tests.conftest import shared_path
from tests.properties.strategies import PROPERTY, json_like
from tests.unit.workflow_support import recorded_object_info

INFO = recorded_object_info()
UI_KEYS = st.sampled_from(
    [
        "nodes", "links", "id", "type", "inputs", "outputs", "widgets_values", "link", "name",
        "mode", "last_node_id", "last_link_id", "version", "class_type", "_meta", "prompt",
        "extra_data", "extra_pnginfo", "workflow", "definitions", "subgraphs",
    ]
)  # fmt: skip
UI_SAMPLE = json.loads(shared_path("workflows", "ui", "default.json").read_text(encoding="utf-8"))


@st.composite
def damaged_ui(draw: st.DrawFn) -> object:
    """The default UI workflow with one part replaced by junk."""
    doc = json.loads(json.dumps(UI_SAMPLE))
    junk = draw(json_like(UI_KEYS))
    where = draw(st.sampled_from(["top", "node", "link", "widgets"]))
    if where == "top":
        doc[draw(st.sampled_from(["nodes", "links", "version", "last_link_id"]))] = junk
    elif where == "node" and doc["nodes"]:
        node = doc["nodes"][draw(st.integers(0, len(doc["nodes"]) - 1))]
        node[draw(st.sampled_from(["id", "type", "inputs", "outputs", "mode"]))] = junk
    elif where == "link" and doc["links"]:
        doc["links"][draw(st.integers(0, len(doc["links"]) - 1))] = junk
    else:
        node = doc["nodes"][draw(st.integers(0, len(doc["nodes"]) - 1))]
        node["widgets_values"] = junk
    return doc


documents = json_like(UI_KEYS) | damaged_ui()


@PROPERTY
@given(documents)
def test_json_loads_or_raises_a_workflow_error(doc: object) -> None:
    try:
        data = json.dumps(doc).encode()
    except (ValueError, OverflowError):
        return
    try:
        workflow = load_workflow_bytes(data, "w.json", INFO)
    except WorkflowError as err:
        message = str(err)
        assert message
    else:
        assert isinstance(workflow, Workflow)
        workflow.to_prompt()
