"""A loopback TCP proxy that breaks connections on command: cut all, cut the WebSocket only,
stall (keep sockets open, forward nothing), drop a WebSocket in the middle of a frame, and add
latency to every chunk. Bounded: every connection ends when the proxy stops."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field


@dataclass(eq=False)
class _Link:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    websocket: bool
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def close(self) -> None:
        for writer in (self.client, self.upstream):
            with contextlib.suppress(Exception):
                writer.transport.abort()


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._target = (upstream_host, upstream_port)
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self.latency = 0.0
        self.refuse = False  # accept and immediately close new connections
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._drop_ws_mid_frame = False
        self.url = ""

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        self._flowing.set()
        if self._server is not None:
            self._server.close()
        self.cut_all()
        tasks = [t for link in self._links for t in link.tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    # ------------------------------------------------------------------ commands

    def cut_all(self) -> None:
        for link in list(self._links):
            link.close()

    def cut_websockets(self) -> None:
        for link in list(self._links):
            if link.websocket:
                link.close()

    def stall(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def drop_websocket_mid_frame(self) -> None:
        """The next server-to-client WebSocket chunk is forwarded in part, then both sides
        are closed: the client sees half a frame."""
        self._drop_ws_mid_frame = True

    @property
    def websocket_count(self) -> int:
        return sum(1 for link in self._links if link.websocket)

    # ------------------------------------------------------------------ plumbing

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refuse:
            writer.transport.abort()
            return
        try:
            first = await asyncio.wait_for(reader.read(65536), 30)
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except (OSError, TimeoutError):
            writer.transport.abort()
            return
        link = _Link(writer, up_writer, websocket=first.startswith((b"GET /ws", b"GET /api/ws")))
        self._links.add(link)
        up_writer.write(first)
        link.tasks = [
            asyncio.current_task(),  # type: ignore[list-item]
        ]
        down = asyncio.ensure_future(self._pipe(up_reader, writer, link, downstream=True))
        link.tasks.append(down)
        try:
            await asyncio.gather(self._pipe(reader, up_writer, link, downstream=False), down)
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            link.close()
            self._links.discard(link)

    async def _pipe(
        self,
        src: asyncio.StreamReader,
        dst: asyncio.StreamWriter,
        link: _Link,
        *,
        downstream: bool,
    ) -> None:
        try:
            while data := await src.read(65536):
                await self._flowing.wait()
                if self.latency:
                    await asyncio.sleep(self.latency)
                if downstream and link.websocket and self._drop_ws_mid_frame and len(data) > 2:
                    self._drop_ws_mid_frame = False
                    dst.write(data[: len(data) // 2])
                    await dst.drain()
                    link.close()
                    return
                dst.write(data)
                await dst.drain()
        except (OSError, ConnectionError):
            pass
        finally:
            link.close()
