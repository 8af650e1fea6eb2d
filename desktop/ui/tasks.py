"""TaskOwner: start coroutines from Qt slots without losing them or their errors.

Every view-model that runs async work owns one ``TaskOwner``. It keeps a strong reference to
each task (asyncio only keeps weak ones), logs failures with their traceback, emits
:attr:`TaskOwner.failed` and — unless told otherwise — hands the error to ``sys.excepthook``,
which the app routes to the error dialog. ``await owner.shutdown()`` cancels and awaits them all.

    self._tasks = TaskOwner(self, area="queue")
    button.clicked.connect(lambda: self._tasks.start(self._cancel(job_id), name="cancel job"))
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal


class TaskOwner(QObject):
    """Owns a set of asyncio tasks: tracks, reports and finally cancels them."""

    failed = Signal(str, object)  # task name, the exception

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        area: str = "ui",
        report_to_excepthook: bool = True,
    ) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._log = logging.getLogger(f"comfydesk.{area}")
        self._report = report_to_excepthook
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once :meth:`shutdown` began: late Qt callbacks (paint, data) must not start work."""
        return self._closed

    @property
    def running(self) -> int:
        return sum(1 for task in self._tasks if not task.done())

    def start(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Schedule ``coro`` on the running (qasync) loop and own the task."""
        if self._closed:
            coro.close()
            raise RuntimeError(f"TaskOwner is shut down; cannot start {name!r}")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()
            raise
        task = loop.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            return
        name = task.get_name()
        self._log.error("Task %r failed", name, exc_info=error)
        self.failed.emit(name, error)
        if self._report:
            sys.excepthook(type(error), error, error.__traceback__)

    async def shutdown(self) -> None:
        """Cancel every task and wait until they have all finished."""
        self._closed = True
        while self._tasks:
            pending = list(self._tasks)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            self._tasks.difference_update(pending)
