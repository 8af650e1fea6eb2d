"""What a server sends: ``/object_info``, ``/queue``, ``/history``, ``/system_stats``, POST
``/prompt`` answers and WebSocket text and binary frames. Each gives a value or
``ProtocolError``/a typed "unknown"/"malformed" message, never another exception."""

from __future__ import annotations

import json
import struct

from hypothesis import given
from hypothesis import strategies as st

from desktop.comfy.errors import ProtocolError
from desktop.comfy.messages import MalformedFrame, Unknown, parse_binary, parse_message, parse_text
from desktop.comfy.object_info import NodeDef, ObjectInfo
from desktop.comfy.parsing import (
    parse_history,
    parse_queue,
    parse_submit_result,
    parse_system_stats,
)
from desktop.comfy.types import HistoryItem, QueueSnapshot
from desktop.jobs.progress import nodes_that_run
from tests.conftest import recorded_object_info_raw
from tests.properties.strategies import PROPERTY, json_like

REST_KEYS = st.sampled_from(
    [
        "queue_running", "queue_pending", "prompt", "outputs", "status", "status_str",
        "completed", "messages", "images", "filename", "subfolder", "type", "system",
        "devices", "comfyui_version", "prompt_id", "number", "node_errors", "errors",
    ]
)  # fmt: skip
NODE_KEYS = st.sampled_from(
    [
        "input", "required", "optional", "hidden", "input_order", "output", "output_name",
        "name", "display_name", "category", "output_node", "options", "default", "min", "max",
    ]
)  # fmt: skip
MESSAGE_KEYS = st.sampled_from(
    [
        "type", "data", "prompt_id", "node", "display_node", "value", "max", "nodes", "output",
        "status", "exec_info", "queue_remaining", "sid", "exception_message", "node_id",
        "node_type", "traceback", "executed", "timestamp", "state",
    ]
)  # fmt: skip
MESSAGE_TYPES = st.sampled_from(
    [
        "status", "executing", "executed", "progress", "progress_state", "execution_start",
        "execution_cached", "execution_success", "execution_error", "execution_interrupted",
        "feature_flags", "executing", "nonsense",
    ]
)  # fmt: skip

rest_bodies = json_like(REST_KEYS)
RECORDED = recorded_object_info_raw()
real_nodes = st.sampled_from(sorted(RECORDED)).map(lambda name: (name, RECORDED[name]))


@PROPERTY
@given(rest_bodies)
def test_queue_is_a_snapshot_or_a_protocol_error(body: object) -> None:
    try:
        queue = parse_queue(body)
    except ProtocolError:
        return
    assert isinstance(queue, QueueSnapshot)
    for item in queue.running + queue.pending:
        queue.position(item.prompt_id)
        if isinstance(item.prompt, dict):
            nodes_that_run(item.prompt, item.outputs_to_execute)


@PROPERTY
@given(rest_bodies | st.dictionaries(st.text(max_size=6), rest_bodies, max_size=3))
def test_history_is_items_or_a_protocol_error(body: object) -> None:
    try:
        items = parse_history(body)
    except ProtocolError:
        return
    assert all(isinstance(item, HistoryItem) for item in items)
    for item in items:
        item.error  # noqa: B018 - the property reads the messages
        item.interrupted  # noqa: B018


@PROPERTY
@given(rest_bodies)
def test_system_stats_and_submit_answers(body: object) -> None:
    for parse in (parse_system_stats, lambda b: parse_submit_result(b, "p-1")):
        try:
            parse(body)
        except ProtocolError:
            pass


@PROPERTY
@given(
    st.dictionaries(st.text(max_size=6), json_like(NODE_KEYS), max_size=4)
    | real_nodes.map(lambda pair: {pair[0]: pair[1]})
)
def test_object_info_gives_a_node_def_for_every_class(raw: dict) -> None:
    info = ObjectInfo(raw)
    for name in info:
        node = info[name]
        assert isinstance(node, NodeDef)
        for idef in node.inputs:
            assert node.input(idef.name) is not None


@PROPERTY
@given(real_nodes, json_like(NODE_KEYS), st.sampled_from(["input", "output", "input_order"]))
def test_object_info_with_a_damaged_part_of_a_real_node(pair, junk, key) -> None:
    name, raw = pair
    info = ObjectInfo({name: {**raw, key: junk}})
    assert isinstance(info[name], NodeDef)


@st.composite
def messages(draw: st.DrawFn) -> object:
    if draw(st.booleans()):
        return draw(json_like(MESSAGE_KEYS))
    data = draw(st.dictionaries(MESSAGE_KEYS, json_like(MESSAGE_KEYS), max_size=6))
    return {"type": draw(MESSAGE_TYPES), "data": data}


@PROPERTY
@given(messages())
def test_text_frames_give_a_message(message: object) -> None:
    assert parse_message(message) is not None
    try:
        text = json.dumps(message)
    except (ValueError, OverflowError):
        return
    assert parse_text(text) is not None


@PROPERTY
@given(st.text(max_size=200))
def test_any_text_gives_a_message(text: str) -> None:
    message = parse_text(text)
    assert message is not None
    if not text.lstrip().startswith("{"):
        assert isinstance(message, Unknown)


@st.composite
def binary_frames(draw: st.DrawFn) -> bytes:
    event = draw(st.sampled_from([1, 2, 3, 4, 5, 2**32 - 1]))
    second = draw(st.integers(0, 2**32 - 1) | st.integers(0, 64))
    body = draw(st.binary(max_size=200))
    if event == 4 and draw(st.booleans()):
        meta = json.dumps(draw(json_like(MESSAGE_KEYS))).encode()
        second = len(meta)
        body = meta + body
    frame = struct.pack(">II", event, second) + body
    return frame[: draw(st.integers(0, len(frame)))] if draw(st.booleans()) else frame


@PROPERTY
@given(binary_frames())
def test_binary_frames_give_a_frame_or_malformed(frame: bytes) -> None:
    result = parse_binary(frame, received_at=0.0)
    assert result is not None
    if len(frame) < 8:
        assert isinstance(result, MalformedFrame)
