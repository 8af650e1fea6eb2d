"""/view and /upload rules of the demo server (PROTOCOL.md §2.8-2.10)."""

from __future__ import annotations

import io

import aiohttp
import pytest
from PIL import Image

pytestmark = pytest.mark.demo_only


def png(color: tuple[int, ...], mode: str = "RGB", text: str | None = None) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if text:
        info.add_text("prompt", text)
    buffer = io.BytesIO()
    Image.new(mode, (8, 6), color).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


async def upload(session, base, data, name, route="/upload/image", **fields):
    form = aiohttp.FormData()
    form.add_field("image", data, filename=name, content_type="image/png")
    for key, value in fields.items():
        form.add_field(key, value)
    async with session.post(base + route, data=form) as response:
        return response.status, (await response.json() if response.status == 200 else None)


async def test_upload_names_collisions_and_overwrite(demo_server):
    base = demo_server.url
    async with aiohttp.ClientSession() as session:
        assert await upload(session, base, png((1, 2, 3)), "a.png") == (
            200,
            {"name": "a.png", "subfolder": "", "type": "input"},
        )
        assert (await upload(session, base, png((1, 2, 3)), "a.png"))[1]["name"] == "a.png"
        assert (await upload(session, base, png((9, 9, 9)), "a.png"))[1]["name"] == "a (1).png"
        assert (await upload(session, base, png((8, 8, 8)), "a.png"))[1]["name"] == "a (2).png"
        again = await upload(session, base, png((7, 7, 7)), "a.png", overwrite="true")
        assert again[1]["name"] == "a.png"
        assert await upload(session, base, png((1, 1, 1)), "x.png", subfolder="../..") == (
            400,
            None,
        )
        assert (await upload(session, base, png((1, 1, 1)), "t.png", type="temp"))[1] == {
            "name": "t.png",
            "subfolder": "",
            "type": "temp",
        }
        status, _ = await upload(session, base, png((1, 1, 1)), "t.png", type="elsewhere")
        assert status == 500
        async with session.post(f"{base}/upload/image", data={"type": "input"}) as response:
            assert response.status == 400
        async with session.get(
            f"{base}/view", params={"filename": "a.png", "type": "input"}
        ) as response:
            with Image.open(io.BytesIO(await response.read())) as image:
                assert image.getpixel((0, 0)) == (7, 7, 7)
        async with session.get(f"{base}/object_info/LoadImage") as response:
            listed = (await response.json())["LoadImage"]["input"]["required"]["image"][0]
    assert listed == ["a (1).png", "a (2).png", "a.png", "example.png"]


async def test_view_path_rules(demo_server):
    base = demo_server.url
    async with aiohttp.ClientSession() as session:
        await upload(session, base, png((5, 5, 5)), "v.png", subfolder="deep")

        async def status(**query: str) -> int:
            async with session.get(f"{base}/view", params=query) as response:
                await response.read()
                return response.status

        assert await status(filename="v.png", type="input", subfolder="deep") == 200
        assert await status(filename="deep/v.png", type="input") == 404  # basename only
        assert await status(filename="x/../v.png", type="input") == 400
        assert await status(filename="/etc/passwd") == 400
        assert await status(filename="v.png", type="input", subfolder="../..") == 403
        assert await status(filename="v.png", type="secrets") == 400
        assert await status(filename="example.png [input]", type="output") == 200
        assert await status() == 404


async def test_view_reencodes_and_splits_channels(demo_server):
    base = demo_server.url
    async with aiohttp.ClientSession() as session:
        await upload(session, base, png((10, 20, 30, 40), mode="RGBA"), "rgba.png")
        results = {}
        for extra in (
            {"preview": "jpeg;50"},
            {"preview": "bmp"},
            {"channel": "rgb"},
            {"channel": "a"},
        ):
            params = {"filename": "rgba.png", "type": "input", **extra}
            async with session.get(f"{base}/view", params=params) as response:
                results[next(iter(extra.values()))] = (response.content_type, await response.read())
    assert results["jpeg;50"][0] == "image/jpeg"
    assert results["bmp"][0] == "image/webp"
    with Image.open(io.BytesIO(results["rgb"][1])) as image:
        assert (image.mode, image.getpixel((0, 0))) == ("RGB", (10, 20, 30))
    with Image.open(io.BytesIO(results["a"][1])) as image:
        assert image.getpixel((0, 0)) == (0, 0, 0, 40)


async def test_mask_upload_keeps_the_original_and_its_metadata(demo_server):
    base = demo_server.url
    async with aiohttp.ClientSession() as session:
        await upload(session, base, png((200, 100, 50), text='{"1": {}}'), "orig.png")
        ref = '{"filename": "orig.png", "type": "input"}'
        status, body = await upload(
            session,
            base,
            png((0, 0, 0, 77), mode="RGBA"),
            "orig_mask.png",
            "/upload/mask",
            original_ref=ref,
        )
        assert status == 200
        async with session.get(
            f"{base}/view", params={"filename": body["name"], "type": "input"}
        ) as response:
            data = await response.read()
    with Image.open(io.BytesIO(data)) as merged:
        assert merged.getpixel((0, 0)) == (200, 100, 50, 77)
        assert merged.text["prompt"] == '{"1": {}}'
