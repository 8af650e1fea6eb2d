"""Pure parsing and URL/name helpers of the client, checked against the recordings."""

from __future__ import annotations

import json

import pytest

from desktop.comfy.client import safe_upload_name
from desktop.comfy.errors import (
    AuthenticationRequired,
    PromptRejected,
    ProtocolError,
    ServerError,
)
from desktop.comfy.http import HttpTransport, Reply, normalize_base_url
from desktop.comfy.parsing import (
    parse_history,
    parse_history_item,
    parse_queue,
    parse_string_list,
    parse_submit_result,
    parse_system_stats,
)
from desktop.comfy.types import ImageRef
from tests.conftest import shared_path


def body(name: str):
    return json.loads(shared_path("comfyui-captures", name).read_text())["body"]


def test_system_stats() -> None:
    stats = parse_system_stats(body("00-server-info/system_stats.json"))
    assert stats.comfyui_version == "0.3.64"
    assert stats.os == "posix"
    assert stats.ram_total == 25276518400
    assert stats.pytorch_version == "2.15.0+cu132"
    assert len(stats.devices) == 1
    assert stats.devices[0].name == "cpu"
    assert stats.devices[0].vram_free == 23267004416


def test_system_stats_wrong_shape_is_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        parse_system_stats(["not", "stats"])
    with pytest.raises(ProtocolError):
        parse_system_stats({"devices": []})


def test_queue_pending_sorted_by_number_then_id() -> None:
    raw = body("04-queue-cancel-interrupt/get_queue_while_running.json")
    raw = {"queue_running": raw["queue_running"], "queue_pending": raw["queue_pending"][::-1]}
    raw["queue_pending"].append([11, "000-same-number", {}, {}, ["9"]])
    queue = parse_queue(raw)
    assert [i.prompt_id for i in queue.running] == ["6fa96e13-3bc8-46ae-932b-251a0f53856e"]
    assert [(i.number, i.prompt_id) for i in queue.pending] == [
        (11.0, "000-same-number"),
        (11.0, "7341f74b-2a78-4f5d-a7bf-1e1b9052c4a2"),
        (12.0, "32a83438-1275-4c08-a7f4-1c0bdf633c69"),
    ]
    assert queue.pending[1].outputs_to_execute == ("9",)
    assert queue.pending[1].client_id is not None
    assert queue.position("32a83438-1275-4c08-a7f4-1c0bdf633c69") == 3


def test_queue_ignores_short_items_and_rejects_bad_lists() -> None:
    assert parse_queue({"queue_running": [], "queue_pending": [[1]]}).pending == ()
    with pytest.raises(ProtocolError):
        parse_queue({"queue_running": "nope"})


def test_history_success_item() -> None:
    items = parse_history(body("01-success-with-previews/get_history_item.json"))
    assert len(items) == 1
    item = items[0]
    assert item.prompt_id == "ebcc45e6-e9c6-4ec2-9dd6-1d09d3866739"
    assert item.status_str == "success"
    assert item.completed
    assert not item.interrupted
    assert item.error is None
    assert item.images == (("9", ImageRef("ComfyUI_00003_.png", "", "output")),)
    assert item.prompt["3"]["class_type"] == "KSampler"
    assert [kind for kind, _ in item.messages] == [
        "execution_start",
        "execution_cached",
        "execution_success",
    ]


def test_history_error_and_interrupted_items() -> None:
    error = parse_history(body("03-execution-error/get_history_item.json"))[0]
    assert (error.status_str, error.completed, error.interrupted) == ("error", False, False)
    assert error.error["node_type"] == "CheckpointLoaderSimple"
    stopped = parse_history(body("04-queue-cancel-interrupt/history_0.json"))[0]
    assert (stopped.status_str, stopped.completed, stopped.interrupted) == ("error", False, True)
    assert stopped.outputs == ()


def test_history_keeps_server_order() -> None:
    items = parse_history(body("00-server-info/history_after_scenarios.json"))
    raw = body("00-server-info/history_after_scenarios.json")
    assert [i.prompt_id for i in items] == list(raw)


def test_history_item_tolerates_garbage() -> None:
    item = parse_history_item("x", {"prompt": "nope", "outputs": [], "status": None})
    assert (item.prompt_id, item.number, item.outputs, item.status_str) == ("x", 0.0, (), "")


