"""What the demo worker sends and writes while it runs prompts."""

from __future__ import annotations

import io
import json
import struct

import aiohttp
import pytest
from PIL import Image

from tests.conformance.replay import Frame, Socket, post_prompt, recorded_prompt, run_prompt
from tests.conftest import shared_path

pytestmark = pytest.mark.demo_only


def txt2img() -> dict:
    return recorded_prompt("01-success-with-previews")


def kinds(frames: list[Frame]) -> list[str]:
    return [f.type or f"binary:{struct.unpack('>I', f.binary[:4])[0]}" for f in frames]


async def test_identical_rerun_is_served_from_cache(demo_server):
    async with aiohttp.ClientSession() as session:
        first_id = await run_prompt(session, demo_server.url, txt2img())
        socket = await Socket.open(session, demo_server.url)
        body = await post_prompt(session, demo_server.url, txt2img(), socket.client_id)
        frames = await socket.until_prompt_done(body["prompt_id"])
        async with session.get(f"{demo_server.url}/history") as response:
            history = await response.json()
        async with session.post(f"{demo_server.url}/free", json={"free_memory": True}):
            pass
        again = await post_prompt(session, demo_server.url, txt2img(), socket.client_id)
        rerun = await socket.until_prompt_done(again["prompt_id"])
        await socket.close()
    assert kinds(frames) == [
        "status",
        "status",
        "execution_start",
        "execution_cached",
        "executed",
        "progress_state",
        "execution_success",
        "status",
        "executing",
    ]
    assert frames[3].data["nodes"] == ["3", "4", "5", "6", "7", "8", "9"]
    assert frames[4].data["output"] == history[first_id]["outputs"]["9"]
    assert history[body["prompt_id"]]["outputs"] == history[first_id]["outputs"]
    assert next(f for f in rerun if f.type == "execution_cached").data["nodes"] == []


async def test_prompt_without_client_id_broadcasts_only_progress(demo_server):
    async with aiohttp.ClientSession() as session:
        watcher = await Socket.open(session, demo_server.url)
        async with session.post(f"{demo_server.url}/prompt", json={"prompt": txt2img()}) as r:
            prompt_id = (await r.json())["prompt_id"]
        await watcher.read_until(
            lambda f: f.type == "status" and f.data["status"]["exec_info"]["queue_remaining"] == 0
        )
        await watcher.close()
        async with session.get(f"{demo_server.url}/history/{prompt_id}") as response:
            assert (await response.json())[prompt_id]["status"]["status_str"] == "success"
    seen = set(kinds(watcher.frames))
    assert seen == {"status", "progress_state", "progress", "binary:1"}


async def test_reconnect_replays_the_running_node(demo_server_factory):
    handle = await demo_server_factory(step_delay=60.0)
    async with aiohttp.ClientSession() as session:
        socket = await Socket.open(session, handle.url, client_id="artist")
        body = await post_prompt(session, handle.url, txt2img(), "artist")
        await socket.read_until(lambda f: f.type == "executing" and f.data["node"] == "3")
        await socket.close()
        again = await Socket.open(session, handle.url, client_id="artist")
        replay = await again.read_until(lambda f: f.type == "executing")
        handle.server.interrupt()
        await again.until_prompt_done(body["prompt_id"])
        await again.close()
    assert replay[-1].data == {"node": "3"}


async def test_previews_follow_the_config(demo_server_factory):
    plain = await demo_server_factory(previews=False)
    small = await demo_server_factory(preview_size=96)
    frames = []
    async with aiohttp.ClientSession() as session:
        for handle, flags in ((plain, None), (small, {"supports_preview_metadata": True})):
            socket = await Socket.open(session, handle.url, feature_flags=flags)
            prompt = txt2img()
            prompt["5"]["inputs"].update(width=256, height=128)
            body = await post_prompt(session, handle.url, prompt, socket.client_id)
            await socket.until_prompt_done(body["prompt_id"])
            await socket.close()
            frames.append(socket.frames)
    assert not [f for f in frames[0] if f.binary is not None]
    assert [f.data["value"] for f in frames[0] if f.type == "progress"] == [1, 2, 3]
    previews = [f.binary for f in frames[1] if f.binary is not None]
    assert len(previews) == 3
    length = struct.unpack(">I", previews[0][4:8])[0]
    with Image.open(io.BytesIO(previews[0][8 + length :])) as image:
        assert (image.format, image.size) == ("JPEG", (96, 48))


