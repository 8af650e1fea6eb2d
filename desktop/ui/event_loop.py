"""The asyncio event loop ComfyDesk runs on: qasync's Qt loop with one trap removed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import qasync

T = TypeVar("T")


class EventLoop(qasync.QEventLoop):
    """qasync's ``run_until_complete`` pumps Qt events one more time *after* the loop has
    stopped. Timer and socket callbacks that fire in that pump run with no running loop, so
    any task still alive fails with "no running event loop" or "bound to a different event
    loop". Pending events are handled by the next run instead."""

    def run_until_complete(self, future: Awaitable[T]) -> T:  # type: ignore[override]
        if self.is_running():
            raise RuntimeError("Event loop already running")
        task = asyncio.ensure_future(future, loop=self)

        def stop(_: object) -> None:
            self.stop()

        task.add_done_callback(stop)
        try:
            self.run_forever()
        finally:
            task.remove_done_callback(stop)
        if not task.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return task.result()
