"""A hostile ComfyUI for tests: an aiohttp reverse proxy in front of the demo server that
answers chosen routes the way broken proxies and servers do.

Loopback only; every fault is bounded in count (``times``) and every stall ends when the
server stops. Kinds (``Fault.kind``):

- ``html_500`` / ``html_502``: an nginx error page instead of the answer.
- ``login``: a 200 HTML login page.  ``redirect``: 302 to another host (with a query).
- ``truncated``: the real answer cut in half (status 200, same content type).
- ``echo_headers``: 500 whose body repeats the request headers (a token included).
- ``stall``: no answer at all.  ``slow_body``: headers and half the body, then silence.
- ``cut_body``: headers and half the body, then the connection is closed.
- ``huge``: a 200 ``image/png`` body of ``size`` bytes, sent in chunks without a length.
- ``announce_huge``: a 200 ``image/png`` announcing ``size`` bytes, then silence.
- ``trickle``: the real answer in ten pieces, ``delay`` seconds apart.
- ``swallow``: forward the request, then close the connection without an answer
  (a lost ``POST /prompt`` reply).  ``forward_then_502``: forward, then answer 502.
  ``forward_then_stall``: forward, then no answer at all.
- ``hostile_names``: ``/history`` answers rename every picture to a hostile name (bidi
  override, ``.exe``, device names, ``..``); ``/view`` maps them back.
- ``bad_frames`` (route ``/ws``): malformed binary and text frames before the real stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
NGINX_500 = NGINX_502.replace("502 Bad Gateway", "500 Internal Server Error")
LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Sign in</title></head><body>"
    '<form method="post" action="/login"><input name="user"><input name="password" '
    'type="password"></form></body></html>'
)
HOSTILE_NAMES = (
    "\u202egnp.exe",
    "COM¹.png",
    "..\\..\\startup\\evil.bat",
    "../../../outside.png",
    "LPT².png",
    "report.png. . ",
)
_HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection", "upgrade"}


@dataclass
class Fault:
    route: str  # path without the /api prefix; a prefix match ("/history" covers /history/x)
    kind: str
    method: str | None = None
    times: int | None = None  # None: every matching request
    size: int = 64 * 2**20  # for "huge" and "announce_huge"
    delay: float = 0.1  # for "trickle"
    hits: int = 0

    def matches(self, method: str, route: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        return route == self.route or route.startswith(self.route.rstrip("/") + "/")


@dataclass
class HostileServer:
    upstream: str
    faults: list[Fault] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)  # (method, route) answered
    _names: dict[str, str] = field(default_factory=dict)  # hostile name -> real name
    rename_pictures: bool = False  # set by a "hostile_names" fault
    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None
    _stalled: set[asyncio.Future[None]] = field(default_factory=set)
    url: str = ""

    def add(self, route: str, kind: str, **options: Any) -> Fault:
        fault = Fault(route, kind, **options)
        self.faults.append(fault)
        if kind == "hostile_names":
            self.rename_pictures = True  # ``executed`` messages must name them the same
        return fault

    async def start(self) -> str:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application(client_max_size=2**30)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        for waiter in self._stalled:
            waiter.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    # ------------------------------------------------------------------ dispatch

    def _fault(self, method: str, route: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, route):
                fault.hits += 1
                return fault
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        route = request.path.removeprefix("/api") or "/"
        self.seen.append((request.method, route))
        fault = self._fault(request.method, route)
        if route == "/ws" and (fault is None or fault.kind == "bad_frames"):
            return await self._websocket(request, bad_frames=fault is not None)
        if fault is None:
            return await self._relay(request)
        handler = getattr(self, f"_fault_{fault.kind}")
        return await handler(request, fault)

    async def _stall(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._stalled.add(waiter)
        try:
            await asyncio.wait_for(waiter, 120)  # ends with stop() long before this
        finally:
            self._stalled.discard(waiter)

    # ------------------------------------------------------------------ forwarding

    async def _forward(self, request: web.Request) -> tuple[int, str, bytes, dict[str, str]]:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        query = dict(request.query)
        if query.get("filename") in self._names:
            query["filename"] = self._names[query["filename"]]
        body = await request.read()
        async with self._session.request(
            request.method,
            self.upstream + request.path,
            params=query,
            headers=headers,
            data=body or None,
            allow_redirects=False,
        ) as resp:
            data = await resp.read()
            extra = {"Location": resp.headers["Location"]} if "Location" in resp.headers else {}
            return resp.status, resp.headers.get("Content-Type", ""), data, extra

    async def _relay(self, request: web.Request) -> web.Response:
        status, content_type, data, extra = await self._forward(request)
        return web.Response(
            status=status, body=data, headers={"Content-Type": content_type, **extra}
        )

    # ------------------------------------------------------------------ fault kinds

    async def _fault_html_500(self, request: web.Request, fault: Fault) -> web.Response:
        return web.Response(status=500, text=NGINX_500, content_type="text/html")

    async def _fault_html_502(self, request: web.Request, fault: Fault) -> web.Response:
        return web.Response(status=502, text=NGINX_502, content_type="text/html")

    async def _fault_login(self, request: web.Request, fault: Fault) -> web.Response:
        return web.Response(status=200, text=LOGIN_PAGE, content_type="text/html")

    async def _fault_redirect(self, request: web.Request, fault: Fault) -> web.Response:
        target = "http://login.invalid/sso?session=abc&next=" + request.path
        return web.Response(status=302, headers={"Location": target})

    async def _fault_truncated(self, request: web.Request, fault: Fault) -> web.Response:
        status, content_type, data, _ = await self._forward(request)
        cut = data[: max(1, len(data) // 2)]
        return web.Response(status=status, body=cut, headers={"Content-Type": content_type})

    async def _fault_echo_headers(self, request: web.Request, fault: Fault) -> web.Response:
        echoed = json.dumps(dict(request.headers))
        return web.Response(status=500, text=f"{echoed} and more", content_type="text/plain")

    async def _fault_stall(self, request: web.Request, fault: Fault) -> web.Response:
        await self._stall()
        return web.Response(status=504)

    async def _half_body(self, request: web.Request) -> tuple[web.StreamResponse, bytes]:
        status, content_type, data, _ = await self._forward(request)
        resp = web.StreamResponse(status=status, headers={"Content-Type": content_type})
        resp.content_length = len(data)
        await resp.prepare(request)
        await resp.write(data[: len(data) // 2])
        return resp, data

    async def _fault_slow_body(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        resp, _ = await self._half_body(request)
        await self._stall()
        return resp

    async def _fault_cut_body(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        resp, _ = await self._half_body(request)
        assert request.transport is not None
        request.transport.close()
        return resp

    async def _fault_huge(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        resp = web.StreamResponse(status=200, headers={"Content-Type": "image/png"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        chunk = b"\x89PNG\r\n\x1a\n" + bytes(2**20 - 8)
        with contextlib.suppress(ConnectionError, RuntimeError):
            for _ in range(fault.size // len(chunk)):
                await resp.write(chunk)
        return resp

    async def _fault_announce_huge(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        resp = web.StreamResponse(status=200, headers={"Content-Type": "image/png"})
        resp.content_length = fault.size
        await resp.prepare(request)
        await self._stall()
        return resp

    async def _fault_trickle(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        status, content_type, data, _ = await self._forward(request)
        resp = web.StreamResponse(status=status, headers={"Content-Type": content_type})
        resp.content_length = len(data)
        await resp.prepare(request)
        step = max(1, -(-len(data) // 10))
        for start in range(0, len(data), step):
            await asyncio.sleep(fault.delay)
            await resp.write(data[start : start + step])
        return resp

    async def _fault_swallow(self, request: web.Request, fault: Fault) -> web.Response:
        await self._forward(request)  # the server keeps the job ...
        assert request.transport is not None
        request.transport.close()  # ... and the answer never arrives
        return web.Response(status=200)

    async def _fault_forward_then_502(self, request: web.Request, fault: Fault) -> web.Response:
        await self._forward(request)
        return web.Response(status=502, text=NGINX_502, content_type="text/html")

    async def _fault_forward_then_stall(self, request: web.Request, fault: Fault) -> web.Response:
        await self._forward(request)
        await self._stall()
        return web.Response(status=504)

    async def _fault_hostile_names(self, request: web.Request, fault: Fault) -> web.Response:
        status, _, data, _ = await self._forward(request)
        body = json.loads(data)
        for item in body.values():
            for output in (item.get("outputs") or {}).values():
                self._rename(output.get("images") or [])
        return web.json_response(body, status=status)

    def _rename(self, images: list[dict[str, Any]]) -> None:
        """The same hostile name for a picture in /history and in ``executed`` messages."""
        for image in images:
            real = image["filename"]
            hostile = next((h for h, r in self._names.items() if r == real), None)
            if hostile is None:
                hostile = HOSTILE_NAMES[len(self._names) % len(HOSTILE_NAMES)]
                hostile = f"{len(self._names) // len(HOSTILE_NAMES) or ''}{hostile}"
                self._names[hostile] = real
            image["filename"] = hostile

    def _rewrite_message(self, text: str) -> str:
        if not self.rename_pictures:
            return text
        message = json.loads(text)
        if message.get("type") == "executed":
            self._rename((message.get("data") or {}).get("output", {}).get("images") or [])
        return json.dumps(message)

    # ------------------------------------------------------------------ websocket

    async def _websocket(self, request: web.Request, *, bad_frames: bool) -> web.StreamResponse:
        assert self._session is not None
        down = web.WebSocketResponse(max_msg_size=0)
        await down.prepare(request)
        headers = {k: v for k, v in request.headers.items() if k.lower() == "authorization"}
        url = self.upstream.replace("http", "ws", 1) + "/ws"
        async with self._session.ws_connect(
            url, params=dict(request.query), headers=headers, max_msg_size=0
        ) as up:
            if bad_frames:
                for frame in (
                    b"",
                    b"\x00\x00\x00",
                    struct.pack(">II", 1, 99) + b"not an image",
                    struct.pack(">I", 4) + b"\xff\xff\xff\xff" + b"{}",
                    struct.pack(">I", 77) + b"unknown event",
                ):
                    await down.send_bytes(frame)
                await down.send_str("{not json")
                await down.send_str(json.dumps({"type": "executing", "data": 5}))
            await _pipe_both(up, down, self._rewrite_message)
        return down


async def _pipe_both(
    up: aiohttp.ClientWebSocketResponse,
    down: web.WebSocketResponse,
    rewrite: Callable[[str], str],
) -> None:
    async def server_to_client() -> None:
        async for msg in up:
            if msg.type is aiohttp.WSMsgType.TEXT:
                await down.send_str(rewrite(msg.data))
            elif msg.type is aiohttp.WSMsgType.BINARY:
                await down.send_bytes(msg.data)

    async def client_to_server() -> None:
        async for msg in down:
            if msg.type is aiohttp.WSMsgType.TEXT:
                await up.send_str(msg.data)

    tasks = [asyncio.ensure_future(server_to_client()), asyncio.ensure_future(client_to_server())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await down.close()
