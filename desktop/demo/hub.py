"""WebSocket connections and the single outgoing message queue.

Like the real server, every message goes through one FIFO drained by one task, so the order
a client sees is the order the server produced; messages for a client that is not connected
are dropped, not buffered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, web

log = logging.getLogger("comfydesk.demo")

PREVIEW_IMAGE = 1
PREVIEW_IMAGE_WITH_METADATA = 4
JPEG_FORMAT = 1


@dataclass(eq=False)
class Connection:
    sid: str
    ws: web.WebSocketResponse
    flags: dict[str, Any] = field(default_factory=dict)

    @property
    def wants_preview_metadata(self) -> bool:
        return self.flags.get("supports_preview_metadata") is True


class Hub:
    def __init__(self) -> None:
        self.connections: dict[str, Connection] = {}
        self._outbox: asyncio.Queue[tuple[str | bytes, str | None]] = asyncio.Queue()

    def register(self, connection: Connection) -> None:
        # A reconnect with the same clientId replaces the entry; the old socket stays open.
        self.connections[connection.sid] = connection

    def unregister(self, connection: Connection) -> None:
        # Unlike 0.3.64 (PROTOCOL §9.3) only remove the entry if it is still this socket, so
        # a late close of an old socket cannot silence its replacement.
        if self.connections.get(connection.sid) is connection:
            del self.connections[connection.sid]

    def send(self, kind: str, data: Any, sid: str | None = None) -> None:
        """Queue a JSON message; sid None means every socket."""
        self._outbox.put_nowait((json.dumps({"type": kind, "data": data}), sid))

    def send_binary(self, frame: bytes, sid: str | None = None) -> None:
        self._outbox.put_nowait((frame, sid))

    def supports_metadata(self, sid: str | None) -> bool:
        connection = self.connections.get(sid) if sid else None
        return connection is not None and connection.wants_preview_metadata

    async def run(self) -> None:
        """Drain the outbox forever (cancelled by the owner)."""
        while True:
            payload, sid = await self._outbox.get()
            if sid is None:
                targets = list(self.connections.values())
            else:
                target = self.connections.get(sid)
                targets = [target] if target else []
            for connection in targets:
                await self._deliver(connection, payload)

    @staticmethod
    async def _deliver(connection: Connection, payload: str | bytes) -> None:
        if connection.ws.closed:
            return
        try:
            if isinstance(payload, bytes):
                await connection.ws.send_bytes(payload)
            else:
                await connection.ws.send_str(payload)
        except (ConnectionError, RuntimeError) as err:
            log.debug("dropping a message for %s: %s", connection.sid, err)

    async def close_all(self) -> None:
        for connection in list(self.connections.values()):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server going away")


def preview_frame(jpeg: bytes) -> bytes:
    return struct.pack(">II", PREVIEW_IMAGE, JPEG_FORMAT) + jpeg


def preview_frame_with_metadata(jpeg: bytes, metadata: dict[str, Any]) -> bytes:
    encoded = json.dumps(metadata).encode()
    return struct.pack(">II", PREVIEW_IMAGE_WITH_METADATA, len(encoded)) + encoded + jpeg
