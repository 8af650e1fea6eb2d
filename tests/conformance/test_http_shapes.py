"""Every recorded HTTP exchange of ComfyUI 0.3.64 (tests/data/comfyui-captures/), replayed
against the demo server: same status code and the same body structure (exactly the same body
where nothing run-specific is in it). The node definitions of 0.8.0 are covered by
test_object_info_shapes.py."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from tests.conformance.replay import (
    CAPTURES,
    Socket,
    assert_same_shape,
    http_capture,
    normalize,
    post_prompt,
    recorded_prompt,
    run_prompt,
)

SERVER_INFO = "00-server-info"
VALIDATION = "02-validation-errors"


async def fetch(session: aiohttp.ClientSession, base: str, capture: dict[str, Any]) -> Any:
    request = capture["request"]
    async with session.request(
        request["method"], base + request["path"], json=request["json"]
    ) as response:
        assert response.status == capture["status"], await response.text()
        if response.content_type == "application/json":
            return await response.json()
        return await response.read()


@pytest.mark.parametrize(
    "name",
    [
        "queue_idle.json",
        "embeddings.json",
        "models.json",
        "models_checkpoints.json",
        "features.json",
        "history_max2.json",
        "object_info_KSampler.json",
    ],
)
@pytest.mark.demo_only
async def test_fresh_server_answers_exactly_as_recorded(demo_server, name):
    capture = http_capture(SERVER_INFO, name)
    async with aiohttp.ClientSession() as session:
        assert await fetch(session, demo_server.url, capture) == capture["body"]


@pytest.mark.parametrize("name", ["system_stats.json", "extensions.json"])
async def test_informational_routes_have_the_recorded_shape(demo_server, name):
    capture = http_capture(SERVER_INFO, name)
    async with aiohttp.ClientSession() as session:
        assert_same_shape(await fetch(session, demo_server.url, capture), capture["body"])


@pytest.mark.demo_only
async def test_system_stats_says_it_is_the_demo(demo_server):
    async with aiohttp.ClientSession() as session:
        body = await fetch(session, demo_server.url, http_capture(SERVER_INFO, "system_stats.json"))
    assert body["devices"][0]["name"] == "ComfyDesk demo (placeholder images)"
    assert body["system"]["comfyui_version"] == "0.3.64"


@pytest.mark.demo_only
async def test_object_info_is_the_recording_with_our_input_files(demo_server):
    recorded = (CAPTURES / SERVER_INFO / "object_info.json").read_text()
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{demo_server.url}/object_info") as response:
            assert response.status == 200
            ours = await response.json()
        capture = http_capture(SERVER_INFO, "api_object_info_LoadImage.json")
        single = await fetch(session, demo_server.url, capture)
        async with session.get(f"{demo_server.url}/object_info/NoSuchNode") as response:
            assert await response.json() == {}
    theirs = json.loads(recorded)
    for name in ("LoadImage", "LoadImageMask"):
        assert ours[name]["input"]["required"]["image"][0] == ["example.png"]
        ours[name]["input"]["required"]["image"][0] = theirs[name]["input"]["required"]["image"][0]
    assert ours == theirs
    single["LoadImage"]["input"]["required"]["image"][0] = capture["body"]["LoadImage"]["input"][
        "required"
    ]["image"][0]
    assert single == capture["body"]


@pytest.mark.parametrize(
    "name",
    [
        "bad_values.json",
        "no_output_node.json",
        "no_prompt_key.json",
        "unknown_node.json",
        "dangling_link.json",
    ],
)
async def test_validation_errors_match_exactly(demo_server, name):
    capture = http_capture(VALIDATION, name)
    async with aiohttp.ClientSession() as session:
        body = await fetch(session, demo_server.url, capture)
    assert normalize(body) == normalize(capture["body"])


async def test_prompt_that_is_not_an_object_gives_the_bare_500(demo_server):
    capture = http_capture(VALIDATION, "not_a_workflow.json")
    url = f"{demo_server.url}/prompt"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=capture["request"]["json"]) as response,
    ):
        assert response.status == 500
        assert response.content_type == "text/plain"
        assert len(await response.read()) == capture["body"]["_non_json_bytes"]


async def test_malformed_body_gives_the_recorded_plain_text(demo_server):
    capture = http_capture(VALIDATION, "malformed_body.json")
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{demo_server.url}/prompt", data=b"{not json") as response,
    ):
        assert response.status == capture["status"] == 500
        assert await response.text() == capture["body"]


async def test_view_errors_are_bare_statuses(demo_server):
    async with aiohttp.ClientSession() as session:
        for query, capture_name in (
            ({"filename": "../../etc/passwd"}, "view_traversal_attempt.json"),
            ({"filename": "no-such-file.png"}, "view_missing.json"),
        ):
            capture = http_capture("01-success-with-previews", capture_name)
            async with session.get(f"{demo_server.url}/view", params=query) as response:
                assert response.status == capture["status"]
                assert await response.read() == b""


@pytest.mark.demo_only
async def test_run_outputs_and_history_have_the_recorded_shape(demo_server):
    scenario = "01-success-with-previews"
    async with aiohttp.ClientSession() as session:
        socket = await Socket.open(session, demo_server.url)
        posted = await post_prompt(
            session, demo_server.url, recorded_prompt(scenario), socket.client_id
        )
        assert_same_shape(posted, http_capture(scenario, "post_prompt.json")["body"])
        await socket.until_prompt_done(posted["prompt_id"])
        await socket.close()
        async with session.get(f"{demo_server.url}/history/{posted['prompt_id']}") as response:
            item = (await response.json())[posted["prompt_id"]]
        image = item["outputs"]["9"]["images"][0]
        async with session.get(f"{demo_server.url}/view", params=image) as response:
            assert response.status == 200
            assert response.content_type == "image/png"
            png = await response.read()
        params = {**image, "preview": "webp;50"}
        async with session.get(f"{demo_server.url}/view", params=params) as response:
            assert response.content_type == "image/webp"
            assert (await response.read())[8:12] == b"WEBP"
        async with session.get(f"{demo_server.url}/history?max_items=50") as response:
            listing = await response.json()
    recorded = next(iter(http_capture(scenario, "get_history_item.json")["body"].values()))
    assert_same_shape(item, recorded)
    assert item["prompt"][2] == recorded["prompt"][2]  # coerced in place: cfg 8 -> 8.0
    assert png[:8] == (CAPTURES / scenario / "output.png").read_bytes()[:8]
    after = http_capture(SERVER_INFO, "history_after_scenarios.json")["body"]
    assert_same_shape(next(iter(listing.values())), next(iter(after.values())))


@pytest.mark.demo_only
async def test_uploads_and_img2img_history_match_recording(demo_server):
    scenario = "05-upload-img2img"
    png = (CAPTURES / "01-success-with-previews" / "output.png").read_bytes()
    async with aiohttp.ClientSession() as session:
        for name, capture_name in (
            ("my input.png", "upload_image.json"),
            ("my input.png", "upload_same_name_no_overwrite.json"),
            ("../../evil.png", "upload_traversal_name.json"),
        ):
            form = aiohttp.FormData()
            form.add_field("image", png, filename=name, content_type="image/png")
            async with session.post(f"{demo_server.url}/upload/image", data=form) as response:
                assert response.status == 200
                assert await response.json() == http_capture(scenario, capture_name)["body"]
        request = http_capture(scenario, "post_prompt.json")["request"]["json"]
        await run_prompt(session, demo_server.url, request["prompt"])
        socket = await Socket.open(session, demo_server.url)
        changed = {**request["prompt"], "3": dict(request["prompt"]["3"])}
        changed["3"]["inputs"] = {**changed["3"]["inputs"], "seed": 6}
        posted = await post_prompt(
            session,
            demo_server.url,
            changed,
            socket.client_id,
            extra_data=request["extra_data"],
        )
        await socket.until_prompt_done(posted["prompt_id"])
        await socket.close()
        async with session.get(f"{demo_server.url}/history/{posted['prompt_id']}") as response:
            item = (await response.json())[posted["prompt_id"]]
        async with session.get(f"{demo_server.url}/object_info/LoadImage") as response:
            listed = (await response.json())["LoadImage"]["input"]["required"]["image"][0]
    recorded = next(iter(http_capture(scenario, "get_history_item.json")["body"].values()))
    assert_same_shape(item, recorded)
    assert item["prompt"][3] == {**request["extra_data"], "client_id": socket.client_id}
    recorded_listing = http_capture(SERVER_INFO, "api_object_info_LoadImage.json")["body"]
    assert listed == recorded_listing["LoadImage"]["input"]["required"]["image"][0]
