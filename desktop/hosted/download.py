"""Fetch result files from signed URLs on the object-storage host.

A separate aiohttp session with no default headers and no cookie jar: the URL's own signature
is the only credential, and the API key cannot reach this host by construction (the client's
session refuses other origins, and this one never holds the key)."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from yarl import URL

from desktop.comfy.http import map_client_error
from desktop.hosted.errors import DownloadFailed, HostedUnreachable, SignedUrlExpired

log = logging.getLogger("comfydesk.hosted")

# Object storage answers 403 for an expired or tampered signature; some gateways use 410.
_EXPIRED = frozenset({401, 403, 410})
MAX_RESULT_BYTES = 512 * 1024 * 1024


def shown_url(url: str) -> str:
    """The URL without its query: the signature stays out of logs and messages."""
    return str(URL(url).with_query(None))


class SignedDownloader:
    """One credential-free session for every download; ``close()`` ends it."""

    def __init__(self, *, timeout: float = 120.0) -> None:
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                cookie_jar=aiohttp.DummyCookieJar(),
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def fetch(self, url: str) -> bytes:
        """The file's bytes. SignedUrlExpired asks for a fresh ``get_task_info``;
        HostedUnreachable is worth a retry; DownloadFailed is not."""
        shown = shown_url(url)
        if URL(url).scheme not in ("http", "https"):
            raise DownloadFailed(shown, "not an http(s) link")
        try:
            async with (
                asyncio.timeout(self.timeout),
                self._get_session().get(URL(url, encoded=True), max_redirects=3) as resp,
            ):
                if resp.status in _EXPIRED:
                    raise SignedUrlExpired(shown, resp.status)
                if resp.status >= 500:
                    raise HostedUnreachable(shown, f"storage error {resp.status}")
                if resp.status >= 400:
                    raise DownloadFailed(shown, f"HTTP {resp.status}")
                if (resp.content_length or 0) > MAX_RESULT_BYTES:
                    raise DownloadFailed(shown, "the file is too large")
                return await resp.read()
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            mapped = map_client_error(err, shown)
            raise HostedUnreachable(shown, getattr(mapped, "reason", "")) from err
