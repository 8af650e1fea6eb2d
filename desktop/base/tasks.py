"""Task ownership below the UI: every background task is kept, logged when it fails, and
cancelled and awaited by its owner on shutdown. (The UI's tasks have ``ui/tasks.TaskOwner``.)"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterator
from typing import Any


class TaskSet:
    def __init__(self, area: str = "jobs") -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._log = logging.getLogger(f"comfydesk.{area}")  # the owner's area of the log

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._log.error("Task %s failed", task.get_name(), exc_info=task.exception())

    def __iter__(self) -> Iterator[asyncio.Task[Any]]:
        return iter(list(self._tasks))

    async def cancel_all(self, *, spare: asyncio.Task[Any] | None = None) -> None:
        """Cancel and await every task except ``spare`` (which the caller awaits itself)."""
        tasks = [t for t in self._tasks if t is not spare]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
