"""The object-storage host: serves results at signed URLs on its own port.

Like real object storage it refuses a request that carries an ``Authorization`` header next to
a signature, refuses a tampered signature, and refuses a URL past its ``Expires``. Every
request's headers are recorded, so tests can prove the API key never arrives here."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from aiohttp import web

from desktop.demo.hosted.tasks import TaskQueue

BUCKET = "comfy-results"
_XML = "application/xml"


def _error(status: int, code: str, message: str) -> web.Response:
    body = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return web.Response(status=status, text=body, content_type=_XML)


class SignedStorage:
    def __init__(self, queue: TaskQueue) -> None:
        self.queue = queue
        self.base_url = ""  # set once the site listens
        self.seen_headers: list[dict[str, str]] = []
        self.max_ttl: float | None = None  # tests shorten every link's life
        self.stale_links = 0  # the next N links are signed already expired (a slow client)
        self._secret = secrets.token_bytes(16)
        self._revoked_before = 0.0

    def _signature(self, name: str, expires: str, issued: str) -> str:
        text = f"{name}\n{expires}\n{issued}".encode()
        return hmac.new(self._secret, text, hashlib.sha256).hexdigest()

    def sign(self, name: str, ttl: float) -> str:
        if self.max_ttl is not None:
            ttl = min(ttl, self.max_ttl)
        issued = f"{time.time():.6f}"
        if self.stale_links > 0:
            self.stale_links -= 1
            ttl = -1.0
        expires = f"{float(issued) + ttl:.3f}"
        signature = self._signature(name, expires, issued)
        query = f"Expires={expires}&Issued={issued}&Signature={signature}"
        return f"{self.base_url}/{BUCKET}/{quote(name)}?{query}"

    def expire_all(self) -> None:
        """Every link signed so far stops working (as if an hour had passed)."""
        self._revoked_before = time.time()

    async def serve(self, request: web.Request) -> web.StreamResponse:
        self.seen_headers.append(dict(request.headers))
        if "Authorization" in request.headers:
            return _error(400, "InvalidArgument", "Unsupported Authorization Type")
        name = request.match_info["name"]
        query: Mapping[str, Any] = request.query
        try:
            expires_text, issued_text = query["Expires"], query["Issued"]
            expires, issued = float(expires_text), float(issued_text)
        except (KeyError, ValueError):
            return _error(403, "AccessDenied", "Anonymous access is forbidden for this operation")
        expected = self._signature(name, expires_text, issued_text)
        if not hmac.compare_digest(expected, query.get("Signature", "")):
            return _error(403, "SignatureDoesNotMatch", "The request signature does not match")
        if time.time() > expires or issued < self._revoked_before:
            return _error(403, "AccessDenied", "Request has expired")
        data = self.queue.objects.get(name)
        if data is None:
            return _error(404, "NoSuchKey", "The specified key does not exist")
        return web.Response(body=data, content_type="image/png")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(f"/{BUCKET}/{{name:.+}}", self.serve)
        return app