async def test_save_image_batches_into_subfolders_with_metadata(demo_server):
    prompt = json.loads(
        shared_path("workflows", "api", "txt2img_batch2_subfolder.json").read_text()
    )
    prompt["10"] = {"class_type": "PreviewImage", "inputs": {"images": ["8", 0]}}
    prompt["11"] = {
        "class_type": "SaveAnimatedWEBP",
        "inputs": {
            "images": ["8", 0],
            "filename_prefix": "anim",
            "fps": 6.0,
            "lossless": False,
            "quality": 80,
            "method": "default",
        },
    }
    workflow = {"nodes": [], "links": [], "note": "UI workflow"}
    async with aiohttp.ClientSession() as session:
        socket = await Socket.open(session, demo_server.url)
        body = await post_prompt(
            session,
            demo_server.url,
            prompt,
            socket.client_id,
            extra_data={"extra_pnginfo": {"workflow": workflow}},
        )
        await socket.until_prompt_done(body["prompt_id"])
        await socket.close()
        async with session.get(f"{demo_server.url}/history/{body['prompt_id']}") as response:
            outputs = (await response.json())[body["prompt_id"]]["outputs"]
        files = {}
        for node in ("9", "10", "11"):
            for image in outputs[node]["images"]:
                async with session.get(f"{demo_server.url}/view", params=image) as response:
                    files[(node, image["filename"])] = await response.read()
    assert outputs["9"]["images"] == [
        {"filename": "ComfyUI_00001_.png", "subfolder": "fox", "type": "output"},
        {"filename": "ComfyUI_00002_.png", "subfolder": "fox", "type": "output"},
    ]
    assert [i["type"] for i in outputs["10"]["images"]] == ["temp", "temp"]
    assert outputs["10"]["images"][0]["filename"].startswith("ComfyUI_temp_")
    assert outputs["11"] == {
        "images": [{"filename": "anim_00001_.webp", "subfolder": "", "type": "output"}],
        "animated": [True],
    }
    with Image.open(io.BytesIO(files[("9", "ComfyUI_00001_.png")])) as png:
        assert png.size == (64, 64)
        assert json.loads(png.text["prompt"])["3"]["inputs"]["cfg"] == 7.0
        assert json.loads(png.text["workflow"]) == workflow
    with Image.open(io.BytesIO(files[("11", "anim_00001_.webp")])) as webp:
        assert webp.n_frames == 2
        assert webp.getexif()[0x010F] == "workflow:" + json.dumps(workflow)


async def test_img2img_takes_the_size_of_the_loaded_image(demo_server):
    source = Image.new("RGB", (120, 72), (10, 200, 30))
    buffer = io.BytesIO()
    source.save(buffer, format="PNG")
    prompt = recorded_prompt("05-upload-img2img")
    prompt["10"]["inputs"]["image"] = "sub/wide.png"
    async with aiohttp.ClientSession() as session:
        form = aiohttp.FormData()
        form.add_field("image", buffer.getvalue(), filename="wide.png")
        form.add_field("subfolder", "sub")
        async with session.post(f"{demo_server.url}/upload/image", data=form) as response:
            assert await response.json() == {
                "name": "wide.png",
                "subfolder": "sub",
                "type": "input",
            }
        prompt_id = await run_prompt(session, demo_server.url, prompt)
        async with session.get(f"{demo_server.url}/history/{prompt_id}") as response:
            image = (await response.json())[prompt_id]["outputs"]["9"]["images"][0]
        async with session.get(f"{demo_server.url}/view", params=image) as response:
            data = await response.read()
    with Image.open(io.BytesIO(data)) as result:
        assert result.size == (120, 72)


async def test_failed_run_reports_the_broken_checkpoint_and_the_worker_goes_on(demo_server):
    broken = txt2img()
    broken["4"]["inputs"]["ckpt_name"] = "broken.safetensors"
    async with aiohttp.ClientSession() as session:
        socket = await Socket.open(session, demo_server.url)
        failed = await post_prompt(session, demo_server.url, broken, socket.client_id)
        fine = await post_prompt(session, demo_server.url, txt2img(), socket.client_id)
        await socket.until_prompt_done(fine["prompt_id"])
        await socket.close()
    errors = [f.data for f in socket.frames if f.type == "execution_error"]
    assert [(e["prompt_id"], e["node_id"], e["node_type"]) for e in errors] == [
        (failed["prompt_id"], "4", "CheckpointLoaderSimple")
    ]
    assert any(f.type == "execution_success" for f in socket.frames)
