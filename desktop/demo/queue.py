"""The prompt queue and history, with 0.3.64's semantics."""

from __future__ import annotations

import asyncio
import copy
import heapq
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]
# (number, prompt_id, prompt, extra_data, outputs_to_execute)
QueueItem = tuple[float, str, JSON, JSON, list[str]]

MAXIMUM_HISTORY_SIZE = 10000
SENSITIVE_EXTRA_DATA_KEYS = ("auth_token_comfy_org", "api_key_comfy_org")


class PromptQueue:
    def __init__(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        self.pending: list[QueueItem] = []  # a heap: /queue shows it in raw heap order
        self.running: dict[int, QueueItem] = {}
        self.history: dict[str, JSON] = {}
        self.number = 0  # the server's counter; also consumed by invalid posts
        self._task_counter = 0
        self._held = False
        self._changed = asyncio.Event()

    # -- the worker side -------------------------------------------------------------------
    def hold(self) -> None:
        """Keep the worker from starting another prompt (the running one continues)."""
        self._held = True

    def release(self) -> None:
        self._held = False
        self._changed.set()

    async def get(self) -> tuple[int, QueueItem]:
        while not self.pending or self._held:
            self._changed.clear()
            await self._changed.wait()
        item = heapq.heappop(self.pending)
        task_id = self._task_counter
        self._task_counter += 1
        self.running[task_id] = item
        self._on_change()
        return task_id, item

    def task_done(self, task_id: int, status: JSON, result: JSON) -> None:
        item = self.running.pop(task_id)
        if len(self.history) > MAXIMUM_HISTORY_SIZE:
            self.history.pop(next(iter(self.history)))
        extra_data = item[3]
        for key in SENSITIVE_EXTRA_DATA_KEYS:
            extra_data.pop(key, None)
        self.history[item[1]] = {"prompt": list(item), "outputs": {}, "status": status, **result}
        self._on_change()

    # -- the HTTP side ---------------------------------------------------------------------
    def next_number(self, front: bool) -> int:
        number = -self.number if front else self.number
        self.number += 1
        return number

    def put(self, item: QueueItem) -> None:
        # Equal number and prompt_id make heapq compare dicts and raise TypeError (a 500),
        # exactly like the real server.
        heapq.heappush(self.pending, item)
        self._on_change()
        self._changed.set()

    def remaining(self) -> int:
        return len(self.pending) + len(self.running)

    def snapshot(self) -> tuple[list[QueueItem], list[QueueItem]]:
        return list(self.running.values()), list(self.pending)

    def wipe_pending(self) -> None:
        self.pending = []
        self._on_change()

    def delete_pending(self, prompt_id: str) -> bool:
        for index, item in enumerate(self.pending):
            if item[1] == prompt_id:
                self.pending.pop(index)
                heapq.heapify(self.pending)
                self._on_change()
                return True
        return False

    def running_ids(self) -> list[str]:
        return [item[1] for item in self.running.values()]

    def get_history(
        self, prompt_id: str | None = None, max_items: int | None = None, offset: int = -1
    ) -> JSON:
        if prompt_id is not None:
            item = self.history.get(prompt_id)
            return {prompt_id: copy.deepcopy(item)} if item is not None else {}
        if offset < 0 and max_items is not None:
            offset = len(self.history) - max_items
        out: JSON = {}
        for index, (key, item) in enumerate(self.history.items()):
            if index >= offset:
                out[key] = item
                if max_items is not None and len(out) >= max_items:
                    break
        return out

    def wipe_history(self) -> None:
        self.history.clear()

    def delete_history(self, prompt_id: str) -> None:
        self.history.pop(prompt_id, None)
