"""The HTTP transport under ``ComfyClient`` and ``EventStream``: one aiohttp session, URL
building, credentials, and the mapping of every failure onto the ``errors`` tree.

Credentials (extra headers and query parameters) only ever travel to the configured server:
REST calls never follow redirects, and a session middleware refuses any request -- including
a redirect the WebSocket handshake would follow -- whose origin differs from the base URL's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import ssl
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import quote

import aiohttp
from yarl import URL

from desktop.base import atomic
from desktop.base.read_only import ReadOnly
from desktop.comfy.errors import (
    AuthenticationRequired,
    ComfyError,
    DownloadTooLarge,
    ProtocolError,
    ServerError,
    ServerTooSlow,
    ServerUnreachable,
)

log = logging.getLogger("comfydesk.comfy")

_AUTH_STATUSES = frozenset({401, 403, 407})
#: Downloads (``/view``) larger than this are refused; a ComfyUI video is rarely past 1 GB.
DEFAULT_MAX_DOWNLOAD = 2**30
_CHUNK = 1 << 20  # file writes happen in a worker thread, one per MiB
_BODY_SNIPPET = 2000
_WS_TO_HTTP = {"ws": "http", "wss": "https"}


class ForeignHostBlocked(aiohttp.ClientError):
    """A request (usually a followed redirect) tried to leave the configured server."""

    def __init__(self, url: URL) -> None:
        self.url = url
        super().__init__(f"refused to send credentials to {url.origin()}")


def normalize_base_url(base_url: str) -> str:
    """``host:8188`` -> ``http://host:8188``; no trailing slash, no query, path prefix kept."""
    text = base_url.strip()
    if "://" not in text:
        text = f"http://{text}"
    url = URL(text)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"not an http(s) server address: {base_url!r}")
    return str(url.with_query(None).with_fragment(None)).rstrip("/")


def looks_like_html(content_type: str, body: bytes) -> bool:
    if "html" in content_type:
        return True
    head = body[:64].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


@dataclass(frozen=True, slots=True)
class Reply:
    """A response that got past the transport's checks (no 3xx, no 401/403)."""

    status: int
    content_type: str
    body: bytes
    url: str  # redacted: no query string, so tokens never reach logs or messages

    @property
    def is_json(self) -> bool:
        return "json" in self.content_type and not looks_like_html(self.content_type, self.body)

    def text(self) -> str:
        return self.body[:_BODY_SNIPPET].decode("utf-8", errors="replace")

    def raise_for_status(self) -> None:
        if self.status >= 400:
            raise ServerError(self.status, self.url, self.text())

    def json(self) -> Any:
        """The body as JSON. A login page (HTML) means a proxy wants credentials."""
        if looks_like_html(self.content_type, self.body):
            raise AuthenticationRequired(self.url, self.status)
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError) as err:
            kind = self.content_type or "no content type"
            raise ProtocolError(f"expected JSON, got {kind}", self.url) from err


def map_client_error(err: BaseException, url: str) -> ComfyError:
    """Turn an aiohttp/OS/timeout failure into the error an artist can act on."""
    if isinstance(err, ForeignHostBlocked):
        return AuthenticationRequired(url)
    if isinstance(err, aiohttp.WSServerHandshakeError):
        if err.status in _AUTH_STATUSES or 300 <= err.status < 400 or err.status == 200:
            # 200 instead of 101 is a login page served where the socket should be.
            return AuthenticationRequired(url, err.status)
        return ServerError(err.status, url, err.message)
    if isinstance(err, TimeoutError):
        return ServerTooSlow(url)
    if isinstance(err, aiohttp.ClientConnectorCertificateError | ssl.SSLError):
        return ServerUnreachable(url, "the server's TLS certificate was not accepted")
    if isinstance(err, aiohttp.ClientConnectorError):
        return ServerUnreachable(url, str(err.os_error.strerror or err.os_error))
    if isinstance(err, aiohttp.ClientPayloadError):  # cut in the middle of the body
        return ServerUnreachable(
            url, "the connection dropped before the answer was complete", dropped=True
        )
    if isinstance(err, aiohttp.ServerDisconnectedError):  # closed before answering
        return ServerUnreachable(url, "the connection dropped before the answer was complete")
    if isinstance(err, aiohttp.ClientError | OSError):
        return ServerUnreachable(url, type(err).__name__)
    return ProtocolError(str(err), url)


class TransportOptions(TypedDict, total=False):
    """How to reach one server: what :class:`HttpTransport` takes beside the address, passed
    through unchanged by the client, the session and ``probe``."""

    headers: Mapping[str, str] | None
    query: Mapping[str, str] | None
    ca_file: str | None
    verify_tls: bool
    timeout: float
    idle_timeout: float | None
    max_download: int


