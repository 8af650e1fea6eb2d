"""Replay each recorded scenario against the demo server and compare every WebSocket frame
with the recording of the real ComfyUI 0.3.64 (after normalising ids, times, file numbers)."""

from __future__ import annotations

import copy

import aiohttp
import pytest

from tests.conformance.replay import (
    CAPTURES,
    Frame,
    Socket,
    http_capture,
    normalize_frame,
    post_prompt,
    recorded_prompt,
    run_prompt,
    ws_capture,
)

pytestmark = pytest.mark.demo_only


def assert_frames_match(ours: list[Frame], recorded: list[Frame]) -> None:
    ours_n = [normalize_frame(f) for f in ours]
    recorded_n = [normalize_frame(f) for f in recorded]
    assert [f.get("type", f.get("binary")) for f in ours_n] == [
        f.get("type", f.get("binary")) for f in recorded_n
    ]
    for index, (mine, theirs) in enumerate(zip(ours_n, recorded_n, strict=True)):
        assert mine == theirs, f"frame {index}"


async def test_success_with_previews_and_a_second_client(demo_server_factory):
    handle = await demo_server_factory()
    prompt = recorded_prompt("01-success-with-previews")
    async with aiohttp.ClientSession() as session:
        # The recorded run found 4, 6 and 7 cached from an earlier prompt with another latent.
        warm_up = copy.deepcopy(prompt)
        warm_up["5"]["inputs"]["width"] = 128
        await run_prompt(session, handle.url, warm_up)

        submitter = await Socket.open(session, handle.url)
        other = await Socket.open(session, handle.url)
        body = await post_prompt(session, handle.url, prompt, submitter.client_id)
        await submitter.until_prompt_done(body["prompt_id"])
        # A queue change is broadcast to everyone: a marker that `other` has seen it all.
        async with session.post(f"{handle.url}/queue", json={"clear": True}) as response:
            assert response.status == 200
        await other.read_until(lambda f: f.type == "status" and len(other.frames) > 4)
        await submitter.close()
        await other.close()

    assert_frames_match(
        submitter.frames, ws_capture("01-success-with-previews", "ws_submitter.jsonl")
    )
    assert_frames_match(
        other.frames[:-1], ws_capture("01-success-with-previews", "ws_other_client.jsonl")
    )
    assert submitter.frames[0].data["sid"] == submitter.client_id


async def test_execution_error_matches_recording(demo_server_factory):
    handle = await demo_server_factory()
    async with aiohttp.ClientSession() as session:
        # The recorded failure followed scenario 01, whose 64x64 latent (node 5) was cached.
        await run_prompt(session, handle.url, recorded_prompt("01-success-with-previews"))
        socket = await Socket.open(session, handle.url)
        body = await post_prompt(
            session, handle.url, recorded_prompt("03-execution-error"), socket.client_id
        )
        await socket.until_prompt_done(body["prompt_id"])
        await socket.close()
        async with session.get(f"{handle.url}/history/{body['prompt_id']}") as response:
            history = await response.json()

    assert_frames_match(socket.frames, ws_capture("03-execution-error", "ws_submitter.jsonl"))
    error = next(f.data for f in socket.frames if f.type == "execution_error")
    assert error["exception_type"] == "safetensors._safetensors_rust.SafetensorError"
    assert error["current_inputs"] == {"ckpt_name": ["broken.safetensors"]}
    item = history[body["prompt_id"]]
    recorded = next(
        iter(http_capture("03-execution-error", "get_history_item.json")["body"].values())
    )
    assert item["status"]["status_str"] == recorded["status"]["status_str"] == "error"
    assert item["status"]["completed"] is False
    assert normalize_frame(Frame(message=item)) == normalize_frame(Frame(message=recorded)) | {
        "prompt": normalize_frame(Frame(message=item))["prompt"]
    }


async def test_upload_and_img2img_match_recording(demo_server_factory):
    handle = await demo_server_factory()
    async with aiohttp.ClientSession() as session:
        png = (CAPTURES / "01-success-with-previews" / "output.png").read_bytes()
        for name in ("my input.png", "my input.png", "../../evil.png"):
            form = aiohttp.FormData()
            form.add_field("image", png, filename=name, content_type="image/png")
            async with session.post(f"{handle.url}/upload/image", data=form) as response:
                assert response.status == 200
        socket = await Socket.open(session, handle.url)
        request = http_capture("05-upload-img2img", "post_prompt.json")["request"]["json"]
        body = await post_prompt(
            session,
            handle.url,
            request["prompt"],
            socket.client_id,
            extra_data=request["extra_data"],
        )
        await socket.until_prompt_done(body["prompt_id"])
        await socket.close()
    assert_frames_match(socket.frames, ws_capture("05-upload-img2img", "ws_submitter.jsonl"))


async def test_feature_flags_and_preview_metadata_match_recording(demo_server_factory):
    handle = await demo_server_factory()
    async with aiohttp.ClientSession() as session:
        socket = await Socket.open(
            session, handle.url, feature_flags={"supports_preview_metadata": True}
        )
        body = await post_prompt(
            session,
            handle.url,
            recorded_prompt("06-feature-flags-preview-metadata"),
            socket.client_id,
        )
        await socket.until_prompt_done(body["prompt_id"])
        await socket.close()
    assert_frames_match(
        socket.frames, ws_capture("06-feature-flags-preview-metadata", "ws_submitter.jsonl")
    )


