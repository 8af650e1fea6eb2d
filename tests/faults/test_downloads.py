"""``ComfyClient.download``: streamed to a temp file, bounded by inactivity (not in total) and
by size, nothing left behind on failure."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest

from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import DownloadTooLarge, ServerTooSlow
from desktop.comfy.types import ImageRef
from tests.faults.conftest import AUTH, Faulty
from tests.protocol.jobs_support import eventually, txt2img

pytestmark = pytest.mark.demo_only


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "downloads"
    path.mkdir()
    return path


def entries(folder: Path) -> list[Path]:
    return list(folder.iterdir())


async def a_picture(faulty: Faulty) -> ImageRef:
    async with ComfyClient(faulty.demo.url, headers=AUTH, client_id=uuid.uuid4().hex) as client:
        pid = (await client.submit(txt2img(batch=1))).prompt_id
        item = await eventually(lambda: client.history_item(pid))
    return item.outputs[0].images[0]


def client_for(faulty: Faulty, **options) -> ComfyClient:
    return ComfyClient(faulty.url, headers=AUTH, client_id=uuid.uuid4().hex, **options)


async def test_a_slow_steady_download_outlasts_the_timeout(faulty: Faulty, folder: Path):
    ref = await a_picture(faulty)
    faulty.hostile.add("/view", "trickle", delay=0.15)  # ~1.5 s in all, never idle 0.5 s
    async with client_for(faulty, timeout=0.5) as client:
        started = time.monotonic()
        path = await client.download(ref, folder)
        assert time.monotonic() - started > 0.5
    assert path.parent == folder
    assert path.name.startswith(".comfydesk-")
    assert path.read_bytes().startswith(b"\x89PNG")


async def test_a_stalled_download_fails_and_leaves_nothing(faulty: Faulty, folder: Path):
    ref = await a_picture(faulty)
    faulty.hostile.add("/view", "slow_body")
    async with client_for(faulty, timeout=0.5) as client:
        with pytest.raises(ServerTooSlow, match="the download stalled"):
            await client.download(ref, folder)
    assert entries(folder) == []


async def test_an_announced_size_over_the_cap_is_refused_before_reading(
    faulty: Faulty, folder: Path
):
    faulty.hostile.add("/view", "announce_huge", size=2**40)
    async with client_for(faulty, timeout=30, max_download=2**20) as client:
        async with asyncio.timeout(10):  # the body never comes: only the header can decide
            with pytest.raises(DownloadTooLarge):
                await client.download(ImageRef("x.png"), folder)
    assert entries(folder) == []


@pytest.mark.parametrize("in_memory", [False, True])
async def test_an_endless_body_stops_at_the_cap(faulty: Faulty, folder: Path, in_memory):
    faulty.hostile.add("/view", "huge", size=64 * 2**20)
    async with client_for(faulty, max_download=3 * 2**20) as client:
        ref = ImageRef("x.png")
        fetch = client.view(ref) if in_memory else client.download(ref, folder)
        with pytest.raises(DownloadTooLarge, match="limit of 3 MB"):
            await fetch
    assert entries(folder) == []