class HttpTransport:
    """Owns the aiohttp session of one server. Create it anywhere; the session is made lazily
    inside the running loop and closed by ``close()``."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        ca_file: str | None = None,
        verify_tls: bool = True,
        timeout: float = 30.0,
        idle_timeout: float | None = None,
        max_download: int = DEFAULT_MAX_DOWNLOAD,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        # Downloads: ``timeout`` bounds the wait for the headers, ``idle_timeout`` every wait
        # for the next piece of the body (a big file on a slow link may take long in total).
        self.idle_timeout = timeout if idle_timeout is None else idle_timeout
        self.max_download = max_download
        self._base = URL(self.base_url)
        self._origin = self._base.origin()
        self.headers: dict[str, str] = dict(headers or {})
        self.query: dict[str, str] = dict(query or {})
        self.timeout = timeout
        self._ca_file = ca_file
        self._verify_tls = verify_tls
        self._session: aiohttp.ClientSession | None = None
        self._session_lock = asyncio.Lock()
        self._closed = False

    # ------------------------------------------------------------------ urls

    def url(self, *segments: str) -> URL:
        """``<base>/<segments...>``; each segment is exactly one path component, so a node class
        or folder name containing ``/`` or ``?`` cannot change the route."""
        return self._base.joinpath(*(quote(s, safe="") for s in segments), encoded=True)

    def api_url(self, *segments: str) -> URL:
        return self.url("api", *segments)

    def ws_url(self, client_id: str) -> URL:
        scheme = "wss" if self._base.scheme == "https" else "ws"
        url = self.url("ws").with_scheme(scheme)
        return url.with_query({**self.query, "clientId": client_id})

    def scrub(self, body: bytes) -> bytes:
        """``body`` without our credentials: a server or proxy may echo the request's headers
        into an error page, and error pages end up in messages."""
        for value in (*self.headers.values(), *self.query.values()):
            for form in {value, value.partition(" ")[2]}:  # "Bearer x" and the bare "x"
                if len(form) >= 4:
                    body = body.replace(form.encode("utf-8", errors="ignore"), b"***")
        return body

    @staticmethod
    def redact(url: URL) -> str:
        return str(url.with_query(None).with_user(None))

    # ------------------------------------------------------------------ session

    closed: ReadOnly[bool] = ReadOnly("_closed")

    async def _ssl(self) -> ssl.SSLContext | bool:
        if not self._verify_tls:
            return False
        if self._ca_file:
            try:
                return await asyncio.to_thread(ssl.create_default_context, cafile=self._ca_file)
            except (OSError, ssl.SSLError) as err:
                raise ServerUnreachable(
                    self.base_url, f"cannot use CA file {self._ca_file}"
                ) from err
        return True

    async def session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ServerUnreachable(self.base_url, "the connection was closed")
        if self._session is None:
            async with self._session_lock:
                if self._session is None:
                    connector = aiohttp.TCPConnector(ssl=await self._ssl())
                    self._session = aiohttp.ClientSession(
                        connector=connector,
                        timeout=aiohttp.ClientTimeout(total=None),
                        middlewares=(self._same_origin_only,),
                    )
        return self._session

    async def _same_origin_only(
        self, request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        # Runs for every request the session sends, including redirects aiohttp follows on
        # its own (ws_connect has no allow_redirects switch).
        url = request.url
        if url.scheme in _WS_TO_HTTP:
            url = url.with_scheme(_WS_TO_HTTP[url.scheme])
        if url.origin() != self._origin:
            raise ForeignHostBlocked(request.url)
        return await handler(request)

    async def close(self) -> None:
        self._closed = True
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    # ------------------------------------------------------------------ requests

    async def fetch(
        self,
        method: str,
        url: URL,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        data: Any = None,
        time_limit: float | None = None,
    ) -> Reply:
        """Send one request with the credentials and read the whole body.

        Raises ServerUnreachable for network failures, AuthenticationRequired for 3xx and
        401/403. Other statuses come back in the ``Reply`` for the caller to judge.
        """
        session = await self.session()
        shown = self.redact(url)
        query = {**self.query, **(params or {})}
        try:
            async with (
                asyncio.timeout(time_limit or self.timeout),
                session.request(
                    method,
                    url,
                    params=query or None,
                    headers=self.headers,
                    json=json_body,
                    data=data,
                    allow_redirects=False,
                ) as resp,
            ):
                body = await resp.read()
                status = resp.status
                content_type = resp.content_type or ""
                location = resp.headers.get("Location", "")
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise map_client_error(err, shown) from err
        if 300 <= status < 400:
            target = location.split("?", 1)[0]  # a login URL's query may hold secrets
            log.warning("%s %s redirected (%d) to %s", method, shown, status, target)
            raise AuthenticationRequired(shown, status)
        if status in _AUTH_STATUSES:
            raise AuthenticationRequired(shown, status)
        if status >= 400:
            body = self.scrub(body)  # error bodies end up in messages
        return Reply(status, content_type, body, shown)

    async def get_json(self, url: URL, *, params: Mapping[str, str] | None = None) -> Any:
        reply = await self.fetch("GET", url, params=params)
        reply.raise_for_status()
        return reply.json()

    async def post(self, url: URL, json_body: Any) -> Reply:
        reply = await self.fetch("POST", url, json_body=json_body)
        reply.raise_for_status()
        return reply

    # ------------------------------------------------------------------ downloads

    @contextlib.asynccontextmanager
    async def _open_download(
        self, url: URL, params: Mapping[str, str] | None
    ) -> AsyncIterator[tuple[aiohttp.ClientResponse, str]]:
        """A GET whose body is still to be read: status, redirect, login page and the
        announced size are checked before a byte of it is kept."""
        session = await self.session()
        shown = self.redact(url)
        query = {**self.query, **(params or {})}
        try:
            async with asyncio.timeout(self.timeout):
                resp = await session.get(
                    url, params=query or None, headers=self.headers, allow_redirects=False
                )
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise map_client_error(err, shown) from err
        try:
            status = resp.status
            if 300 <= status < 400 or status in _AUTH_STATUSES:
                target = resp.headers.get("Location", "").split("?", 1)[0]
                log.warning("GET %s answered %d %s", shown, status, target)
                raise AuthenticationRequired(shown, status)
            if status >= 400:
                snippet = b""
                with contextlib.suppress(aiohttp.ClientError, OSError, TimeoutError):
                    async with asyncio.timeout(self.idle_timeout):
                        snippet = await resp.content.read(_BODY_SNIPPET)
                text = self.scrub(snippet).decode("utf-8", errors="replace")
                raise ServerError(status, shown, text)
            if "html" in (resp.content_type or ""):
                raise AuthenticationRequired(shown, status)  # a login page, not a file
            if resp.content_length is not None and resp.content_length > self.max_download:
                raise DownloadTooLarge(shown, self.max_download)
            yield resp, shown
        finally:
            resp.release()

    async def _chunks(self, resp: aiohttp.ClientResponse, shown: str) -> AsyncIterator[bytes]:
        """The body in pieces of up to ``_CHUNK`` bytes; each wait is bounded by
        ``idle_timeout``, the total by ``max_download``."""
        total = 0
        buffer = bytearray()
        try:
            while True:
                async with asyncio.timeout(self.idle_timeout):
                    piece = await resp.content.readany()
                if not piece:
                    break
                total += len(piece)
                if total > self.max_download:
                    raise DownloadTooLarge(shown, self.max_download)
                buffer += piece
                if len(buffer) >= _CHUNK:
                    yield bytes(buffer)
                    buffer.clear()
        except TimeoutError as err:
            raise ServerTooSlow(shown, "the download stalled") from err
        except (aiohttp.ClientError, OSError) as err:
            raise map_client_error(err, shown) from err
        if buffer:
            yield bytes(buffer)

    async def read_capped(self, url: URL, params: Mapping[str, str] | None = None) -> bytes:
        """A GET's whole body in memory, within ``max_download`` (previews, thumbnails)."""
        async with self._open_download(url, params) as (resp, shown):
            parts = [piece async for piece in self._chunks(resp, shown)]
        data = b"".join(parts)
        if looks_like_html("", data):
            raise AuthenticationRequired(shown, 200)
        return data

    async def download(
        self, url: URL, directory: Path, params: Mapping[str, str] | None = None
    ) -> Path:
        """Stream a GET's body into a new hidden temp file in ``directory`` (see
        ``desktop.base.atomic``) and return it; the caller owns the file. Nothing is left
        behind when the download fails."""
        async with self._open_download(url, params) as (resp, shown):
            fd, tmp = await asyncio.to_thread(atomic.open_temp, Path(directory))
            fh = os.fdopen(fd, "wb")
            try:
                first = True
                async for piece in self._chunks(resp, shown):
                    if first and looks_like_html("", piece):
                        raise AuthenticationRequired(shown, 200)
                    first = False
                    await asyncio.to_thread(fh.write, piece)
                await asyncio.to_thread(_finish, fh)
            except BaseException:
                await asyncio.to_thread(_abandon, fh, tmp)
                raise
        return tmp


def _finish(fh: Any) -> None:
    fh.flush()
    os.fsync(fh.fileno())
    fh.close()


def _abandon(fh: Any, tmp: Path) -> None:
    with contextlib.suppress(OSError):
        fh.close()
    atomic.discard(tmp)
