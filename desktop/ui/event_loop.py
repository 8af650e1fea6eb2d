"""The asyncio event loop ComfyDesk runs on: qasync's Qt loop with one trap removed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import qasync
from PySide6.QtCore import QCoreApplication, QEventLoop

T = TypeVar("T")


class EventLoop(qasync.QEventLoop):
    """qasync's ``run_until_complete`` pumps Qt events one more time after the loop has
    stopped, so that callbacks queued as it stopped still run — but it does so with no running
    loop set, and any task those callbacks step fails with "no running event loop" or "bound to
    a different event loop". This version pumps with the loop marked as running."""

    def run_until_complete(self, future: Awaitable[T]) -> T:
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
        self._pump_once()
        if not task.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return task.result()

    def _pump_once(self) -> None:
        app = QCoreApplication.instance()
        dispatcher = app.eventDispatcher() if app is not None else None
        if dispatcher is None:
            return
        asyncio.events._set_running_loop(self)
        try:
            dispatcher.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        finally:
            asyncio.events._set_running_loop(None)
