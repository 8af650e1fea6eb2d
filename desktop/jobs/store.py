"""What the collector and the queue sync share with the jobs manager: the trackers and the
one way to change them.

``JobManager`` is the store; ``Collector`` and ``QueueSync`` work on its behalf and see it
only through these protocols, so none of the three imports another for its types (the jobs
package had an import cycle manager -> collect -> queue_sync -> manager).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Protocol

from desktop.comfy.errors import ComfyError
from desktop.comfy.types import HistoryItem
from desktop.jobs.sinks import ResultSink
from desktop.jobs.tracker import JobTracker, Update


class Collecting(Protocol):
    """The part of the collector the queue sync uses."""

    def busy(self, job_id: str) -> bool: ...

    def start(self, job_id: str, item: HistoryItem | None = None) -> None: ...

    def note_failure(
        self, job_id: str, err: ComfyError, what: str = "The result could not be fetched"
    ) -> bool: ...


class TrackerStore(Protocol):
    """Our jobs' trackers, the one mutation path (listeners, journal, waiters follow it), the
    task owner, and what the connection has seen."""

    def tracker(self, job_id: str) -> JobTracker | None: ...

    @property
    def trackers_map(self) -> Mapping[str, JobTracker]: ...

    def mutate(self, tracker: JobTracker, mutation: Callable[[], Update]) -> Update: ...

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]: ...

    @property
    def sink(self) -> ResultSink: ...

    @property
    def collector(self) -> Collecting: ...

    @property
    def connected(self) -> bool: ...

    @property
    def closed(self) -> bool: ...

    @property
    def connection(self) -> int | None: ...

    def mark_seen(self, job_id: str) -> None: ...

    def seen_since_connect(self, job_id: str) -> bool: ...
