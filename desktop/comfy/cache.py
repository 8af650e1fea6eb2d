"""On-disk cache of ``/object_info`` per (server URL, comfyui_version).

File layout (no pickle: the file is data, never code)::

    COMFYDESK-OBJECT-INFO 1\\n
    <index JSON on one line>\\n        {"base_url", "version", "classes": [[name, length], ...]}
    <the classes' JSON blobs, back to back>

Loading reads the file and the small index in a thread and returns an ``ObjectInfo`` over a
``LazyJsonObject``: node classes are decoded only when a form needs them, so a 20 MB cache costs
the event loop nothing up front. All file I/O runs in ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desktop.base import atomic
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.offload import LazyJsonObject
from desktop.paths import cache_dir

log = logging.getLogger("comfydesk.comfy")

_MAGIC = b"COMFYDESK-OBJECT-INFO 1\n"


def cache_file(base_url: str, version: str) -> Path:
    key = hashlib.sha256(f"{base_url.rstrip('/')}\0{version}".encode()).hexdigest()[:32]
    return cache_dir() / "object_info" / f"{key}.bin"


def _blobs_of(raw: Mapping[str, Any]) -> list[tuple[str, bytes]]:
    if isinstance(raw, LazyJsonObject):
        return [(name, raw.blob(name)) for name in raw]
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return [(str(name), encode(value).encode("utf-8")) for name, value in raw.items()]


def _write(path: Path, base_url: str, version: str, blobs: list[tuple[str, bytes]]) -> None:
    index = {
        "base_url": base_url,
        "version": version,
        "classes": [[name, len(blob)] for name, blob in blobs],
    }
    with atomic.replacing(
        path, sync=False, make_parents=True
    ) as f:  # a cache: losing it on power loss is fine
        f.write(_MAGIC)
        f.write(json.dumps(index, separators=(",", ":")).encode("utf-8") + b"\n")
        for _, blob in blobs:
            f.write(blob)


def _read(path: Path, base_url: str, version: str) -> LazyJsonObject | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if not data.startswith(_MAGIC):
        raise ValueError("not an object_info cache file")
    end = data.index(b"\n", len(_MAGIC))
    index = json.loads(data[len(_MAGIC) : end])
    if index.get("base_url") != base_url or index.get("version") != version:
        return None  # a hash collision or a stale layout; treat as a miss
    blobs: dict[str, bytes] = {}
    offset = end + 1
    for name, length in index["classes"]:
        blobs[str(name)] = data[offset : offset + int(length)]
        offset += int(length)
    if offset != len(data):
        raise ValueError("object_info cache file is truncated or has trailing data")
    return LazyJsonObject(blobs)


async def store_object_info(base_url: str, version: str, info: ObjectInfo) -> None:
    """Write the cache entry; failures are logged, never raised (a cache is optional).

    A big document from ``ComfyClient.object_info()`` is already split per class, so nothing is
    re-encoded here; a small one is encoded in the worker thread.
    """
    path = cache_file(base_url, version)

    def work() -> None:
        _write(path, base_url, version, _blobs_of(info.raw))

    try:
        await asyncio.to_thread(work)
    except (OSError, ValueError) as err:
        log.warning("could not write the object_info cache %s: %s", path, err)


async def load_cached_object_info(base_url: str, version: str) -> ObjectInfo | None:
    """The cached document for this server and version, or None (missing or unreadable)."""
    path = cache_file(base_url, version)
    try:
        raw = await asyncio.to_thread(_read, path, base_url, version)
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.warning("ignoring a broken object_info cache %s: %s", path, err)
        return None
    return None if raw is None else ObjectInfo(raw)
