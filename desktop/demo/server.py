"""DemoServer: start, stop and steer an in-process demo server (app, tests, benchmarks)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from desktop.demo.app import create_app
from desktop.demo.config import DemoConfig
from desktop.demo.files import Folders
from desktop.demo.queue import PromptQueue
from desktop.demo.state import DemoState

log = logging.getLogger("comfydesk.demo")


class DemoServer:
    def __init__(self, config: DemoConfig | None = None) -> None:
        self.config = config or DemoConfig()
        self.host = "127.0.0.1"
        self.port = 0
        self.received_prompts: list[dict[str, Any]] = []  # every POST /prompt body, kept
        self._state: DemoState | None = None
        self._runner: web.AppRunner | None = None
        self._folders: Folders | None = None
        self._step_delay = self.config.step_delay

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def state(self) -> DemoState:
        if self._state is None:
            raise RuntimeError("the demo server is not running")
        return self._state

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        state = await asyncio.to_thread(
            DemoState, self.config, self._folders, self.received_prompts
        )
        state.step_delay = self._step_delay
        self._folders = state.folders
        runner = web.AppRunner(
            create_app(state), handle_signals=False, access_log=None, shutdown_timeout=2.0
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port, reuse_address=True)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._state, self._runner = state, runner
        self.host = host
        self.port = runner.addresses[0][1]
        log.info("demo server listening on %s", self.url)

    async def _shutdown(self) -> None:
        if self._runner is not None:
            runner, self._runner, self._state = self._runner, None, None
            await runner.cleanup()

    async def stop(self) -> None:
        """Close every socket, stop the worker and delete the server's files."""
        await self._shutdown()
        if self._folders is not None:
            folders, self._folders = self._folders, None
            await asyncio.to_thread(folders.remove)

    async def kill(self) -> None:
        """Like a crash: every socket closes, queue and history are gone. The files stay, so
        ``start(host, port)`` brings the server back on the same port."""
        await self._shutdown()

    async def restart(self) -> None:
        """Like restarting ComfyUI: queue, history, counter and cache are gone; the port and
        the files on disk stay."""
        host, port = self.host, self.port
        await self._shutdown()
        await self.start(host, port)

    async def drop_websockets(self) -> None:
        """Cut every WebSocket; clients have to reconnect."""
        await self.state.hub.close_all()

    @property
    def step_delay(self) -> float:
        return self._step_delay

    @step_delay.setter
    def step_delay(self, value: float) -> None:
        self._step_delay = value
        if self._state is not None:
            self._state.step_delay = value

    def hold(self) -> None:
        """Keep the worker from starting the next prompt (so tests can queue several)."""
        self.state.queue.hold()

    def release(self) -> None:
        self.state.queue.release()

    def interrupt(self) -> None:
        self.state.interrupt()

    @property
    def queue(self) -> PromptQueue:
        return self.state.queue

    @property
    def history(self) -> dict[str, Any]:
        return self.state.queue.history

    @property
    def folders(self) -> Folders:
        return self.state.folders
