"""Importing an existing ComfyUI output folder: metadata without decoding, searchable rows,
hard links, twins, bad files, and resuming after a cancel or a kill."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from desktop.library import Library, LibraryQuery
from desktop.library.files import link_new_file, month_folder
from desktop.library.import_folder import ImportProgress, import_folder, scan_folder
from tests.conftest import shared_path
from tests.unit.test_library_store import lib, png, prompt_for
from tests.unit.test_library_thumbs import png_header_only

__all__ = ["lib"]  # the library fixture, shared with the store tests

SAMPLE = shared_path("workflows", "images", "comfyui_png_with_prompt_and_workflow_0.png")
WEBP = shared_path("workflows", "images", "comfyui_animated_webp_with_exif_metadata.webp")


def output_folder(root: Path, count: int) -> Path:
    """A ComfyUI output folder: ``count`` PNGs with prompts, half in a sub-folder, plus a real
    ComfyUI PNG and WebP, and things an import must leave alone."""
    root.mkdir(parents=True)
    (root / "portraits").mkdir()
    for n in range(count):
        where = root / "portraits" if n % 2 else root
        text = json.dumps(prompt_for(f"lantern number{n:03d}", n, "model-a.safetensors"))
        (where / f"ComfyUI_{n:05d}_.png").write_bytes(png(text, color=n))
    shutil.copyfile(SAMPLE, root / "real_00001_.png")
    shutil.copyfile(WEBP, root / "animated_00001_.webp")
    (root / "notes.txt").write_text("not a picture", encoding="utf-8")
    (root / ".hidden.png").write_bytes(png(color=250))
    return root


async def test_imports_every_picture_with_its_metadata_and_leaves_the_source_alone(
    lib: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 6)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    seen: list[ImportProgress] = []

    report = await import_folder(lib, folder, seen.append, batch_files=4)

    assert report.progress == ImportProgress(total=8, imported=8)
    assert report.failures == ()
    assert [p.done for p in seen] == [0, 4, 8]  # after the scan, then after each batch
    assert await lib.count(LibraryQuery()) == 8
    hits = await lib.search(LibraryQuery(text="number003"))
    assert [item.server_filename for item in hits] == ["ComfyUI_00003_.png"]
    assert hits[0].server_subfolder == "portraits"
    assert hits[0].params.seed == 3
    assert hits[0].params.models == ("model-a.safetensors",)
    assert hits[0].path.read_bytes() == before[folder / "portraits" / "ComfyUI_00003_.png"]
    assert hits[0].created == pytest.approx(
        (folder / "portraits" / "ComfyUI_00003_.png").stat().st_mtime
    )
    full = await lib.get(hits[0].id)
    assert full is not None
    assert full.prompt is not None
    assert full.prompt["6"]["inputs"]["text"] == "lantern number003"
    real = (await lib.search(LibraryQuery(text="real_00001")))[0]
    assert real.prompt is None  # summaries; the full item carries the graphs
    real_full = await lib.get(real.id)
    assert real_full is not None
    assert real_full.workflow is not None
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


async def test_a_picture_is_linked_not_copied_when_the_file_system_allows(
    lib: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 1)
    await import_folder(lib, folder)
    item = (await lib.search(LibraryQuery(text="number000")))[0]
    assert await asyncio.to_thread(os.path.samefile, item.path, folder / "ComfyUI_00000_.png")
    assert item.path.is_relative_to(lib.root / "images")


async def test_same_bytes_twice_is_one_item_and_a_second_run_imports_nothing(
    lib: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 2)
    shutil.copyfile(folder / "ComfyUI_00000_.png", folder / "copy_of_zero.png")

    first = await import_folder(lib, folder, batch_files=50)
    again = await import_folder(lib, folder)

    assert first.progress == ImportProgress(total=5, imported=4, already=1)
    assert again.progress == ImportProgress(total=5, already=5)
    assert await lib.count(LibraryQuery()) == 4


async def test_unreadable_files_are_reported_and_retried_next_time(
    lib: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 2)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")

    report = await import_folder(lib, folder)

    assert report.progress.failed == 1
    assert report.failures == (("broken.png", "not a picture this app can read"),)
    (folder / "broken.png").write_bytes(png("{}", color=77))
    fixed = await import_folder(lib, folder)
    assert fixed.progress == ImportProgress(total=5, imported=1, already=4)


async def test_cancelled_import_resumes_where_it_stopped(lib: Library, tmp_path: Path) -> None:
    folder = output_folder(tmp_path / "output", 10)
    task: asyncio.Task | None = None

    def stop_after_first_batch(progress: ImportProgress) -> None:
        if progress.done >= 3 and task is not None:
            task.cancel()

    task = asyncio.create_task(import_folder(lib, folder, stop_after_first_batch, batch_files=3))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await lib.count(LibraryQuery()) == 3

    resumed = await import_folder(lib, folder, batch_files=3)

    assert resumed.progress == ImportProgress(total=12, imported=9, already=3)
    assert await lib.count(LibraryQuery()) == 12
    names = sorted(p.name for p in (lib.root / "images").rglob("*") if p.is_file())
    assert len(names) == 12
    assert not any("-1." in name for name in names)


async def test_a_link_left_by_a_killed_run_is_reused_not_duplicated(
    lib: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 1)
    source = folder / "ComfyUI_00000_.png"
    # What a kill between linking and the catalogue commit leaves behind.
    orphan = link_new_file(
        lib.root, lib.root / "images" / month_folder(source.stat().st_mtime), source.name, source
    )

    await import_folder(lib, folder)

    item = (await lib.search(LibraryQuery(text="number000")))[0]
    assert item.path == orphan
    assert sorted(p.name for p in orphan.parent.iterdir()) == sorted(
        ["ComfyUI_00000_.png", "real_00001_.png", "animated_00001_.webp"]
    )


def test_scan_skips_hidden_temp_symlinks_and_other_files(tmp_path: Path) -> None:
    folder = output_folder(tmp_path / "output", 2)
    (folder / ".comfydesk-x.part").write_bytes(b"")
    (folder / "link.png").symlink_to(folder / "real_00001_.png")
    assert scan_folder(folder) == [
        "ComfyUI_00000_.png",
        "animated_00001_.webp",
        "portraits/ComfyUI_00001_.png",
        "real_00001_.png",
    ]


async def test_sizes_come_from_the_header_and_a_bomb_header_is_refused(
    lib: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 1)
    (folder / "bomb.png").write_bytes(png_header_only(30_000, 30_000))
    corrupt = bytearray(png("{}", color=9))
    corrupt[20] ^= 0xFF  # the IHDR no longer matches its CRC
    (folder / "bad_crc.png").write_bytes(bytes(corrupt))

    report = await import_folder(lib, folder)

    assert dict(report.failures) == {
        "bomb.png": "not a picture this app can read",
        "bad_crc.png": "not a picture this app can read",
    }
    item = (await lib.search(LibraryQuery(text="number000")))[0]
    assert (item.width, item.height) == (8, 8)
    real = (await lib.search(LibraryQuery(text="real_00001")))[0]
    with Image.open(SAMPLE) as im:
        assert (real.width, real.height) == im.size
