"""``LibrarySink``: a ResultSink that files every job output in the local library, with the
job's API prompt and UI workflow, so results survive the server's history (which is in memory
only). The library is duck-typed (jobs and library are independent layers)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from desktop.base import atomic
from desktop.jobs.model import JobOutput, JobSnapshot, node_title


class StoredItem(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def path(self) -> Path: ...


class ResultLibrary(Protocol):
    # A property, so that any keyword signature matches (a library names its fields).
    @property
    def add_result(self) -> Callable[..., Awaitable[StoredItem]]: ...


class LibrarySink:
    """Stores outputs through ``library.add_result`` (exactly once per output: the library
    recognises a repeated output). ``library`` may instead be a zero-argument coroutine function
    returning the library (opened on first use; it must return the same library every time),
    for apps that build sessions before the library is open.

    ``on_stored(job, item)`` is called after each new or recognised item (e.g. to refresh a
    gallery). ``source`` is recorded with every item ("hosted" for hosted workflows)."""

    def __init__(
        self,
        library: ResultLibrary | Callable[[], Awaitable[ResultLibrary]],
        *,
        on_stored: Callable[[JobSnapshot, StoredItem], None] | None = None,
        source: str = "job",
    ) -> None:
        self._library: ResultLibrary | None = None
        self._opener: Callable[[], Awaitable[ResultLibrary]] | None = None
        if hasattr(library, "add_result"):
            self._library = library
        else:
            self._opener = library
        self._on_stored = on_stored
        self._source = source  # recorded with each item: "job", or "hosted" for hosted runs

    def with_source(self, source: str) -> LibrarySink:
        """The same library and listener, recording ``source`` with each item."""
        twin = LibrarySink(self.library, on_stored=self._on_stored, source=source)
        twin._library = self._library
        return twin

    async def library(self) -> ResultLibrary:
        if self._library is None:
            assert self._opener is not None
            self._library = await self._opener()
        return self._library

    async def staging_dir(self) -> Path:
        """Downloads wait in the library's own hidden temp files (cleaned by "check
        library"); a library without a root folder gets the system's temp folder."""
        root = getattr(await self.library(), "root", None)
        return Path(root) if root is not None else Path(tempfile.gettempdir())

    async def store(self, job: JobSnapshot, output: JobOutput, source: Path) -> Path:
        library = await self.library()
        try:
            # The library checks, hashes and reads metadata from the bytes; the download cap
            # bounds what this holds in memory.
            data = await asyncio.to_thread(source.read_bytes)
        finally:
            await asyncio.to_thread(atomic.discard, source)
        item = await library.add_result(
            data=data,
            server_filename=output.ref.filename,
            prompt_id=job.id,
            server_url=job.ran_on_url or job.server_url,
            node_id=output.node_id,
            node_title=node_title(job.prompt, output.node_id) or "",
            batch_index=output.batch_index,
            prompt=dict(job.prompt),
            workflow=dict(job.ui_workflow) if job.ui_workflow is not None else None,
            subfolder=output.ref.subfolder,
            created=job.finished_at,
            source=self._source,
        )
        if self._on_stored is not None:
            self._on_stored(job, item)
        return item.path
