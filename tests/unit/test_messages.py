"""Every frame of every WebSocket recording parses into the right typed message."""

from __future__ import annotations

import base64
import io
import json
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from desktop.comfy import messages as m
from tests.conftest import shared_path

CAPTURES = shared_path("comfyui-captures")
RECORDINGS = sorted(CAPTURES.glob("*/ws_*.jsonl"))

KNOWN = {
    "status": m.Status,
    "execution_start": m.ExecutionStart,
    "execution_cached": m.ExecutionCached,
    "executing": m.Executing,
    "progress": m.Progress,
    "progress_state": m.ProgressState,
    "executed": m.Executed,
    "execution_success": m.ExecutionSuccess,
    "execution_error": m.ExecutionError,
    "execution_interrupted": m.ExecutionInterrupted,
    "feature_flags": m.FeatureFlags,
}


def frames(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_all_six_recordings_are_found() -> None:
    assert len(RECORDINGS) == 6


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_text_frame_parses_to_its_type(path: Path) -> None:
    for frame in frames(path):
        if "json" not in frame:
            continue
        raw = frame["json"]
        parsed = m.parse_text(json.dumps(raw))
        assert isinstance(parsed, KNOWN[raw["type"]]), (raw["type"], parsed)
        assert parsed == m.parse_message(raw)
        data = raw["data"]
        if "prompt_id" in data:
            assert getattr(parsed, "prompt_id", None) == data["prompt_id"]


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_binary_frame_parses_and_its_preview_decodes(path: Path) -> None:
    for frame in frames(path):
        if "binary" not in frame:
            continue
        info = frame["binary"]
        data = base64.b64decode(info["base64"])
        assert len(data) == info["length"]
        assert list(struct.unpack_from(">II", data)) == info["header_u32"]
        parsed = m.parse_binary(data, received_at=12.5)
        assert isinstance(parsed, m.PreviewImage), parsed
        assert parsed.event == info["event"]
        assert parsed.received_at == 12.5
        assert parsed.mime_type == "image/jpeg"
        with Image.open(io.BytesIO(parsed.image)) as image:
            image.load()
            assert image.format == "JPEG"
            assert max(image.size) == 512  # --preview-size default, upscaled latent2rgb


def test_event_4_frames_carry_prompt_and_node_ids() -> None:
    path = CAPTURES / "06-feature-flags-preview-metadata" / "ws_submitter.jsonl"
    recorded = frames(path)
    prompt_id = next(
        f["json"]["data"]["prompt_id"]
        for f in recorded
        if f.get("json", {}).get("type") == "execution_start"
    )
    previews = [
        m.parse_binary(base64.b64decode(f["binary"]["base64"])) for f in recorded if "binary" in f
    ]
    assert len(previews) == 3
    for preview in previews:
        assert preview.event == m.EVENT_PREVIEW_IMAGE_WITH_METADATA
        assert preview.prompt_id == prompt_id
        assert preview.node_id == "3"
        assert preview.display_node_id == "3"


def test_success_recording_in_order() -> None:
    path = CAPTURES / "01-success-with-previews" / "ws_submitter.jsonl"
    parsed = [
        m.parse_text(json.dumps(f["json"]))
        if "json" in f
        else m.parse_binary(base64.b64decode(f["binary"]["base64"]))
        for f in frames(path)
    ]
    assert isinstance(parsed[0], m.Status)
    assert parsed[0].sid is not None
    assert all(p.sid is None for p in parsed[1:] if isinstance(p, m.Status))
    success = next(i for i, p in enumerate(parsed) if isinstance(p, m.ExecutionSuccess))
    final = [i for i, p in enumerate(parsed) if isinstance(p, m.Executing) and p.finished]
    assert final == [len(parsed) - 1]
    assert success < final[0]
    executed = [p for p in parsed if isinstance(p, m.Executed)]
    assert len(executed) == 1
    assert executed[0].images[0].filename.endswith(".png")
    assert executed[0].images[0].type == "output"


def test_execution_error_fields() -> None:
    path = CAPTURES / "03-execution-error" / "ws_submitter.jsonl"
    errors = [
        m.parse_message(f["json"])
        for f in frames(path)
        if f.get("json", {}).get("type") == "execution_error"
    ]
    assert len(errors) == 1
    error = errors[0]
    assert error.node_type == "CheckpointLoaderSimple"
    assert error.exception_type
    assert error.traceback
    assert not error.blocked


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (b"\x00\x00", "frame shorter than its header"),
        (struct.pack(">II", 1, 7) + b"x", "unknown preview image format 7"),
        (struct.pack(">II", 4, 100) + b"{}", "preview metadata runs past the end"),
        (struct.pack(">II", 4, 3) + b"abc", "preview metadata is not JSON"),
        (struct.pack(">II", 4, 2) + b"[]", "preview metadata is not an object"),
        (struct.pack(">II", 3, 50) + b"n", "text frame node id runs past the end"),
        (struct.pack(">II", 3, 1) + b"\xff\xfe", "text frame is not UTF-8"),
        (struct.pack(">II", 9, 0), "unknown binary event 9"),
    ],
)
def test_bad_binary_frames_are_malformed_not_exceptions(frame: bytes, reason: str) -> None:
    assert m.parse_binary(frame) == m.MalformedFrame(reason, len(frame))


def test_text_frame_and_unknown_messages() -> None:
    assert m.parse_binary(struct.pack(">II", 3, 2) + b"12hello") == m.ProgressText("12", "hello")
    assert m.parse_text("not json") == m.Unknown("", "not json")
    assert m.parse_text('{"type": "crystools.monitor", "data": {"cpu": 3}}') == m.Unknown(
        "crystools.monitor", {"cpu": 3}
    )
    # Known types with broken bodies do not raise either.
    assert m.parse_message({"type": "status", "data": {"status": "busy"}}) == m.Unknown(
        "status", {"status": "busy"}
    )
    assert m.parse_message({"type": "progress", "data": {"value": float("inf")}}) == m.Unknown(
        "progress", {"value": float("inf")}
    )
    assert m.parse_text('{"type": "execution_start", "data": {}}') == m.Unknown(
        "execution_start", {}
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
field_names = st.sampled_from(
    [
        "status",
        "exec_info",
        "queue_remaining",
        "sid",
        "prompt_id",
        "node",
        "nodes",
        "value",
        "max",
        "output",
        "traceback",
        "executed",
        "current_inputs",
        "timestamp",
        "display_node",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from([*KNOWN, "other"]),
    data=st.dictionaries(field_names, json_values, max_size=6),
)
def test_parse_message_never_raises(kind: str, data: dict) -> None:
    parsed = m.parse_message({"type": kind, "data": data})
    assert isinstance(parsed, (*KNOWN.values(), m.Unknown))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_parse_binary_never_raises(frame: bytes) -> None:
    assert isinstance(m.parse_binary(frame), m.PreviewImage | m.ProgressText | m.MalformedFrame)
