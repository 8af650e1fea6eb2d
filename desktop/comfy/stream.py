"""``EventStream``: the server's WebSocket as one endless async iterator of typed events.

What it yields, in order, for every connection attempt::

    Connecting(url, attempt)
    Connected(client_id, server_flags)      # only if the handshake worked
    ...every server message and binary frame (messages.py), for all prompts...
    Disconnected(reason, error, retry_in, auth_required)

then it waits ``retry_in`` seconds (capped exponential backoff with jitter; ``reconnect_now()``
skips the wait) and starts over, forever, until ``close()``. After ``close()`` it yields a final
``Disconnected(reason="closed", retry_in=None)`` if a socket was open, and the iteration ends.

Rules of ComfyUI's protocol it follows: the same client id on every connect (§3.1); the
``feature_flags`` message is the first thing sent on every connect (§3.3, §5); the old socket
is closed and awaited before a new one is opened (§9.3); a client heartbeat, because the server
never pings (§9.2); ``max_msg_size`` of 64 MiB for full-size PNG frames (§9.4).

Malformed input is logged (logger ``comfydesk.comfy``) and skipped: a text frame that is not a
JSON message, and a binary frame that ``parse_binary`` reports as ``MalformedFrame``, yield
nothing. Text messages of unknown types (custom nodes) are yielded as ``Unknown``. Filtering
by prompt id is the consumer's job.

One consumer per stream. A reader task owned by the stream reads the socket continuously (so
pings and pongs are never starved) and hands events over through an unbounded queue: keep
iterating, or close the stream.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from desktop.base.read_only import ReadOnly
from desktop.comfy.errors import AuthenticationRequired, ComfyError
from desktop.comfy.http import HttpTransport, map_client_error
from desktop.comfy.messages import (
    Connected,
    Connecting,
    Disconnected,
    Executing,
    FeatureFlags,
    MalformedFrame,
    Status,
    StreamEvent,
    Unknown,
    parse_binary,
    parse_text,
)

log = logging.getLogger("comfydesk.comfy")

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
HEARTBEAT_SECONDS = 10.0
#: How long to wait for the server's ``feature_flags`` reply before announcing ``Connected``
#: anyway (servers older than feature flags never reply).
FLAGS_WAIT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class _End:
    error: BaseException | None = None


class EventStream:
    """Async iterator of ``StreamEvent`` over a reconnecting WebSocket. See the module doc."""

    def __init__(
        self,
        http: HttpTransport,
        client_id: str,
        *,
        preview_metadata: bool = True,
        heartbeat: float | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 5.0,
        flags_wait: float = FLAGS_WAIT_SECONDS,
        on_closed: Callable[[EventStream], Any] | None = None,
    ) -> None:
        self._http = http
        self.client_id = client_id
        self.preview_metadata = preview_metadata
        # A silent, stalled connection is noticed within the client's request timeout.
        self._heartbeat = heartbeat or min(HEARTBEAT_SECONDS, http.timeout)
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._flags_wait = flags_wait
        self._on_closed = on_closed
        self._url = http.ws_url(client_id)
        self.url = HttpTransport.redact(self._url)  # safe to show and log
        self._events: asyncio.Queue[StreamEvent | _End] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closed = False
        self._ended = False
        self._connected = False

    # ------------------------------------------------------------------ public

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> StreamEvent:
        if self._ended:
            raise StopAsyncIteration
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._run(), name=f"comfy-events {self.url}")
        item = await self._events.get()
        if isinstance(item, _End):
            self._ended = True
            if item.error is not None:
                raise item.error
            raise StopAsyncIteration
        return item

    connected: ReadOnly[bool] = ReadOnly("_connected")

    def reconnect_now(self) -> None:
        """Skip the current (or next) backoff wait."""
        if not self._connected:
            self._wake.set()

    async def close(self) -> None:
        """Stop: the socket is closed and awaited, then the iteration ends."""
        if self._closed:
            return
        self._closed = True
        if self._on_closed is not None:
            self._on_closed(self)
        task = self._task
        if task is None:
            self._events.put_nowait(_End())
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise

    # ------------------------------------------------------------------ reader task

    def _emit(self, event: StreamEvent) -> None:
        self._events.put_nowait(event)

    def _delay(self, failures: int) -> float:
        ceiling = min(self._backoff_cap, self._backoff_base * 2 ** max(failures - 1, 0))
        return ceiling * random.uniform(0.5, 1.0)

    async def _run(self) -> None:
        end = _End()
        try:
            await self._connect_forever()
        except asyncio.CancelledError:
            pass  # close() cancelled us; the socket is already closed
        except Exception as err:  # a bug here must reach the consumer, not vanish in a task
            log.exception("event stream for %s failed", self.url)
            end = _End(err)
        finally:
            if self._connected:
                self._connected = False
                self._emit(Disconnected("closed"))
            self._events.put_nowait(end)

    async def _connect_forever(self) -> None:
        failures = 0
        while not self._closed:
            self._emit(Connecting(self.url, failures + 1))
            try:
                ws = await self._connect()
            except (aiohttp.ClientError, OSError, TimeoutError, ComfyError) as err:
                if self._http.closed:
                    return
                mapped = err if isinstance(err, ComfyError) else map_client_error(err, self.url)
                failures += 1
                await self._wait_after(str(mapped), mapped, failures)
                continue
            started = time.monotonic()
            try:
                reason, error = await self._read(ws)
            finally:
                await ws.close()  # the old socket is gone before the next attempt (§9.3)
            self._connected = False
            # A socket that dies right after connecting keeps backing off.
            lasted = time.monotonic() - started
            failures = 1 if lasted > 2 * self._backoff_cap else failures + 1
            await self._wait_after(reason, error, failures)

    async def _wait_after(self, reason: str, error: Exception | None, failures: int) -> None:
        delay = self._delay(failures)
        auth = isinstance(error, AuthenticationRequired)
        log.info("event stream %s down (%s); retrying in %.1f s", self.url, reason, delay)
        self._emit(Disconnected(reason, error, delay, auth))
        try:
            async with asyncio.timeout(delay):
                await self._wake.wait()
        except TimeoutError:
            pass
        self._wake.clear()

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        session = await self._http.session()
        async with asyncio.timeout(self._http.timeout):
            ws = await session.ws_connect(
                self._url,
                headers=self._http.headers,
                heartbeat=self._heartbeat,
                max_msg_size=MAX_MESSAGE_BYTES,
                timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=3.0),
            )
        try:
            flags = {"supports_preview_metadata": self.preview_metadata}
            await ws.send_json({"type": "feature_flags", "data": flags})
        except BaseException:
            await ws.close()
            raise
        return ws

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> tuple[str, Exception | None]:
        """Pump one socket until it ends; returns why it ended."""
        greeting = _Greeting(self)
        timer = asyncio.get_running_loop().call_later(self._flags_wait, greeting.announce)
        try:
            while True:
                msg = await ws.receive()
                if msg.type is aiohttp.WSMsgType.TEXT:
                    event = parse_text(msg.data)
                    if isinstance(event, Unknown) and not event.type:
                        log.warning(
                            "skipping a text frame that is not a message (%d chars)", len(msg.data)
                        )
                        continue
                    greeting.take(event)
                elif msg.type is aiohttp.WSMsgType.BINARY:
                    frame = parse_binary(msg.data, time.monotonic())
                    if isinstance(frame, MalformedFrame):
                        log.warning(
                            "skipping a binary frame: %s (%d bytes)", frame.reason, frame.length
                        )
                        continue
                    greeting.take(frame)
                elif msg.type is aiohttp.WSMsgType.ERROR:
                    err = msg.data if isinstance(msg.data, Exception) else None
                    return f"connection error: {err or ws.exception()}", err
                else:  # CLOSE, CLOSING, CLOSED
                    return f"closed by the server (code {ws.close_code})", None
        finally:
            timer.cancel()


class _Greeting:
    """Holds the first messages of a connection until the server's feature flags arrive, so
    ``Connected`` can carry them and comes before everything else."""

    def __init__(self, stream: EventStream) -> None:
        self._stream = stream
        self._held: list[StreamEvent] = []
        self._flags: dict[str, Any] = {}
        self.done = False

    def take(self, event: StreamEvent) -> None:
        if isinstance(event, Status) and event.sid and event.sid != self._stream.client_id:
            # Prompt messages go to the socket registered under the prompt's client_id.
            log.warning("server registered this socket as %s, not as our client id", event.sid)
        if self.done:
            self._stream._emit(event)
            return
        self._held.append(event)
        if isinstance(event, FeatureFlags):
            self._flags = dict(event.flags)
            self.announce()
        elif not isinstance(event, Status | Executing):
            self.announce()  # the run has started talking; do not hold it back

    def announce(self) -> None:
        if self.done:
            return
        self.done = True
        stream = self._stream
        stream._connected = True
        log.info("event stream connected to %s", stream.url)
        stream._emit(Connected(stream.client_id, self._flags))
        for event in self._held:
            stream._emit(event)
        self._held.clear()
