"""The client against the demo server (or a real ComfyUI with COMFYDESK_TEST_SERVER)."""

from __future__ import annotations

import asyncio
import io
import json

import pytest
from PIL import Image

from desktop.comfy import messages as m
from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import AuthenticationRequired, PromptRejected
from desktop.comfy.stream import EventStream
from desktop.comfy.types import ImageRef
from tests.conftest import shared_path

CAPTURES = shared_path("comfyui-captures")


def recorded_prompt(name: str) -> dict:
    return json.loads((CAPTURES / name).read_text())["request"]["json"]["prompt"]


TXT2IMG = recorded_prompt("01-success-with-previews/post_prompt.json")


async def next_of(stream: EventStream, kind: type, limit: float = 20.0):
    async with asyncio.timeout(limit):
        async for event in stream:
            if isinstance(event, kind):
                return event
    raise AssertionError(f"stream ended before a {kind.__name__}")


async def run_events(stream: EventStream, prompt_id: str, limit: float = 60.0) -> list:
    """This prompt's events (and connection events) until its ``executing: null``."""
    events: list = []
    async with asyncio.timeout(limit):
        async for event in stream:
            if (
                isinstance(event, m.ConnectionEvent)
                or getattr(event, "prompt_id", None) == prompt_id
            ):
                events.append(event)
            if isinstance(event, m.Executing) and event.finished and event.prompt_id == prompt_id:
                return events
    raise AssertionError("stream ended before the prompt finished")


@pytest.mark.real_server_ok
async def test_txt2img_run_end_to_end(demo_server) -> None:
    async with ComfyClient(demo_server.url) as client:
        stats = await client.system_stats()
        assert stats.comfyui_version
        stream = client.events()
        connected = await next_of(stream, m.Connected)
        assert connected.server_flags.get("supports_preview_metadata") is True
        prompt = json.loads(json.dumps(TXT2IMG))
        prompt["3"]["inputs"]["seed"] = 4242
        submitted = await client.submit(prompt, workflow={"nodes": []})
        events = await run_events(stream, submitted.prompt_id)
        await stream.close()

        kinds = [type(e) for e in events]
        assert kinds.index(m.ExecutionStart) < kinds.index(m.ExecutionSuccess)
        assert kinds.index(m.ExecutionSuccess) < len(kinds) - 1  # before executing: null
        previews = [e for e in events if isinstance(e, m.PreviewImage)]
        assert previews, "live previews (a real server needs --preview-method latent2rgb or taesd)"
        for preview in previews:
            assert preview.event == m.EVENT_PREVIEW_IMAGE_WITH_METADATA
            assert preview.node_id == "3"
            with Image.open(io.BytesIO(preview.image)) as image:
                image.load()
        executed = [e for e in events if isinstance(e, m.Executed)]
        assert executed[-1].images

        item = await client.history_item(submitted.prompt_id)
        assert item is not None
        assert item.status_str == "success"
        assert item.workflow == {"nodes": []}
        node_id, ref = item.images[0]
        assert node_id == "9"
        data = await client.view(ref)
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert image.size == (64, 64)


@pytest.mark.real_server_ok
async def test_rejected_prompt_maps_errors_to_inputs(demo_server) -> None:
    bad = recorded_prompt("02-validation-errors/bad_values.json")
    async with ComfyClient(demo_server.url) as client:
        with pytest.raises(PromptRejected) as info:
            await client.submit(bad)
    assert info.value.error.type == "prompt_outputs_failed_validation"
    assert sorted((node, e.input_name) for node, e in info.value.input_errors()) == [
        ("3", "cfg"),
        ("3", "steps"),
        ("4", "ckpt_name"),
        ("5", "width"),
    ]


@pytest.mark.real_server_ok
async def test_node_definitions_models_and_upload(demo_server) -> None:
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(png, "PNG")
    async with ComfyClient(demo_server.url) as client:
        info = await client.object_info()
        assert info["KSampler"].input("steps").min == 1
        assert "random-sd15.safetensors" in await client.models("checkpoints")
        ref = await client.upload_image(png.getvalue(), "my input.png", overwrite=True)
        assert ref == ImageRef("my_input.png", "", "input")
        load_image = (await client.object_info())["LoadImage"].input("image")
        assert load_image is not None
        assert "my_input.png" in (load_image.choices or ())
        assert await client.view(ref) == png.getvalue()


@pytest.mark.demo_only
async def test_socket_dropped_mid_run_then_reconnected(demo_server) -> None:
    demo_server.server.step_delay = 0.05
    async with ComfyClient(demo_server.url) as client:
        stream = client.events()
        await next_of(stream, m.Connected)
        prompt = json.loads(json.dumps(TXT2IMG))
        prompt["3"]["inputs"]["steps"] = 20
        submitted = await client.submit(prompt)
        await next_of(stream, m.Progress)
        await demo_server.server.drop_websockets()
        drop = await next_of(stream, m.Disconnected)
        assert drop.retry_in is not None
        assert not drop.auth_required
        assert (await next_of(stream, m.Connected)).client_id == client.client_id
        assert stream.connected
        # Messages sent while the socket was down are lost (PROTOCOL.md §9.2); the rest of
        # the run reaches the new socket because it registered under the same client id.
        events = await run_events(stream, submitted.prompt_id)
        await stream.close()
        assert any(isinstance(e, m.Progress) for e in events)
        item = await client.history_item(submitted.prompt_id)
        assert item is not None
        assert item.status_str == "success"


@pytest.mark.demo_only
async def test_queue_positions_delete_and_interrupt(demo_server) -> None:
    demo_server.server.hold()
    async with ComfyClient(demo_server.url) as client:
        ids = []
        for seed in (1, 2, 3):
            prompt = json.loads(json.dumps(TXT2IMG))
            prompt["3"]["inputs"]["seed"] = seed
            ids.append((await client.submit(prompt)).prompt_id)
        front = (await client.submit(TXT2IMG, front=True)).prompt_id
        queue = await client.queue()
        assert [i.prompt_id for i in queue.pending] == [front, *ids]
        await client.delete_queued([ids[1]])
        await client.delete_queued([front, ids[0], ids[2]])
        queue = await client.queue()
        assert queue.pending == ()
        await client.interrupt()
        demo_server.server.release()


@pytest.mark.demo_only
async def test_token_protected_server(demo_server_factory) -> None:
    handle = await demo_server_factory(require_token="s3cret")
    async with ComfyClient(handle.url) as client:
        with pytest.raises(AuthenticationRequired):
            await client.system_stats()
        stream = client.events()
        drop = await next_of(stream, m.Disconnected)
        await stream.close()
        assert drop.auth_required
    async with ComfyClient(handle.url, headers={"Authorization": "Bearer s3cret"}) as client:
        assert (await client.system_stats()).comfyui_version
        stream = client.events()
        assert (await next_of(stream, m.Connected)).client_id == client.client_id
        await stream.close()
