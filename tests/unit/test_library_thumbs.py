"""Thumbnails: 256 px, cached on disk, and hostile images rejected with a clear error."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from desktop.library import Library, LibraryError, ThumbnailError, thumbs
from tests.conftest import shared_path

SAMPLE = shared_path("workflows", "images", "comfyui_png_with_prompt_and_workflow_0.png")


@pytest.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    library = await Library.open(tmp_path / "library")
    yield library
    await library.close()


async def add(lib: Library, data: bytes, name: str = "x.png") -> int:
    item = await lib.add_result(
        data=data, server_filename=name, prompt_id=name, server_url="http://s", node_id="9"
    )
    return item.id


def encoded(size: tuple[int, int], fmt: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128)[: len(mode)]).save(out, fmt)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions: a decompression bomb as far as Pillow can tell."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("size", "expected"), [((1024, 512), (256, 128)), ((300, 900), (85, 256)), ((64, 64), (64, 64))]
)
async def test_thumbnail_longest_side_is_256(lib: Library, size: tuple, expected: tuple) -> None:
    item_id = await add(lib, encoded(size))
    path = await lib.thumbnail(item_id)
    assert path.is_relative_to(lib.root / "thumbs")
    with Image.open(path) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == expected


async def test_transparent_and_jpeg_sources(lib: Library) -> None:
    rgba = await add(lib, encoded((512, 512), mode="RGBA"), "alpha.png")
    jpeg = await add(lib, encoded((2048, 1024), fmt="JPEG"), "photo.jpg")
    for item_id, expected in ((rgba, (256, 256)), (jpeg, (256, 128))):
        with Image.open(await lib.thumbnail(item_id)) as thumb:
            assert (thumb.mode, thumb.size) == ("RGB", expected)


async def test_thumbnail_is_cached(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    real = thumbs.render_thumbnail

    def counting(source: Path, dest: Path, size: int = 256) -> Path:
        calls.append(source)
        return real(source, dest, size)

    monkeypatch.setattr(thumbs, "render_thumbnail", counting)
    item_id = await add(lib, SAMPLE.read_bytes())
    first, second, *rest = await asyncio.gather(*(lib.thumbnail(item_id) for _ in range(4)))
    assert first == second
    assert rest == [first, first]
    assert await lib.thumbnail(item_id) == first
    assert len(calls) == 1


async def test_decompression_bomb_is_rejected(lib: Library) -> None:
    item_id = await add(lib, png_header_only(30_000, 30_000), "bomb.png")
    item = await lib.get(item_id)
    assert item is not None
    assert (item.width, item.height) == (None, None)  # stored, but never decoded
    with pytest.raises(ThumbnailError, match="too large to open safely") as caught:
        await lib.thumbnail(item_id)
    assert caught.value.path == item.path
    assert not any((lib.root / "thumbs").rglob("*.jpg"))


async def test_images_over_the_warning_limit_are_rejected_too(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between MAX_IMAGE_PIXELS and twice that, Pillow only warns; the library refuses.
    item_id = await add(lib, encoded((64, 64)))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 3_000)
    with pytest.raises(ThumbnailError, match="too large to open safely"):
        await lib.thumbnail(item_id)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (SAMPLE.read_bytes()[:300], "damaged or incomplete"),
        (b"\x89PNG\r\n\x1a\n" + b"\xff" * 100, "not an image ComfyDesk can read"),
        (b"this is text", "not an image ComfyDesk can read"),
    ],
)
async def test_corrupt_images_give_a_clear_error(lib: Library, data: bytes, message: str) -> None:
    item_id = await add(lib, data, "broken.png")
    with pytest.raises(ThumbnailError, match=message):
        await lib.thumbnail(item_id)


async def test_missing_file_and_unknown_item(lib: Library) -> None:
    item_id = await add(lib, SAMPLE.read_bytes())
    item = await lib.get(item_id)
    assert item is not None
    item.path.unlink()
    with pytest.raises(ThumbnailError, match="missing from the library folder"):
        await lib.thumbnail(item_id)
    with pytest.raises(LibraryError, match="not in the library"):
        await lib.thumbnail(424242)
