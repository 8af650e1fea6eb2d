"""A 10,000-item library for the library and gallery benchmarks, built once and cached.

Building it takes 10-40 s on the reference machine, so it is kept in the temp folder under a
key that changes whenever the library's schema, the synthetic generator or this file changes.

* The newest ``REAL_IMAGES`` items are real 1024² PNGs, so a cold first screen of thumbnails
  costs what it costs an artist.
* The rest are the generator's 1×1 PNGs with realistic prompts. Their cached thumbnails are
  primed with real 256 px JPEGs of 1024² pictures (hard links to ``VARIANTS`` files), so
  scrolling decodes and holds what it would for a library of real pictures.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import shutil
import struct
import tempfile
import time
import zlib
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageChops

import desktop.library.catalog
import desktop.library.schema
import desktop.library.synthetic
import desktop.library.thumbs
from desktop.library import Library, LibraryItem, LibraryQuery
from desktop.library.core import THUMBS_DIR
from desktop.library.synthetic import populate_synthetic, synthetic_prompt
from desktop.library.thumbs import render_thumbnail, thumbnail_path

REAL_IMAGES = 48
VARIANTS = 8  # distinct 1024² pictures
REAL_SIZE = 1024
CACHE_ROOT = Path(tempfile.gettempdir()) / "comfydesk-bench"
_START = 1_700_000_000.0  # the generator's first timestamp; one item per minute from there


def _source_key() -> str:
    digest = hashlib.sha256(str(REAL_IMAGES).encode())
    modules = (
        desktop.library.schema,
        desktop.library.catalog,
        desktop.library.synthetic,
        desktop.library.thumbs,
    )
    for module in modules:
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:12]


def realistic_png(seed: int, size: int = REAL_SIZE) -> bytes:
    """A smooth, photo-like PNG (upscaled noise plus grain)."""
    rng = random.Random(seed)
    small = Image.frombytes("RGB", (16, 16), rng.randbytes(16 * 16 * 3))
    image = small.resize((size, size), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((size, size), 12).convert("RGB")
    image = ImageChops.add(image, grain, offset=-128)
    out = BytesIO()
    image.save(out, "PNG", compress_level=4)  # ComfyUI's SaveImage level
    return out.getvalue()


def with_text_chunk(png: bytes, key: str, text: str) -> bytes:
    """``png`` with a tEXt chunk after IHDR, as ComfyUI stores the prompt. Encoding a 1024²
    PNG takes ~0.2 s, so the real items share a few pixel variants and differ in metadata."""
    body = key.encode("latin-1") + b"\0" + text.encode("latin-1")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
    ihdr_end = 8 + 8 + 13 + 4  # signature, IHDR length+type, IHDR data, CRC
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def _prime_thumbnails(root: Path, shas: list[str], pictures: list[bytes]) -> None:
    variants = []
    for seed, picture in enumerate(pictures):
        source = root / f"variant-{seed}.png"
        source.write_bytes(picture)
        variants.append(render_thumbnail(source, root / f"variant-{seed}.jpg"))
        source.unlink()
    for index, sha in enumerate(shas):
        dest = thumbnail_path(root / THUMBS_DIR, sha)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(variants[index % len(variants)], dest)
        except OSError:  # no hard links on this file system
            shutil.copyfile(variants[index % len(variants)], dest)


async def _build(root: Path, items: int) -> None:
    lib = await Library.open(root)
    try:
        synthetic = max(0, items - REAL_IMAGES)
        await populate_synthetic(lib, synthetic, start=_START)
        pictures = [await asyncio.to_thread(realistic_png, seed) for seed in range(VARIANTS)]
        tiny = await lib.page(LibraryQuery(), 0, synthetic)
        shas = [item.sha256 for item in tiny]
        await asyncio.to_thread(_prime_thumbnails, root, shas, pictures)
        rng = random.Random(1)
        for index in range(items - synthetic):
            prompt = synthetic_prompt(rng)
            await lib.add_result(
                data=with_text_chunk(pictures[index % VARIANTS], "prompt", json.dumps(prompt)),
                server_filename=f"ComfyUI_real_{index:05d}_.png",
                prompt_id=f"bench-real-{index}",
                server_url="http://synthetic",
                node_id="9",
                node_title="Save Image",
                prompt=prompt,
                created=_START + (synthetic + index) * 60.0,
                source="synthetic",
            )
    finally:
        await lib.close()


async def cached_library(items: int) -> tuple[Path, float]:
    """The root of a library with ``items`` items, and the seconds spent building it now
    (0 when it came from the cache). Open it with ``Library.open``; do not add items."""
    key = _source_key()
    root = CACHE_ROOT / f"library-{items}-{key}"
    if (root / "complete").is_file():
        return root, 0.0
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    for stale in CACHE_ROOT.glob(f"library-{items}-*"):
        shutil.rmtree(stale, ignore_errors=True)  # other versions, or a build that died
    started = time.perf_counter()
    building = CACHE_ROOT / f"building-{items}-{key}"
    shutil.rmtree(building, ignore_errors=True)
    await _build(building, items)
    (building / "complete").write_text(str(items), encoding="ascii")
    building.rename(root)
    return root, time.perf_counter() - started


async def real_items(lib: Library) -> list[LibraryItem]:
    """The newest items: the real 1024² pictures (the gallery's first screen)."""
    return await lib.page(LibraryQuery(), 0, REAL_IMAGES)


def forget_thumbnails(root: Path, items: list[LibraryItem]) -> None:
    """Delete the cached thumbnails of ``items`` (for a cold first screen)."""
    for item in items:
        thumbnail_path(root / THUMBS_DIR, item.sha256).unlink(missing_ok=True)


FULL_ITEMS = 10_000
QUICK_FALLBACK_ITEMS = 1_000


def is_cached(items: int) -> bool:
    return (CACHE_ROOT / f"library-{items}-{_source_key()}" / "complete").is_file()


async def library_for_run(quick: bool) -> tuple[Path, int, float]:
    """(root, item count, build seconds). A quick run without the 10k cache uses 1,000 items
    to stay in its time budget; its metric names say so, so they are never compared with the
    10k baseline."""
    items = FULL_ITEMS if not quick or is_cached(FULL_ITEMS) else QUICK_FALLBACK_ITEMS
    root, built = await cached_library(items)
    return root, items, built


def size_label(items: int) -> str:
    return f"{items // 1000}k" if items % 1000 == 0 else str(items)