def collapse_steps(kinds: list[str]) -> list[str]:
    """Sampler steps repeat a fixed group; how many ran before an interrupt is timing."""
    out: list[str] = []
    index = 0
    step = ["progress_state", "progress", "binary:1"]
    while index < len(kinds):
        if kinds[index : index + 3] == step:
            if out[-1:] != ["STEP+"]:
                out.append("STEP+")
            index += 3
        else:
            out.append(kinds[index])
            index += 1
    return out


def kinds_for(frames: list[Frame], prompt_id: str | None) -> list[str]:
    """Message kinds of one prompt (binary previews count for the prompt running then)."""
    kinds = []
    running = None
    for frame in frames:
        if frame.binary is not None:
            if running == prompt_id:
                kinds.append(f"binary:{int.from_bytes(frame.binary[:4], 'big')}")
            continue
        data = frame.data if isinstance(frame.data, dict) else {}
        if frame.type == "execution_start":
            running = data["prompt_id"]
        if frame.type != "status" and data.get("prompt_id") == prompt_id:
            kinds.append(frame.type)
    return collapse_steps(kinds)


def statuses(frames: list[Frame]) -> list[int]:
    return [f.data["status"]["exec_info"]["queue_remaining"] for f in frames if f.type == "status"]


async def test_queue_delete_and_interrupts_match_recording(demo_server_factory):
    handle = await demo_server_factory(step_delay=0.05)
    server = handle.server
    scenario = "04-queue-cancel-interrupt"
    prompts = [recorded_prompt(scenario, f"post_prompt_{i}.json") for i in range(3)]
    async with aiohttp.ClientSession() as session:
        # The recording found 4, 6 and 7 cached from scenario 05; 5 (128x128) was new.
        await run_prompt(session, handle.url, recorded_prompt("01-success-with-previews"))
        socket = await Socket.open(session, handle.url)
        first = await post_prompt(session, handle.url, prompts[0], socket.client_id)
        await socket.read_until(lambda f: f.type == "progress")
        server.step_delay = 60.0  # park the first prompt inside a step
        second = await post_prompt(session, handle.url, prompts[1], socket.client_id)
        third = await post_prompt(session, handle.url, prompts[2], socket.client_id)
        async with session.get(f"{handle.url}/queue") as response:
            while_running = await response.json()
        async with session.post(
            f"{handle.url}/queue", json={"delete": [third["prompt_id"]]}
        ) as response:
            assert response.status == 200
            assert await response.read() == b""
        async with session.get(f"{handle.url}/queue") as response:
            after_delete = await response.json()
        server.step_delay = 0.2
        async with session.post(
            f"{handle.url}/interrupt", json={"prompt_id": first["prompt_id"]}
        ) as response:
            assert response.status == 200
        await socket.until_prompt_done(first["prompt_id"])
        await socket.read_until(
            lambda f: f.type == "progress" and f.data["prompt_id"] == second["prompt_id"]
        )
        async with session.post(f"{handle.url}/interrupt", json={}) as response:
            assert response.status == 200
        await socket.until_prompt_done(second["prompt_id"])
        await socket.close()
        histories = []
        for body in (first, second, third):
            async with session.get(f"{handle.url}/history/{body['prompt_id']}") as response:
                histories.append(await response.json())

    recorded = ws_capture(scenario, "ws_submitter.jsonl")
    recorded_ids = [
        http_capture(scenario, f"post_prompt_{i}.json")["body"]["prompt_id"] for i in range(3)
    ]
    # The recorded socket stayed open during later scenarios; compare up to its last prompt.
    end = max(
        i
        for i, f in enumerate(recorded)
        if f.type == "executing" and f.data == {"node": None, "prompt_id": recorded_ids[1]}
    )
    recorded = recorded[: end + 1]
    assert statuses(socket.frames) == statuses(recorded) == [0, 1, 1, 2, 3, 2, 1, 1, 0]
    for ours, theirs in ((first, recorded_ids[0]), (second, recorded_ids[1])):
        assert kinds_for(socket.frames, ours["prompt_id"]) == kinds_for(recorded, theirs)
    assert [item[1] for item in while_running["queue_running"]] == [first["prompt_id"]]
    assert sorted(item[1] for item in while_running["queue_pending"]) == sorted(
        [second["prompt_id"], third["prompt_id"]]
    )
    assert [item[1] for item in after_delete["queue_pending"]] == [second["prompt_id"]]
    assert [item[0] for item in while_running["queue_pending"]] == [
        second["number"],
        third["number"],
    ]
    for index in (0, 1):
        ours_item = histories[index][(first, second)[index]["prompt_id"]]
        theirs = http_capture(scenario, f"history_{index}.json")["body"][recorded_ids[index]]
        assert normalize_frame(Frame(message=ours_item["status"])) == normalize_frame(
            Frame(message=theirs["status"])
        )
        assert ours_item["outputs"] == theirs["outputs"] == {}
    assert histories[2] == http_capture(scenario, "history_2.json")["body"] == {}
