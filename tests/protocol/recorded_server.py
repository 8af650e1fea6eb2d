"""A small aiohttp stand-in for ComfyUI that answers with the bodies recorded from a real
0.3.64 server (tests/data/comfyui-captures) and logs every request it gets, so protocol tests can
check both what the client parses and what it sends. Not the demo server: no execution, just
replay, plus hooks to override one route or script the WebSocket."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

from tests.conftest import shared_path

CAPTURES = shared_path("comfyui-captures")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def recorded(name: str) -> dict[str, Any]:
    return json.loads((CAPTURES / name).read_text())


def recorded_body(name: str) -> Any:
    data = recorded(name)
    # 00-server-info/object_info.json is stored as the bare document, without the envelope.
    return data["body"] if name != "00-server-info/object_info.json" else data


def ws_frames(name: str) -> list[dict[str, Any]]:
    path: Path = CAPTURES / name
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass
class SeenRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class SocketSession:
    client_id: str
    headers: dict[str, str]
    query: dict[str, str]
    received: list[Any] = field(default_factory=list)


class RecordedComfy:
    """Routes under both ``/`` and ``/api`` like ComfyUI. ``override(route, handler)`` replaces
    one route (route without the ``/api`` prefix, e.g. ``"/prompt"``)."""

    def __init__(self, prefix: str = "") -> None:
        self.requests: list[SeenRequest] = []
        self.sockets: list[SocketSession] = []
        self.overrides: dict[str, Handler] = {}
        self.prefix = prefix
        # Frames sent after the greeting on each new socket; one list per connection, in order.
        self.ws_scripts: list[list[dict[str, Any]]] = []
        # When set, the nth connection (0-based) is dropped abruptly after its script.
        self.drop_connections: set[int] = set()
        # ... and these are closed cleanly (close frame) after their script.
        self.close_connections: set[int] = set()
        self.open_sockets: set[web.WebSocketResponse] = set()
        # ("open", n) / ("closed", n) as socket handlers start and end.
        self.socket_log: list[tuple[str, int]] = []
        self._socket_closed = asyncio.Event()
        self.app = web.Application(middlewares=[self._log_and_override])
        routes = [
            web.get("/system_stats", self._recorded("00-server-info/system_stats.json")),
            web.get("/features", self._recorded("00-server-info/features.json")),
            web.get("/object_info", self._recorded("00-server-info/object_info.json")),
            web.get("/object_info/{cls}", self._object_info_class),
            web.get("/models", self._recorded("00-server-info/models.json")),
            web.get("/models/{folder}", self._models),
            web.get("/embeddings", self._recorded("00-server-info/embeddings.json")),
            web.get(
                "/queue", self._recorded("04-queue-cancel-interrupt/get_queue_while_running.json")
            ),
            web.post("/queue", self._empty),
            web.post("/interrupt", self._empty),
            web.post("/free", self._empty),
            web.get("/history", self._recorded("00-server-info/history_after_scenarios.json")),
            web.get("/history/{pid}", self._history_item),
            web.post("/prompt", self._prompt),
            web.get("/view", self._view),
            web.post("/upload/image", self._upload),
            web.post("/upload/mask", self._upload),
            web.get("/ws", self._ws),
        ]
        for route in routes:
            self.app.router.add_route(route.method, prefix + route.path, route.handler)
            self.app.router.add_route(route.method, prefix + "/api" + route.path, route.handler)
        self.server = TestServer(self.app)

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        for ws in list(self.open_sockets):
            await ws.close()
        await self.server.close()

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def wait_socket_closed(self, index: int) -> None:
        while ("closed", index) not in self.socket_log:
            self._socket_closed.clear()
            await self._socket_closed.wait()

    def override(self, route: str, handler: Handler) -> None:
        self.overrides[route] = handler

    def seen(self, path: str) -> list[SeenRequest]:
        return [r for r in self.requests if r.path == path]

    # ------------------------------------------------------------------ plumbing

    @web.middleware
    async def _log_and_override(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        body = await request.read() if request.can_read_body else b""
        self.requests.append(
            SeenRequest(
                request.method, request.path, dict(request.query), dict(request.headers), body
            )
        )
        route = request.path.removeprefix(self.prefix).removeprefix("/api")
        if route in self.overrides:
            return await self.overrides[route](request)
        return await handler(request)

    @staticmethod
    def _recorded(name: str) -> Handler:
        body = recorded_body(name)

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.json_response(body)

        return handler

    @staticmethod
    async def _empty(request: web.Request) -> web.StreamResponse:
        return web.Response(status=200)

    async def _object_info_class(self, request: web.Request) -> web.StreamResponse:
        full = recorded_body("00-server-info/object_info.json")
        cls = request.match_info["cls"]
        return web.json_response({cls: full[cls]} if cls in full else {})

    async def _models(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["folder"] == "checkpoints":
            return web.json_response(recorded_body("00-server-info/models_checkpoints.json"))
        return web.Response(status=404)

    async def _history_item(self, request: web.Request) -> web.StreamResponse:
        pid = request.match_info["pid"]
        for name in (
            "01-success-with-previews/get_history_item.json",
            "03-execution-error/get_history_item.json",
            "04-queue-cancel-interrupt/history_0.json",
        ):
            body = recorded_body(name)
            if pid in body:
                return web.json_response(body)
        return web.json_response({})

    async def _prompt(self, request: web.Request) -> web.StreamResponse:
        sent = await request.json()
        answer = dict(recorded_body("01-success-with-previews/post_prompt.json"))
        answer["prompt_id"] = sent.get("prompt_id", answer["prompt_id"])
        return web.json_response(answer)

    async def _view(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("filename") != "ComfyUI_00003_.png":
            return web.Response(status=404)
        if request.query.get("preview"):
            data = (CAPTURES / "01-success-with-previews/output_preview.webp").read_bytes()
            return web.Response(body=data, content_type="image/webp")
        data = (CAPTURES / "01-success-with-previews/output.png").read_bytes()
        return web.Response(body=data, content_type="image/png")

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        # The logging middleware consumed the stream, so parse the multipart body from bytes.
        fields = parse_form(request.content_type, self.requests[-1].body)
        filename, _ = fields["image"]
        return web.json_response(
            {
                "name": filename,
                "subfolder": fields.get("subfolder", ("", b""))[1].decode(),
                "type": "input",
            }
        )

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.open_sockets.add(ws)
        index = len(self.sockets)
        client_id = request.query.get("clientId", "")
        session = SocketSession(client_id, dict(request.headers), dict(request.query))
        self.sockets.append(session)
        self.socket_log.append(("open", index))
        try:
            await ws.send_json(
                {
                    "type": "status",
                    "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": client_id},
                }
            )
            first = await ws.receive(timeout=5)
            if first.type is WSMsgType.TEXT:
                message = json.loads(first.data)
                session.received.append(message)
                if message.get("type") == "feature_flags":
                    await ws.send_json(
                        {
                            "type": "feature_flags",
                            "data": {
                                "supports_preview_metadata": True,
                                "max_upload_size": 104857600,
                            },
                        }
                    )
            script = self.ws_scripts[index] if index < len(self.ws_scripts) else []
            for frame in script:
                if "json" in frame:
                    await ws.send_json(frame["json"])
                else:
                    await ws.send_bytes(base64.b64decode(frame["binary"]["base64"]))
            if index in self.drop_connections:
                assert request.transport is not None
                request.transport.abort()  # no close frame: like a proxy timing out
                return ws
            if index in self.close_connections:
                await ws.close()
                return ws
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    session.received.append(json.loads(msg.data))
        finally:
            self.open_sockets.discard(ws)
            self.socket_log.append(("closed", index))
            self._socket_closed.set()
        return ws


def parse_form(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """``{field: (filename, payload)}`` of a multipart/form-data body."""
    header = f"Content-Type: {content_type}; boundary={boundary_of(body)}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        fields[str(name)] = (filename, part.get_payload(decode=True) or b"")
    return fields


def boundary_of(body: bytes) -> str:
    return body.split(b"\r\n", 1)[0].removeprefix(b"--").decode()


@asynccontextmanager
async def running_fake(prefix: str = "") -> AsyncIterator[RecordedComfy]:
    """A started RecordedComfy, closed on exit (test modules wrap it in a fixture)."""
    fake = RecordedComfy(prefix)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
