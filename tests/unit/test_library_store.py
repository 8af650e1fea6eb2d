"""The Library facade end to end: storing results, exactly-once, search, star, delete,
export and "check library"."""

from __future__ import annotations

import hashlib
import io
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from desktop.library import Library, LibraryQuery, read_png_metadata, store
from desktop.library.errors import (
    CatalogDamagedError,
    ExportError,
    LibraryClosedError,
    LibraryError,
)
from tests.conftest import shared_path

SAMPLE = shared_path("workflows", "images", "comfyui_png_with_prompt_and_workflow_0.png")
SAMPLE_1 = shared_path("workflows", "images", "comfyui_png_with_prompt_and_workflow_1.png")
WEBP = shared_path("workflows", "images", "comfyui_animated_webp_with_exif_metadata.webp")
CAPTURE = shared_path("comfyui-captures", "01-success-with-previews")
SERVER = "http://127.0.0.1:8188"


@pytest.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    library = await Library.open(tmp_path / "library")
    yield library
    await library.close()


def png(text: str = "", size: tuple[int, int] = (8, 8), color: int = 0) -> bytes:
    info = PngInfo()
    info.add_text("prompt", text or '{"1": {"class_type": "X", "inputs": {}}}')
    out = io.BytesIO()
    Image.new("RGB", size, (color, 0, 0)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def prompt_for(text: str, seed: int, model: str) -> dict:
    return {
        "3": {"class_type": "KSampler", "inputs": {
            "seed": seed, "steps": 20, "cfg": 7.0, "sampler_name": "euler",
            "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
            "negative": ["7", 0], "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": model}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 768}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": text, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
        "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0]}},
    }  # fmt: skip


async def add(lib: Library, data: bytes, name: str = "ComfyUI_00001_.png", **kw):
    kw.setdefault("prompt_id", "p-1")
    kw.setdefault("node_id", "9")
    return await lib.add_result(data=data, server_filename=name, server_url=SERVER, **kw)


# -- storing results ----------------------------------------------------------------------


async def test_open_creates_layout(lib: Library) -> None:
    assert (lib.root / "images").is_dir()
    assert (lib.root / "thumbs").is_dir()
    assert (lib.root / "catalog.sqlite3").is_file()


async def test_real_server_output_lands_with_metadata_and_identical_bytes(lib: Library) -> None:
    data = (CAPTURE / "output.png").read_bytes()
    item = await add(
        lib, data, "ComfyUI_00003_.png", prompt_id="ebcc45e6-e9c6-4ec2-9dd6-1d09d3866739",
        node_title="Save Image", created=1_795_262_910.7,
    )  # fmt: skip
    assert item.path.read_bytes() == data
    assert item.path.is_relative_to(lib.root / "images")
    assert re.fullmatch(r"\d{4}-\d{2}", item.path.parent.name)
    assert item.file_name == "ComfyUI_00003_.png"
    assert (item.width, item.height) == (64, 64)
    assert item.prompt is not None  # read from the PNG since none was passed
    assert item.prompt["3"]["inputs"]["seed"] == 11
    assert item.workflow is None
    assert item.params.positive == "beautiful scenery"
    assert item.params.models == ("random-sd15.safetensors",)
    assert (item.prompt_id, item.node_id, item.node_title) == (
        "ebcc45e6-e9c6-4ec2-9dd6-1d09d3866739", "9", "Save Image",
    )  # fmt: skip
    assert item.created == 1_795_262_910.7
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.source == "job"
    assert read_png_metadata(item.path)[0] == item.prompt
    assert await lib.get(item.id) == item


async def test_passed_prompt_and_workflow_win_over_embedded_ones(lib: Library) -> None:
    data = SAMPLE.read_bytes()
    prompt = prompt_for("a castle", 5, "m.safetensors")
    item = await add(lib, data, prompt=prompt, workflow={"nodes": []}, subfolder="batch")
    assert item.prompt == prompt
    assert item.workflow == {"nodes": []}
    assert item.params.positive == "a castle"
    assert item.server_subfolder == "batch"
    assert item.path.read_bytes() == data
    with Image.open(item.path) as stored:
        assert stored.info["workflow"].startswith('{"last_node_id": 9')


@pytest.mark.parametrize(
    ("hostile", "stored"),
    [
        ("../../x.png", "x.png"),
        ("..\\..\\x.png", "x.png"),
        ("/etc/passwd", "passwd.png"),
        ("CON.png", "_CON.png"),
        ("nul", "_nul.png"),
        ("a" * 300 + ".png", "a" * 116 + ".png"),
        ("猫の絵.png", "猫の絵.png"),
        ("🦊🎨.png", "🦊🎨.png"),
        ("bad\x00name\x07\n.png", "badname.png"),
    ],
)
async def test_hostile_server_filenames_stay_inside_the_library(
    lib: Library, hostile: str, stored: str
) -> None:
    item = await add(lib, png(), hostile)
    assert item.file_name == stored
    assert item.path.name == stored
    assert item.path.resolve().is_relative_to((lib.root / "images").resolve())
    assert item.server_filename == hostile
    assert item.path.read_bytes() == png()


async def test_same_name_twice_never_overwrites(lib: Library) -> None:
    first = await add(lib, png(color=1), "x.png", prompt_id="a")
    second = await add(lib, png(color=2), "x.png", prompt_id="b")
    assert first.id != second.id
    assert first.path.parent == second.path.parent
    assert (first.path.name, second.path.name) == ("x.png", "x-1.png")
    assert first.path.read_bytes() == png(color=1)
    assert second.path.read_bytes() == png(color=2)


async def test_adding_the_same_result_twice_gives_one_item(lib: Library) -> None:
    data = SAMPLE.read_bytes()
    first = await add(lib, data, subfolder="sub")
    again = await add(lib, data, subfolder="sub")
    assert again == first
    assert await lib.count(LibraryQuery()) == 1
    files = [p for p in (lib.root / "images").rglob("*") if p.is_file()]
    assert files == [first.path]


async def test_concurrent_adds_of_one_result_give_one_item(lib: Library) -> None:
    import asyncio

    data = SAMPLE.read_bytes()
    items = await asyncio.gather(*(add(lib, data) for _ in range(5)))
    assert len({item.id for item in items}) == 1
    assert await lib.count(LibraryQuery()) == 1


async def test_same_bytes_under_another_key_are_one_item(lib: Library) -> None:
    data = SAMPLE.read_bytes()
    first = await add(lib, data, prompt_id="p-1")
    dup = await add(lib, data, "other.png", prompt_id="p-2", node_id="12")
    assert dup.id == first.id
    assert (await lib.find_result("p-1", "9", "", "ComfyUI_00001_.png")) == first
    assert await lib.find_result("p-3", "9", "", "ComfyUI_00001_.png") is None
    assert (await lib.find_result("p-2", "12", "", "other.png")) == first
    assert await lib.find_result("p-2", "12", "", "missing.png") is None


async def test_different_batch_images_are_separate_items(lib: Library) -> None:
    a = await add(lib, SAMPLE.read_bytes(), "ComfyUI_00001_.png", batch_index=0)
    b = await add(lib, SAMPLE_1.read_bytes(), "ComfyUI_00002_.png", batch_index=1)
    assert a.id != b.id
    assert (a.batch_index, b.batch_index) == (0, 1)


async def test_non_image_results_are_kept(lib: Library) -> None:
    item = await add(lib, b"just some text output", "notes.txt")
    assert (item.width, item.height) == (None, None)
    assert item.path.read_bytes() == b"just some text output"


async def test_closed_library_refuses_work(tmp_path: Path) -> None:
    library = await Library.open(tmp_path / "lib")
    await library.close()
    await library.close()  # twice is fine
    with pytest.raises(LibraryClosedError):
        await library.count(LibraryQuery())


async def test_a_damaged_catalogue_is_set_aside_and_a_fresh_one_keeps_new_results(
    tmp_path: Path,
) -> None:
    root = tmp_path / "lib"
    async with await Library.open(root) as library:
        old = await add(library, png("an old picture"), "old.png", prompt_id="old")
    garbage = b"this is not a database" * 100
    (root / "catalog.sqlite3").write_bytes(garbage)
    async with await Library.open(root) as library:
        damage = library.damage
        assert damage is not None
        assert "not a database" in damage.reason
        assert damage.kept_as is not None
        assert damage.kept_as.parent == root
        assert damage.kept_as.read_bytes() == garbage  # kept, never deleted
        assert await library.count(LibraryQuery()) == 0
        new = await add(library, png("a new picture"), "new.png", prompt_id="new")
        assert new.path.is_file()
        assert await ids(library) == [new.id]
    async with await Library.open(root) as library:  # quit before checking: still said
        assert library.damage == damage
        report = await library.check()  # lists the pictures already in the folder again
        assert report.recatalogued == (old.path,)
        assert library.damage is None
        assert await library.count(LibraryQuery()) == 2
    async with await Library.open(root) as library:
        assert library.damage is None
        assert await library.count(LibraryQuery()) == 2


async def test_a_catalogue_from_a_newer_version_is_kept_aside_too(tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    newer.mkdir()
    with sqlite3.connect(newer / "catalog.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    async with await Library.open(newer) as library:
        assert library.damage is not None
        assert "newer version of ComfyDesk" in library.damage.reason
        with sqlite3.connect(library.damage.kept_as) as kept:
            assert kept.execute("PRAGMA user_version").fetchone()[0] == 99
        kept.close()


async def test_a_catalogue_damaged_in_use_gives_way_to_a_fresh_one(lib: Library) -> None:
    await add(lib, png("before"), "before.png", prompt_id="before")
    catalogue = lib.root / "catalog.sqlite3"
    with sqlite3.connect(catalogue) as other:  # everything into the main file first
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    other.close()
    catalogue.write_bytes(b"\0garbage" * 2000)  # the same file, under the open connection
    with pytest.raises(CatalogDamagedError):
        await lib.count(LibraryQuery())
    after = await add(lib, png("after"), "after.png", prompt_id="after")
    assert after.path.is_file()
    assert lib.damage is not None
    assert await ids(lib) == [after.id]


async def test_pictures_are_written_with_the_users_umask(lib: Library) -> None:
    mask = os.umask(0o022)
    try:
        item = await add(lib, png("readable"), "mode.png")
    finally:
        os.umask(mask)
    assert item.path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0o600


async def test_unusable_root_is_a_clear_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(LibraryError, match="cannot be used"):
        await Library.open(not_a_folder)


async def test_reopening_keeps_items(tmp_path: Path) -> None:
    async with await Library.open(tmp_path / "lib") as library:
        item = await add(library, SAMPLE.read_bytes())
    async with await Library.open(tmp_path / "lib") as library:
        assert await library.get(item.id) == item


# -- search, star -------------------------------------------------------------------------


@pytest.fixture
async def three(lib: Library) -> list:
    specs = [
        ("a red fox in snow", 42, "sd15.safetensors", 1_000.0),
        ("猫の絵 with a hat", 7, "SDXL/base.safetensors", 2_000.0),
        ("castle at dusk, ox cart", 2**64 - 1, "sd15.safetensors", 3_000.0),
    ]
    items = []
    for index, (text, seed, model, created) in enumerate(specs):
        items.append(
            await add(
                lib, png(color=index), f"img_{index}.png", prompt_id=f"p{index}",
                prompt=prompt_for(text, seed, model), created=created,
            )
        )  # fmt: skip
    return items


async def ids(lib: Library, **query) -> list[int]:
    return [item.id for item in await lib.search(LibraryQuery(**query))]


@pytest.mark.parametrize("fts", [True, False])
async def test_search(lib: Library, three: list, fts: bool) -> None:
    if not fts:
        lib._core.catalog.has_fts = False  # the LIKE fallback for SQLite builds without FTS5
    fox, cat, castle = (item.id for item in three)
    assert await ids(lib) == [castle, cat, fox]  # newest first
    assert await ids(lib, text="fox") == [fox]
    assert await ids(lib, text="FOX snow") == [fox]
    assert await ids(lib, text="fox castle") == []
    assert await ids(lib, text="猫の絵") == [cat]
    assert await ids(lib, text="猫") == [cat]
    assert await ids(lib, text="ox") == [castle, fox]  # short terms match substrings too
    assert await ids(lib, text="blurry") == [castle, cat, fox]  # negative prompt
    assert await ids(lib, text="sdxl") == [cat]  # model name
    assert await ids(lib, text="img_1") == [cat]  # file name
    assert await ids(lib, text='100% "quoted"') == []
    assert await ids(lib, model="sd15.safetensors") == [castle, fox]
    assert await ids(lib, model="sdxl/BASE.safetensors") == [cat]
    assert await ids(lib, model="sd15") == []
    assert await ids(lib, seed=7) == [cat]
    assert await ids(lib, seed=2**64 - 1) == [castle]
    assert await ids(lib, since=2_000.0) == [castle, cat]
    assert await ids(lib, until=2_000.0) == [fox]
    assert await ids(lib, since=1_500.0, until=2_500.0, text="hat") == [cat]


async def test_search_box_words_find_seeds_and_days(lib: Library) -> None:
    made = [
        ("a red fox", 123456, datetime(2026, 12, 3, 9, 30)),
        ("castle 123456 towers", 7, datetime(2026, 12, 4, 0, 0)),  # the number as text
        ("a fox cub", 99, datetime(2026, 11, 30, 23, 59)),
    ]
    fox, castle, cub = [
        (
            await add(
                lib, png(color=n), f"day_{n}.png", prompt_id=f"d{n}",
                prompt=prompt_for(text, seed, "sd15.safetensors"), created=when.timestamp(),
            )
        ).id
        for n, (text, seed, when) in enumerate(made)
    ]  # fmt: skip
    assert await ids(lib, text="123456") == [castle, fox]  # the seed, or the text
    assert await ids(lib, text="seed:123456") == [fox]  # the seed only
    assert await ids(lib, text="SEED=99") == [cub]
    assert await ids(lib, text="2026-12-03") == [fox]
    assert await ids(lib, text="2026/12/4") == [castle]
    assert await ids(lib, text="2026-12") == [castle, fox]
    assert await ids(lib, text="2026-11 fox") == [cub]
    assert await ids(lib, text="2026-13-45") == []  # not a date: looked for as text


async def test_search_results_are_summaries(lib: Library, three: list) -> None:
    (summary,) = await lib.search(LibraryQuery(seed=42))
    assert summary.prompt is None
    assert not summary.graphs_loaded
    assert summary.params == three[0].params
    (full,) = await lib.search(LibraryQuery(seed=42), with_graphs=True)
    assert full == three[0]


async def test_count_page_and_models(lib: Library, three: list) -> None:
    assert await lib.count(LibraryQuery()) == 3
    assert await lib.count(LibraryQuery(model="sd15.safetensors")) == 2
    page = await lib.page(LibraryQuery(), offset=1, limit=1)
    assert [item.id for item in page] == [three[1].id]
    assert await lib.models() == ["sd15.safetensors", "SDXL/base.safetensors"]


async def test_star(lib: Library, three: list) -> None:
    await lib.set_starred(three[0].id, True)
    await lib.set_starred(three[2].id, True)
    assert await ids(lib, starred_only=True) == [three[2].id, three[0].id]
    await lib.set_starred(three[2].id, False)
    assert await ids(lib, starred_only=True) == [three[0].id]
    item = await lib.get(three[0].id)
    assert item is not None
    assert item.starred


# -- delete ---------------------------------------------------------------------------------


async def test_delete_moves_files_to_the_trash(
    lib: Library, three: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trashed: list[str] = []

    def fake_trash(path: str) -> None:
        trashed.append(path)
        os.replace(path, tmp_path / "trash-bin")

    monkeypatch.setattr(store, "send2trash", fake_trash)
    thumb = await lib.thumbnail(three[0].id)
    report = await lib.delete([three[0].id, 999])
    assert report.removed_ids == (three[0].id,)
    assert report.trashed == (three[0].path,)
    assert not report.used_permanent_delete
    assert trashed == [str(three[0].path)]
    assert not three[0].path.exists()
    assert not thumb.exists()
    assert await lib.get(three[0].id) is None
    assert await lib.find_result("p0", "9", "", "img_0.png") is None
    assert await ids(lib) == [three[2].id, three[1].id]


async def test_delete_without_a_trash_falls_back_and_says_so(
    lib: Library, three: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_trash(path: str) -> None:
        raise OSError("no trash can on this volume")

    monkeypatch.setattr(store, "send2trash", no_trash)
    report = await lib.delete([three[1].id])
    assert report.deleted_permanently == (three[1].path,)
    assert report.used_permanent_delete
    assert not three[1].path.exists()

    kept = await lib.delete([three[2].id], permanent_fallback=False)
    assert kept.removed_ids == ()
    assert kept.failed[0][0] == three[2].id
    assert "no trash can" in kept.failed[0][1]
    assert three[2].path.exists()
    assert await lib.get(three[2].id) is not None

    monkeypatch.setattr(store, "send2trash", None)  # Send2Trash not installed
    report = await lib.delete([three[2].id])
    assert report.deleted_permanently == (three[2].path,)
    assert list((lib.root / "images").rglob("*.png")) == [three[0].path]


# -- export ---------------------------------------------------------------------------------


async def test_export_with_and_without_metadata(lib: Library, tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    item = await add(lib, data)
    dest = tmp_path / "export"

    (kept,) = await lib.export([item.id], dest, keep_metadata=True)
    assert kept.read_bytes() == data
    with Image.open(kept) as exported:
        assert set(exported.info) >= {"prompt", "workflow"}

    (stripped,) = await lib.export([item.id], dest, keep_metadata=False)
    assert stripped.name == "ComfyUI_00001_-1.png"  # never overwrites the first export
    assert read_png_metadata(stripped) == (None, None)
    with Image.open(stripped) as clean, Image.open(SAMPLE) as original:
        assert "prompt" not in clean.info
        assert "workflow" not in clean.info
        assert clean.tobytes() == original.tobytes()


async def test_export_strips_webp_exif_and_keeps_frames(lib: Library, tmp_path: Path) -> None:
    item = await add(lib, WEBP.read_bytes(), "anim.webp")
    (stripped,) = await lib.export([item.id], tmp_path / "out", keep_metadata=False)
    assert read_png_metadata(stripped) == (None, None)
    with Image.open(stripped) as clean:
        assert clean.format == "WEBP"
        assert clean.n_frames == 2
        assert "exif" not in clean.info


async def test_export_reports_failures_after_exporting_the_rest(
    lib: Library, tmp_path: Path
) -> None:
    good = await add(lib, SAMPLE.read_bytes())
    text = await add(lib, b"plain text", "notes.txt", prompt_id="p-2")
    with pytest.raises(ExportError) as caught:
        await lib.export([good.id, text.id, 12345], tmp_path / "out", keep_metadata=False)
    assert [p.name for p in caught.value.exported] == ["ComfyUI_00001_.png"]
    assert [item_id for item_id, _ in caught.value.failed] == [text.id, 12345]
    assert "2 item(s) could not be exported" in str(caught.value)


# -- check library --------------------------------------------------------------------------


async def test_crash_between_file_and_row_is_repaired_by_check(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = SAMPLE.read_bytes()

    def crash(*args: object, **kwargs: object) -> int:
        raise RuntimeError("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(lib._core.catalog, "insert", crash)
        with pytest.raises(RuntimeError, match="power cut"):
            await add(lib, data)
    orphan = next((lib.root / "images").rglob("*.png"))
    assert orphan.read_bytes() == data
    assert await lib.count(LibraryQuery()) == 0

    report = await lib.check()
    assert report.recatalogued == (orphan,)
    assert report.removed_missing == ()
    (item,) = await lib.search(LibraryQuery(text="red fox"), with_graphs=True)
    assert item.path == orphan
    assert item.source == "recovered"
    assert item.params.seed == 42
    assert item.workflow is not None

    # The jobs layer retrying the same result now finds it: still exactly one item.
    again = await add(lib, data)
    assert again.id == item.id
    assert await lib.count(LibraryQuery()) == 1
    assert (await lib.check()).clean


async def _crash_while_adding(lib: Library, data: bytes, times: int) -> None:
    """``times`` attempts to store ``data`` that each die between the file and its row."""

    def crash(*args: object, **kwargs: object) -> int:
        raise RuntimeError("power cut")

    original = lib._core.catalog.insert
    lib._core.catalog.insert = crash  # type: ignore[method-assign]
    try:
        for _ in range(times):
            with pytest.raises(RuntimeError, match="power cut"):
                await add(lib, data)
    finally:
        lib._core.catalog.insert = original  # type: ignore[method-assign]


async def test_repeated_checks_never_duplicate_catalogued_bytes(lib: Library) -> None:
    data = SAMPLE.read_bytes()
    kept = await add(lib, data)
    # Orphan copies of a catalogued picture, as crashed retries or a copy by hand leave them.
    for name in ("ComfyUI_00001_-2.png", "ComfyUI_00001_-3.png", "copy of it.png"):
        (kept.path.parent / name).write_bytes(data)
    other_month = lib.root / "images" / "2020-01"
    other_month.mkdir()
    (other_month / "ComfyUI_00001_.png").write_bytes(data)
    orphans = sorted(p for p in (lib.root / "images").rglob("*.png") if p != kept.path)
    assert len(orphans) == 4

    report = await lib.check()
    assert report.recatalogued == ()
    assert sorted(report.removed_duplicates) == orphans
    for _ in range(3):
        assert (await lib.check()).clean
    assert await lib.count(LibraryQuery()) == 1
    assert [p for p in (lib.root / "images").rglob("*") if p.is_file()] == [kept.path]
    assert kept.path.read_bytes() == data


async def test_new_orphan_and_its_copies_become_exactly_one_item(lib: Library) -> None:
    data = SAMPLE.read_bytes()
    await _crash_while_adding(lib, data, 7)
    assert await lib.count(LibraryQuery()) == 0

    report = await lib.check()
    assert len(report.recatalogued) == 1
    assert len(report.removed_duplicates) == 6
    for _ in range(3):
        assert (await lib.check()).clean
        assert await lib.count(LibraryQuery()) == 1
    (item,) = await lib.search(LibraryQuery())
    assert item.path.read_bytes() == data
    assert (await add(lib, data)).id == item.id


async def test_catalogued_file_changed_on_disk_does_not_swallow_its_old_bytes(
    lib: Library,
) -> None:
    data = png(color=3)
    item = await add(lib, data, "a.png")
    item.path.write_bytes(png(color=4))  # edited in another program: the row's hash is stale
    (item.path.parent / "b.png").write_bytes(data)
    report = await lib.check()
    assert [p.name for p in report.recatalogued] == ["b.png"]
    assert report.removed_duplicates == ()
    assert await lib.count(LibraryQuery()) == 2


async def test_check_removes_rows_whose_file_is_gone(lib: Library) -> None:
    keep = await add(lib, png(color=1), "keep.png", prompt_id="a")
    gone = await add(lib, png(color=2), "gone.png", prompt_id="b")
    gone.path.unlink()
    report = await lib.check()
    assert report.removed_missing == (gone.path,)
    assert report.missing_count == 1
    assert report.recatalogued == ()
    assert await lib.get(gone.id) is None
    assert await lib.get(keep.id) is not None


async def test_check_removes_interrupted_writes(lib: Library) -> None:
    folder = lib.root / "images" / "2025-01"
    folder.mkdir(parents=True)
    temp = folder / ".comfydesk-abcd.part"
    temp.write_bytes(b"half a png")
    reservation = folder / "ComfyUI_00009_.png"
    reservation.touch()
    report = await lib.check()
    assert sorted(report.removed_partial) == sorted([temp, reservation])
    assert report.recatalogued == ()
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
async def test_check_does_not_follow_symlinks(lib: Library, tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(png())
    link = lib.root / "images" / "link.png"
    link.symlink_to(outside)
    report = await lib.check()
    assert report.skipped == (link,)
    assert await lib.count(LibraryQuery()) == 0
