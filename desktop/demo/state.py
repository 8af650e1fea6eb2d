"""Everything one demo server instance holds: queue, history, sockets, files, cache."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from desktop.demo import images
from desktop.demo.catalog import NodeCatalog
from desktop.demo.config import DemoConfig
from desktop.demo.files import Folders
from desktop.demo.hub import Hub
from desktop.demo.queue import PromptQueue

log = logging.getLogger("comfydesk.demo")


@dataclass(frozen=True)
class CacheEntry:
    meta: dict[str, Any]
    ui: dict[str, Any] | None


class OutputCache:
    """Node results by cache key. Like the real server's default cache it only keeps entries
    the current prompt can use, so it never grows beyond one workflow."""

    def __init__(self) -> None:
        self._entries: dict[str, CacheEntry] = {}

    def retain(self, keys: set[str]) -> None:
        self._entries = {key: entry for key, entry in self._entries.items() if key in keys}

    def get(self, key: str) -> CacheEntry | None:
        return self._entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def set(self, key: str, entry: CacheEntry) -> None:
        self._entries[key] = entry

    def clear(self) -> None:
        self._entries.clear()


class DemoState:
    """Built in a worker thread (it reads the bundled object_info and writes example.png)."""

    def __init__(
        self,
        config: DemoConfig,
        folders: Folders | None = None,
        received_prompts: list[dict[str, Any]] | None = None,
    ) -> None:
        self.config = config
        self.step_delay = config.step_delay
        self.catalog = NodeCatalog(config.object_info_path, config.models)
        # A restarted server keeps its files, like a real one keeps its output folder.
        self.folders = folders or Folders()
        if not (self.folders.input / "example.png").exists():
            images.example_input(self.folders.input / "example.png")
        self.catalog.set_input_files(self.folders.input_files())
        self.hub = Hub()
        self.queue = PromptQueue(self.queue_updated)
        self.cache = OutputCache()
        self.received_prompts = received_prompts if received_prompts is not None else []
        self.interrupted = asyncio.Event()  # set by /interrupt; also wakes a sleeping step
        self.free_memory_requested = False
        # The prompt the worker is running: whose socket gets its messages, and which node
        # a reconnecting client is told about.
        self.running_client_id: str | None = None
        self.last_node_id: str | None = None

    def queue_info(self) -> dict[str, Any]:
        return {"exec_info": {"queue_remaining": self.queue.remaining()}}

    def queue_updated(self) -> None:
        self.hub.send("status", {"status": self.queue_info()})

    def interrupt(self) -> None:
        self.interrupted.set()

    def close(self) -> None:
        """Delete the server's files (call from a worker thread)."""
        self.folders.remove()


STATE_KEY = web.AppKey("state", DemoState)
