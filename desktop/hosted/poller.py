"""Watch one hosted task until it finishes. There is no WebSocket: poll ``get_task_info``.

The interval adapts: short while the task runs (results appear soon), growing while it waits
in the queue, and backing off on network loss -- a lost connection loses nothing, because the
task keeps running on the service and the next answer carries its state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from desktop.hosted.client import HostedClient
from desktop.hosted.errors import HostedProtocolError, HostedUnreachable
from desktop.hosted.timing import DEFAULT_TIMING, PollTiming
from desktop.hosted.types import TaskInfo, TaskStatus

log = logging.getLogger("comfydesk.hosted")


class TaskUnknown(HostedProtocolError):
    def __init__(self, task_id: str) -> None:
        super().__init__(f"the service no longer reports task {task_id}")


InfoCallback = Callable[[TaskInfo], None]
OfflineCallback = Callable[[HostedUnreachable | None, float], None]


async def watch_task(
    client: HostedClient,
    task_id: str,
    on_info: InfoCallback,
    *,
    timing: PollTiming = DEFAULT_TIMING,
    on_offline: OfflineCallback | None = None,
) -> TaskInfo:
    """Poll until the task is done, failed or refused; returns that last answer.

    ``on_info`` gets every answer; ``on_offline(error, retry_in)`` is called when the service
    cannot be reached and ``on_offline(None, 0)`` when it answers again. Other errors (a
    refused key, ``code != 0``) end the watch.
    """
    queued_wait = timing.queued_first
    offline_wait = timing.offline_first
    offline = False
    missing = 0
    while True:
        try:
            infos = await client.task_info([task_id])
        except HostedUnreachable as err:
            log.warning("task %s: %s; next try in %.0f s", task_id, err.reason, offline_wait)
            offline = True
            if on_offline is not None:
                on_offline(err, offline_wait)
            await asyncio.sleep(offline_wait)
            offline_wait = min(timing.offline_max, offline_wait * 2)
            continue
        if offline:
            offline = False
            offline_wait = timing.offline_first
            if on_offline is not None:
                on_offline(None, 0.0)
        info = infos.get(task_id)
        if info is None:
            missing += 1
            if missing >= timing.missing_limit:
                raise TaskUnknown(task_id)
            await asyncio.sleep(timing.queued_first)
            continue
        missing = 0
        on_info(info)
        if info.status.finished:
            return info
        if info.status is TaskStatus.RUNNING:
            queued_wait = timing.queued_first
            await asyncio.sleep(timing.running)
        else:
            await asyncio.sleep(queued_wait)
            queued_wait = min(timing.queued_max, queued_wait * timing.queued_growth)


async def fresh_files(client: HostedClient, task_id: str) -> TaskInfo:
    """Ask again for a finished task: the answer carries newly signed URLs."""
    info = (await client.task_info([task_id])).get(task_id)
    if info is None:
        raise TaskUnknown(task_id)
    return info