def test_upload_name_from_workflow_with_extra_pnginfo() -> None:
    item = parse_history(body("05-upload-img2img/get_history_item.json"))[0]
    assert item.workflow is not None


def test_submit_result() -> None:
    result = parse_submit_result(body("01-success-with-previews/post_prompt.json"), "mine")
    assert result.prompt_id == "ebcc45e6-e9c6-4ec2-9dd6-1d09d3866739"
    assert result.number == 1.0
    assert result.node_errors == ()


def test_node_errors_map_to_node_and_input() -> None:
    rejected = PromptRejected.from_body(body("02-validation-errors/bad_values.json"))
    assert rejected.error.type == "prompt_outputs_failed_validation"
    pairs = sorted((node, e.input_name, e.type) for node, e in rejected.input_errors())
    assert pairs == [
        ("3", "cfg", "invalid_input_type"),
        ("3", "steps", "value_smaller_than_min"),
        ("4", "ckpt_name", "value_not_in_list"),
        ("5", "width", "value_bigger_than_max"),
    ]
    by_node = {n.node_id: n for n in rejected.node_errors}
    assert by_node["5"].class_type == "EmptyLatentImage"
    assert by_node["5"].dependent_outputs == ("9",)
    assert by_node["5"].errors[0].extra_info["received_value"] == 100000


def test_string_lists() -> None:
    assert "checkpoints" in parse_string_list(body("00-server-info/models.json"), "models")
    with pytest.raises(ProtocolError):
        parse_string_list({"a": 1}, "models")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:8188/", "http://127.0.0.1:8188"),
        ("127.0.0.1:8188", "http://127.0.0.1:8188"),
        ("https://example.org/comfy/?x=1", "https://example.org/comfy"),
        ("  http://host:1/a/b//  ", "http://host:1/a/b"),
    ],
)
def test_normalize_base_url(given: str, expected: str) -> None:
    assert normalize_base_url(given) == expected


@pytest.mark.parametrize("bad", ["ftp://host/", "http://", ""])
def test_normalize_base_url_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_base_url(bad)


def test_urls_keep_prefix_and_quote_segments() -> None:
    http = HttpTransport("https://example.org/comfy", query={"token": "s e/cret"})
    assert str(http.api_url("object_info", "My Node/v2?")) == (
        "https://example.org/comfy/api/object_info/My%20Node%2Fv2%3F"
    )
    ws = http.ws_url("abc")
    assert ws.scheme == "wss"
    assert ws.path == "/comfy/ws"
    assert dict(ws.query) == {"token": "s e/cret", "clientId": "abc"}
    assert HttpTransport.redact(ws) == "wss://example.org/comfy/ws"
    assert HttpTransport("http://h:1").ws_url("x").scheme == "ws"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("my input.png", "my_input.png"),
        ("../../evil.png", "evil.png"),
        ("C:\\Users\\me\\photo.JPG", "photo.JPG"),
        ("..", "upload.png"),
        ("", "upload.png"),
        (".hidden.png", "hidden.png"),
        ("画像 1.webp", "画像_1.webp"),
        ("a\x00b;rm -rf.png", "ab_rm_-rf.png"),
        ("setup.exe", "setup.exe.bin"),
        ("COM¹.png", "_COM¹.png"),
        ("x\u202egnp.exe", "xgnp.exe.bin"),
        ("x" * 300 + ".png", "x" * 116 + ".png"),
        ("???.png", "upload.png"),
    ],
)
def test_safe_upload_name(given: str, expected: str) -> None:
    assert safe_upload_name(given) == expected


def test_reply_mapping() -> None:
    ok = Reply(200, "application/json", b'{"a": 1}', "http://h/api/x")
    assert ok.is_json
    assert ok.json() == {"a": 1}
    html = Reply(200, "text/html", b"<!DOCTYPE html><title>Login</title>", "http://h/api/x")
    with pytest.raises(AuthenticationRequired):
        html.json()
    sniffed = Reply(200, "text/plain", b"  <html><body>sign in", "http://h/api/x")
    with pytest.raises(AuthenticationRequired):
        sniffed.json()
    text = Reply(200, "text/plain", b"hello", "http://h/api/x")
    with pytest.raises(ProtocolError):
        text.json()
    failed = Reply(500, "text/plain", b"500 Internal Server Error\n\nServer got itself", "u")
    with pytest.raises(ServerError) as info:
        failed.raise_for_status()
    assert info.value.status == 500
    assert "500 Internal Server Error" in str(info.value)
