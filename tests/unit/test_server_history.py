"""ServerHistory paging against an in-memory history with ComfyUI 0.3.64's offset semantics."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from desktop.base import atomic
from desktop.comfy.parsing import parse_history_item
from desktop.comfy.types import HistoryItem, ImageRef
from desktop.library.server_history import HistoryMoved, ServerHistory, images_of


def png(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (shade % 256, 40, 90)).save(out, "PNG")
    return out.getvalue()


def entry(n: int, *, images: int = 1) -> tuple[str, dict[str, Any]]:
    pid = f"p{n:05d}"
    prompt = {
        "3": {"class_type": "KSampler", "inputs": {"seed": n, "steps": 20, "cfg": 7.0,
              "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
              "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
              "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 48,
              "batch_size": images}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": f"fox {n}", "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
        "9": {"class_type": "SaveImage", "inputs": {"images": ["3", 0]}},
    }  # fmt: skip
    files = [{"filename": f"img_{n:05d}_{b}.png", "subfolder": "", "type": "output"}
             for b in range(images)]  # fmt: skip
    raw = {
        "prompt": [n, pid, prompt, {"extra_pnginfo": {"workflow": {"nodes": []}}}, ["9"]],
        "outputs": {"9": {"images": files}, "12": {"images": [
            {"filename": f"preview_{n}.png", "subfolder": "", "type": "temp"}]}},
        "status": {"status_str": "success", "completed": True, "messages": [
            ["execution_start", {"prompt_id": pid, "timestamp": 1_700_000_000_000 + n}],
            ["execution_success", {"prompt_id": pid, "timestamp": 1_700_000_001_000 + n}]]},
    }  # fmt: skip
    return pid, raw


class FakeHistoryClient:
    """Implements GET /history exactly as PROTOCOL.md §2.7 describes, and /view."""

    base_url = "http://fake:8188"

    def __init__(self, count: int = 0, *, images: int = 1) -> None:
        self.raw: dict[str, dict[str, Any]] = {}
        self.next = 0
        self.images = images
        self.requests: list[tuple[int | None, int | None]] = []
        self.views: list[ImageRef] = []
        self.add(count)

    def add(self, count: int) -> None:
        for _ in range(count):
            pid, raw = entry(self.next, images=self.images)
            self.raw[pid] = raw
            self.next += 1

    def drop_oldest(self, count: int) -> None:
        for pid in list(self.raw)[:count]:
            del self.raw[pid]

    async def history(self, max_items: int | None = None, offset: int | None = None):
        self.requests.append((max_items, offset))
        assert max_items is not None, "the pager must never ask for the whole history"
        items = list(self.raw.items())
        start = len(items) - max_items if offset is None or offset < 0 else offset
        chosen = items[max(0, start) :][:max_items]
        return [parse_history_item(pid, raw) for pid, raw in chosen]

    async def history_item(self, prompt_id: str) -> HistoryItem | None:
        raw = self.raw.get(prompt_id)
        return None if raw is None else parse_history_item(prompt_id, raw)

    async def view(self, ref: ImageRef, *, preview: str | None = None) -> bytes:
        assert preview is None, "thumbnails are made locally, never with /view?preview="
        self.views.append(ref)
        return png(int(ref.filename.split("_")[1]))

    async def download(self, ref: ImageRef, directory: Path) -> Path:
        return atomic.write_temp(directory, await self.view(ref))


def numbers(images) -> list[int]:
    return [int(i.prompt_id[1:]) for i in images]


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 64, 65, 1000, 10_001])
async def test_count_finds_the_exact_total_with_one_item_probes(tmp_path: Path, size: int):
    client = FakeHistoryClient(size)
    history = ServerHistory(client, tmp_path)
    assert await history.count() == size
    assert {m for m, _ in client.requests} == {1}
    assert len(client.requests) <= 2 * max(1, size).bit_length() + 2
    client.requests.clear()
    assert await history.count() == size  # the last total is checked with two probes
    assert len(client.requests) <= 2


async def test_count_follows_growth_and_shrinking(tmp_path: Path):
    client = FakeHistoryClient(50)
    history = ServerHistory(client, tmp_path)
    assert await history.count() == 50
    client.add(13)
    assert await history.count() == 63
    client.raw.clear()
    client.add(5)
    assert await history.count() == 5


async def test_pages_newest_first_down_to_the_oldest(tmp_path: Path):
    client = FakeHistoryClient(23, images=2)
    history = ServerHistory(client, tmp_path, page_size=5)
    pages = [await history.first_page()]
    while history.has_older:
        pages.append(await history.older())
    assert [len(p) for p in pages] == [10, 10, 10, 10, 6]
    seen = [i for page in pages for i in page]
    assert numbers(seen) == [n for n in range(22, -1, -1) for _ in (0, 1)]
    assert [i.batch_index for i in seen[:4]] == [0, 1, 0, 1]
    assert all(i.ref.type == "output" for i in seen)  # temp previews are not listed
    assert await history.older() == []
    assert all(m is not None and m <= 6 for m, _ in client.requests)


async def test_pages_stay_stable_while_new_jobs_finish(tmp_path: Path):
    client = FakeHistoryClient(12)
    history = ServerHistory(client, tmp_path, page_size=4)
    first = await history.first_page()
    client.add(3)  # finished while the user scrolls
    second = await history.older()
    client.add(2)
    rest = await history.older() + await history.older()
    assert numbers(first + second + rest) == list(range(11, -1, -1))
    newer = await history.newer()
    assert not newer.reset
    assert numbers(newer.images) == [16, 15, 14, 13, 12]
    assert (await history.newer()).images == ()


async def test_entries_dropped_at_the_cap_do_not_duplicate_or_skip(tmp_path: Path):
    client = FakeHistoryClient(30)
    history = ServerHistory(client, tmp_path, page_size=5)
    first = await history.first_page()  # 29..25
    client.add(4)
    client.drop_oldest(4)  # the server's cap: every offset moved down by 4
    second = await history.older()
    newer = await history.newer()
    third = await history.older()
    assert numbers(first) == [29, 28, 27, 26, 25]
    assert numbers(second) == [24, 23, 22, 21, 20]
    assert numbers(newer.images) == [33, 32, 31, 30]
    assert numbers(third) == [19, 18, 17, 16, 15]


async def test_a_restart_resets_instead_of_mixing_histories(tmp_path: Path):
    client = FakeHistoryClient(8)
    history = ServerHistory(client, tmp_path, page_size=4)
    await history.first_page()
    client.raw.clear()  # restart: history gone, new prompts arrive
    client.add(2)
    newer = await history.newer()
    assert newer.reset
    assert numbers(newer.images) == [9, 8]
    assert not history.has_older
    assert await history.older() == []


async def test_older_raises_when_the_anchor_is_gone(tmp_path: Path):
    client = FakeHistoryClient(20)
    history = ServerHistory(client, tmp_path, page_size=4)
    await history.first_page()
    client.raw.clear()
    client.add(20)  # same count, different entries
    with pytest.raises(HistoryMoved):
        await history.older()


async def test_image_values_carry_params_and_finish_time():
    pid, raw = entry(7, images=2)
    images = images_of(parse_history_item(pid, raw), "http://fake")
    assert [i.ref.filename for i in images] == ["img_00007_0.png", "img_00007_1.png"]
    first = images[0]
    assert first.params.positive == "fox 7"
    assert first.params.seed == 7
    assert first.params.models == ("m.safetensors",)
    assert first.created == pytest.approx(1_700_000_001.007)
    assert first.status == "success"
    assert first.key == ("p00007", "9", "", "output", "img_00007_0.png")


async def test_originals_download_once_and_thumbnails_are_local(tmp_path: Path):
    client = FakeHistoryClient(2)
    history = ServerHistory(client, tmp_path / "cache")
    image = (await history.first_page())[0]
    assert history.cached_original(image) is None
    thumb = await history.thumbnail(image)
    again = await history.thumbnail(image)
    original = await history.original(image)
    assert thumb == again
    assert len(client.views) == 1
    assert original.suffix == ".png"
    assert history.cached_original(image) == original
    assert original.read_bytes() == png(1)
    with Image.open(thumb) as im:
        assert im.format == "JPEG"
        assert im.size == (64, 48)
    assert tmp_path / "cache" in thumb.parents


async def test_hostile_file_names_stay_inside_the_cache(tmp_path: Path):
    client = FakeHistoryClient(1)
    history = ServerHistory(client, tmp_path / "cache")
    image = (await history.first_page())[0]
    hostile = dataclasses.replace(image, ref=ImageRef("../../x_00001_.png", "../..", "output"))
    path = await history.original(hostile)
    assert (tmp_path / "cache") in path.parents
    assert path.parent.parent == history.cache_dir
