"""``HostedDemoServer``: the stand-in API and its storage host, each on its own port, with the
controls tests need (hold the queue, fail the next run, expire links, go offline)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from desktop.demo.hosted.api import HostedApi
from desktop.demo.hosted.storage import SignedStorage
from desktop.demo.hosted.tasks import TaskQueue
from desktop.demo.hosted.workflows import IMG2IMG_ID, TXT2IMG_ID, published_workflows

log = logging.getLogger("comfydesk.demo.hosted")

DEMO_KEY = "sk-demo-hosted"
LIMITED_KEY = "sk-demo-limited"  # may run the txt2img workflow only


async def _listen(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, reuse_address=True).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, runner.addresses[0][1]


class HostedDemoServer:
    def __init__(
        self,
        *,
        run_seconds: float = 1.0,
        keys: Mapping[str, frozenset[str] | None] | None = None,
    ) -> None:
        self.queue = TaskQueue(run_seconds)
        self.storage = SignedStorage(self.queue)
        self.workflows = published_workflows()
        default_keys = {DEMO_KEY: None, LIMITED_KEY: frozenset({TXT2IMG_ID})}
        self.api = HostedApi(self.queue, self.storage, self.workflows, keys or default_keys)
        self.host = "127.0.0.1"
        self.port = 0
        self.files_port = 0
        self._api_runner: web.AppRunner | None = None
        self._files_runner: web.AppRunner | None = None
        self._worker: asyncio.Task[Any] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def files_url(self) -> str:
        return f"http://{self.host}:{self.files_port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0, files_port: int = 0) -> None:
        self.host = host
        self._files_runner, self.files_port = await _listen(self.storage.app(), host, files_port)
        self.storage.base_url = self.files_url
        self._api_runner, self.port = await _listen(self.api.app(), host, port)
        self._worker = asyncio.get_running_loop().create_task(
            self.queue.run_forever(), name="hosted-demo-worker"
        )
        log.info("hosted stand-in on %s, results on %s", self.url, self.files_url)

    async def go_offline(self) -> None:
        """Close the API's port (tasks keep running), as a network loss looks to a client."""
        if self._api_runner is not None:
            runner, self._api_runner = self._api_runner, None
            await runner.cleanup()

    async def come_back(self) -> None:
        if self._api_runner is None:
            self._api_runner, _ = await _listen(self.api.app(), self.host, self.port)

    async def stop(self) -> None:
        await self.go_offline()
        if self._files_runner is not None:
            runner, self._files_runner = self._files_runner, None
            await runner.cleanup()
        if self._worker is not None:
            worker, self._worker = self._worker, None
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker


__all__ = ["DEMO_KEY", "IMG2IMG_ID", "LIMITED_KEY", "TXT2IMG_ID", "HostedDemoServer"]
