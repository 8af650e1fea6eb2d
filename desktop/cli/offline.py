"""How long the runner waits for a server that has gone away."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from desktop.jobs.session import ConnState, SessionStatus

T = TypeVar("T")


class OfflineWatch:
    """Ends the wait with the probe's error once the event stream has been down ``limit``
    seconds and the server does not answer a REST call either (behind a proxy that refuses
    WebSockets, jobs are followed by polling and may take as long as they take)."""

    def __init__(self, limit: float, probe: Callable[[], Awaitable[object]]) -> None:
        self._limit = limit
        self._probe = probe
        self._away_since: float | None = None
        self._changed = asyncio.Event()

    def update(self, status: SessionStatus) -> None:
        if status.state in (ConnState.DISCONNECTED, ConnState.AUTH_REQUIRED):
            if self._away_since is None:
                self._away_since = time.monotonic()
        elif status.state is ConnState.CONNECTED:
            self._away_since = None
        self._changed.set()

    async def guard(self, wait: Awaitable[T]) -> T:
        waiting = asyncio.ensure_future(wait)
        try:
            while True:
                timeout = None
                if self._away_since is not None:
                    timeout = max(0.0, self._away_since + self._limit - time.monotonic())
                self._changed.clear()
                changed = asyncio.ensure_future(self._changed.wait())
                done, _ = await asyncio.wait(
                    {waiting, changed}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                changed.cancel()
                if waiting in done:
                    return waiting.result()
                if not done and self._away_since is not None:
                    await self._probe()  # raises when the server is away for good
                    self._away_since = time.monotonic()  # it answers: look again later
        finally:
            waiting.cancel()
