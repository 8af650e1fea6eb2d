"""Qt helpers for benchmarks that measure what an artist sees: time until a widget has painted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


class PaintWatcher(QObject):
    """Counts paint events of a widget (and of a scroll area's viewport, where the content of
    list and scroll views is painted). ``await watcher.next_paint()`` waits for the next one."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.paints = 0
        self.last_paint = 0.0  # perf_counter() of the latest paint
        self._event = asyncio.Event()
        self._targets = [widget]
        if isinstance(widget, QAbstractScrollArea):
            self._targets.append(widget.viewport())
        for target in self._targets:
            target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
            self.last_paint = time.perf_counter()
            self._event.set()
        return False

    def arm(self) -> None:
        """Forget earlier paints: the next ``painted()`` waits for a new one."""
        self._event.clear()

    async def painted(self, limit: float = 10.0) -> float:
        """Wait for a paint since the last ``arm()``; returns its perf_counter() time."""
        async with asyncio.timeout(limit):
            await self._event.wait()
        return self.last_paint

    async def next_paint(self, limit: float = 10.0) -> float:
        self.arm()
        return await self.painted(limit)

    def close(self) -> None:
        for target in self._targets:
            target.removeEventFilter(self)


async def show_and_wait_painted(widget: QWidget, limit: float = 10.0) -> float:
    """Show ``widget`` and return the perf_counter() time of its first paint."""
    watcher = PaintWatcher(widget)
    try:
        watcher.arm()
        widget.show()
        return await watcher.painted(limit)
    finally:
        watcher.close()


async def wait_until(predicate: Callable[[], bool], limit: float, poll: float = 0.05) -> None:
    """Poll ``predicate`` (state owned by code that has no signal for it) until true."""
    for _ in range(max(1, int(limit / poll))):
        if predicate():
            return
        await asyncio.sleep(poll)
    if not predicate():
        raise TimeoutError(f"condition not met within {limit:g} s")
