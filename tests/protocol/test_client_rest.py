"""Every REST route of ComfyClient against a server that answers with recorded bodies."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from PIL import Image

from desktop.comfy.client import ComfyClient, probe
from desktop.comfy.errors import PromptRejected, ServerError
from desktop.comfy.types import ImageRef
from tests.protocol.recorded_server import RecordedComfy, recorded, recorded_body, running_fake


@pytest.fixture
async def fake_comfy() -> AsyncIterator[RecordedComfy]:
    async with running_fake() as fake:
        yield fake


PROMPT = recorded("01-success-with-previews/post_prompt.json")["request"]["json"]["prompt"]


async def test_server_info_routes(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url + "/") as client:
        assert client.base_url == fake_comfy.url
        stats = await client.system_stats()
        assert stats.comfyui_version == "0.3.64"
        assert await client.features() == {
            "supports_preview_metadata": True,
            "max_upload_size": 104857600,
        }
        assert "checkpoints" in await client.model_folders()
        assert await client.models("checkpoints") == recorded_body(
            "00-server-info/models_checkpoints.json"
        )
        assert await client.embeddings() == []
    assert [r.path for r in fake_comfy.requests] == [
        "/api/system_stats",
        "/api/features",
        "/api/models",
        "/api/models/checkpoints",
        "/api/embeddings",
    ]


async def test_probe(fake_comfy: RecordedComfy) -> None:
    stats = await probe(fake_comfy.url, headers={"X-Probe": "1"})
    assert stats.comfyui_version == "0.3.64"
    assert fake_comfy.seen("/api/system_stats")[0].headers["X-Probe"] == "1"


async def test_unknown_model_folder_is_server_error(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(ServerError) as info:
            await client.models("nope")
    assert info.value.status == 404


async def test_object_info(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        info = await client.object_info()
        assert len(info) == len(recorded_body("00-server-info/object_info.json"))
        sampler = info["KSampler"]
        assert sampler.input("seed").max == 18446744073709551615
        assert sampler.input("sampler_name").type == "COMBO"
        image = info["LoadImage"].input("image")
        assert image is not None
        assert image.image_upload
        assert "NoSuchNode" not in info
        raw = await client.object_info_raw_bytes()
        assert json.loads(raw).keys() == info.raw.keys()


async def test_submit_sends_fresh_ids_and_workflow(fake_comfy: RecordedComfy) -> None:
    workflow = {"nodes": [], "links": [], "version": 0.4}
    async with ComfyClient(fake_comfy.url, client_id="desk-1") as client:
        first = await client.submit(PROMPT, workflow=workflow, extra_data={"x": 1})
        second = await client.submit(PROMPT, front=True)
        chosen = await client.submit(PROMPT, prompt_id="11111111-2222-4333-8444-555555555555")
    sent = [json.loads(r.body) for r in fake_comfy.seen("/api/prompt")]
    assert sent[0]["client_id"] == "desk-1"
    assert sent[0]["prompt"] == PROMPT
    assert sent[0]["extra_data"] == {"x": 1, "extra_pnginfo": {"workflow": workflow}}
    assert "front" not in sent[0]
    assert sent[1]["front"] is True
    assert sent[1]["extra_data"] == {}
    ids = [s["prompt_id"] for s in sent]
    assert ids[0] != ids[1]
    for pid in ids[:2]:
        assert str(uuid.UUID(pid)) == pid  # canonical lowercase hyphenated form
    assert ids[2] == "11111111-2222-4333-8444-555555555555"
    assert (first.prompt_id, second.prompt_id) == (ids[0], ids[1])
    assert chosen.number == 1.0
    assert first.node_errors == ()


async def test_submit_rejected_maps_node_errors(fake_comfy: RecordedComfy) -> None:
    async def rejected(request: web.Request) -> web.StreamResponse:
        return web.json_response(recorded_body("02-validation-errors/bad_values.json"), status=400)

    fake_comfy.override("/prompt", rejected)
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(PromptRejected) as info:
            await client.submit(PROMPT)
    assert str(info.value) == "Prompt outputs failed validation"
    assert sorted((node, e.input_name) for node, e in info.value.input_errors()) == [
        ("3", "cfg"),
        ("3", "steps"),
        ("4", "ckpt_name"),
        ("5", "width"),
    ]


@pytest.mark.parametrize(
    ("status", "text"),
    [(500, "500 Internal Server Error\n\nServer got itself in trouble"), (400, "Bad request")],
)
async def test_submit_plain_text_error_is_server_error(
    fake_comfy: RecordedComfy, status: int, text: str
) -> None:
    async def plain(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text=text)

    fake_comfy.override("/prompt", plain)
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(ServerError) as info:
            await client.submit(PROMPT)
    assert info.value.status == status
    assert info.value.body == text
    assert text.splitlines()[0] in str(info.value)


async def test_submit_accepted_with_node_errors(fake_comfy: RecordedComfy) -> None:
    partial = {
        "prompt_id": "x",
        "number": 4,
        "node_errors": recorded_body("02-validation-errors/bad_values.json")["node_errors"],
    }

    async def accepted(request: web.Request) -> web.StreamResponse:
        return web.json_response({**partial, "prompt_id": (await request.json())["prompt_id"]})

    fake_comfy.override("/prompt", accepted)
    async with ComfyClient(fake_comfy.url) as client:
        result = await client.submit(PROMPT)
    assert result.number == 4.0
    assert sorted(n.node_id for n in result.node_errors) == ["3", "4", "5"]


async def test_queue_routes(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        queue = await client.queue()
        await client.delete_queued(["a", "b"])
        await client.interrupt("6fa96e13-3bc8-46ae-932b-251a0f53856e")
        await client.interrupt()
    assert queue.position("6fa96e13-3bc8-46ae-932b-251a0f53856e") == 0
    assert [p.number for p in queue.pending] == [11.0, 12.0]
    bodies = [(r.path, json.loads(r.body)) for r in fake_comfy.requests if r.method == "POST"]
    assert bodies == [
        ("/api/queue", {"delete": ["a", "b"]}),
        ("/api/interrupt", {"prompt_id": "6fa96e13-3bc8-46ae-932b-251a0f53856e"}),
        ("/api/interrupt", {}),
    ]


async def test_history_routes(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        page = await client.history(max_items=50, offset=0)
        item = await client.history_item("ebcc45e6-e9c6-4ec2-9dd6-1d09d3866739")
        missing = await client.history_item("32a83438-1275-4c08-a7f4-1c0bdf633c69")
    assert fake_comfy.seen("/api/history")[0].query == {"max_items": "50", "offset": "0"}
    assert page[0].prompt_id == "448cd465-1d97-4029-a7ad-b5a7b370942e"
    assert item is not None
    assert item.images[0][1].filename == "ComfyUI_00003_.png"
    assert missing is None


async def test_view_and_preview(fake_comfy: RecordedComfy) -> None:
    ref = ImageRef("ComfyUI_00003_.png", "", "output")
    async with ComfyClient(fake_comfy.url) as client:
        png = await client.view(ref)
        webp = await client.view(ref, preview="webp;50")
        with pytest.raises(ServerError) as info:
            await client.view(ImageRef("missing.png"))
    assert info.value.status == 404
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
    with Image.open(io.BytesIO(webp)) as image:
        assert image.format == "WEBP"
    views = fake_comfy.seen("/api/view")
    assert views[0].query == {"filename": "ComfyUI_00003_.png", "subfolder": "", "type": "output"}
    assert views[1].query["preview"] == "webp;50"


async def test_upload_image_uses_a_safe_name(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        spaced = await client.upload_image(b"\x89PNG...", "my input.png")
        escaped = await client.upload_image(b"\x89PNG...", "../../evil.png", subfolder="sub")
        unicode = await client.upload_image(b"x", "画像.png", overwrite=True)
    assert spaced == ImageRef("my_input.png", "", "input")
    assert escaped == ImageRef("evil.png", "sub", "input")
    assert unicode == ImageRef("画像.png", "", "input")
    sent = fake_comfy.seen("/api/upload/image")
    assert b'filename="my_input.png"' in sent[0].body
    assert b'name="overwrite"\r\n\r\nfalse' in sent[0].body
    assert b'name="overwrite"\r\n\r\ntrue' in sent[2].body
    assert b"Content-Type: image/png" in sent[0].body


async def test_upload_answer_from_recording_is_returned_as_is(fake_comfy: RecordedComfy) -> None:
    async def renamed(request: web.Request) -> web.StreamResponse:
        return web.json_response(recorded_body("05-upload-img2img/upload_traversal_name.json"))

    fake_comfy.override("/upload/image", renamed)
    async with ComfyClient(fake_comfy.url) as client:
        ref = await client.upload_image(b"x", "evil.png")
    assert ref == ImageRef("..%2F..%2Fevil.png", "", "input")


async def test_upload_mask_names_the_original(fake_comfy: RecordedComfy) -> None:
    original = ImageRef("photo.png", "in", "input")
    async with ComfyClient(fake_comfy.url) as client:
        ref = await client.upload_mask(b"mask", "mask.png", original)
    assert ref.filename == "mask.png"
    body = fake_comfy.seen("/api/upload/mask")[0].body
    expected = json.dumps({"filename": "photo.png", "subfolder": "in", "type": "input"})
    assert f'name="original_ref"\r\n\r\n{expected}'.encode() in body


async def test_path_prefix_is_kept() -> None:
    async with running_fake("/comfy") as fake, ComfyClient(fake.url + "/comfy/") as client:
        assert client.base_url == fake.url + "/comfy"
        assert (await client.system_stats()).comfyui_version == "0.3.64"
    assert [r.path for r in fake.requests] == ["/comfy/api/system_stats"]


async def test_a_long_queue_is_read_in_the_worker_process(fake_comfy: RecordedComfy) -> None:
    """1,000 queued jobs make /queue ~1 MB: parsing it in the app held the GIL ~35 ms a time,
    a GUI stall at every refresh. The worker leaves the prompts out; the rest is the same."""
    prompt = {"1": {"class_type": "X", "inputs": {"text": "x" * 400}}}
    extra = {"client_id": "c1"}
    pending = [[n, f"p{n}", prompt, extra, ["9"]] for n in range(1000)]
    big = json.dumps({"queue_running": [], "queue_pending": pending})

    async def queue(_request: web.Request) -> web.Response:
        return web.Response(text=big, content_type="application/json")

    fake_comfy.override("/queue", queue)
    async with ComfyClient(fake_comfy.url) as client:
        assert not client._offload.started
        snapshot = await client.queue()
        assert client._offload.started  # the worker process read it
    assert [i.prompt_id for i in snapshot.pending] == [f"p{n}" for n in range(1000)]
    assert snapshot.pending[5].client_id == "c1"
    assert snapshot.pending[5].outputs_to_execute == ("9",)
    assert snapshot.pending[5].prompt is None
