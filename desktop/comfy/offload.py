"""Parsing big JSON documents (``/object_info`` can be 20 MB) without stalling the event loop.

``json.loads`` holds the GIL for the whole parse, so a thread does not help (docs/PERFORMANCE.md
§3), and handing a whole parsed dict back from a worker process costs as much again in
unpickling. Instead a spawned worker parses the document and returns one compact JSON blob per
top-level key (``dict[str, bytes]``: cheap to unpickle). ``LazyJsonObject`` decodes a key's blob
the first time it is read, so the event loop only ever parses the node classes in use.

Keep this module's imports light: the spawned worker imports it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger("comfydesk.comfy")

#: Bodies larger than this are parsed in the worker process; smaller ones inline (a 2 MB
#: document parses in ~10 ms, less than starting a worker).
OFFLOAD_THRESHOLD = 2 * 1024 * 1024


class NotAJsonObject(ValueError):
    """The document parsed but is not a JSON object."""


def split_json_object(body: bytes) -> dict[str, bytes]:
    """Parse a JSON object and re-encode each value separately. Runs in the worker process."""
    document = parse_json_object(body)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return {str(key): dumps(value).encode("utf-8") for key, value in document.items()}


class LazyJsonObject(Mapping[str, Any]):
    """A read-only JSON object whose values stay encoded until first read."""

    __slots__ = ("_blobs", "_decoded")

    def __init__(self, blobs: Mapping[str, bytes]) -> None:
        self._blobs = blobs
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        try:
            return self._decoded[key]
        except KeyError:
            value = json.loads(self._blobs[key])
            self._decoded[key] = value
            return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, key: object) -> bool:
        return key in self._blobs

    def blob(self, key: str) -> bytes:
        """The encoded JSON of one value (for writing caches without decoding)."""
        return self._blobs[key]


#: A /queue answer larger than this (~250 queued jobs) is read in the worker process.
QUEUE_OFFLOAD_THRESHOLD = 256 * 1024


def slim_queue(body: bytes) -> Any:
    """``/queue`` without each job's prompt (index 2), which is most of its bytes and which
    nothing reads from the queue. Runs in the worker process; the answer is small."""
    document = json.loads(body)
    if isinstance(document, dict):
        for key in ("queue_running", "queue_pending"):
            entries = document.get(key)
            for entry in entries if isinstance(entries, list) else ():
                if isinstance(entry, list) and len(entry) > 2:
                    entry[2] = None
    return document


class JsonOffloader:
    """Owns the worker process pool; ``close()`` shuts it down. The pool starts on first use."""

    def __init__(self, threshold: int | None = None) -> None:
        self._threshold = threshold
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: forking a process that runs Qt and an event loop is unsafe.
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    async def parse_object(self, body: bytes) -> Mapping[str, Any]:
        """A JSON object from ``body``: a plain dict for small bodies, a ``LazyJsonObject`` for
        big ones. Raises ValueError (incl. ``NotAJsonObject``) for bad documents."""
        threshold = OFFLOAD_THRESHOLD if self._threshold is None else self._threshold
        if len(body) <= threshold:
            return parse_json_object(body)
        blobs = await self._in_worker(split_json_object, body)
        if blobs is None:
            return parse_json_object(body)
        return LazyJsonObject(blobs)

    async def parse_queue(self, body: bytes) -> Any:
        """A ``/queue`` answer: parsed here when small; a long queue (1,000 jobs is ~1 MB,
        a 35 ms parse holding the GIL, a thread would not help) in the worker, prompts left
        out. Raises ValueError for a body that is not JSON."""
        if len(body) <= QUEUE_OFFLOAD_THRESHOLD:
            return json.loads(body)
        document = await self._in_worker(slim_queue, body)
        return json.loads(body) if document is None else document

    async def _in_worker(self, work: Callable[[bytes], Any], body: bytes) -> Any:
        """``work(body)`` in the worker process; None when the worker died (killed, out of
        memory, a frozen app without freeze_support): the caller then parses here, which
        stalls the UI once but beats failing."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), work, body)
        except BrokenProcessPool:
            log.warning("JSON worker process failed; parsing %d bytes on the event loop", len(body))
            self._pool = None
            return None

    @property
    def started(self) -> bool:
        return self._pool is not None

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            # shutdown(wait=True) joins the worker; do that off the event loop.
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


def parse_json_object(body: bytes) -> dict[str, Any]:
    document = json.loads(body)
    if not isinstance(document, dict):
        raise NotAJsonObject(f"expected a JSON object, got {type(document).__name__}")
    return document
