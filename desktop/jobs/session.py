"""ServerSession: one ComfyUI server as the app (and the runner) sees it.

It owns the backend (a ComfyClient, or a farm), the task that pumps ``client.events()``, a stats
refresher and a JobManager. Every stream event goes to the JobManager first and then to the
``on_event`` listeners; connection events become a ``SessionStatus``. On every ``Connected``
the jobs are reconciled with the server and node definitions are (re)loaded when needed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar, Unpack

from desktop.base.listeners import Listeners
from desktop.base.tasks import TaskSet
from desktop.comfy import cache as _cache
from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import ComfyError
from desktop.comfy.http import TransportOptions
from desktop.comfy.messages import (
    Connected,
    Connecting,
    Disconnected,
    FeatureFlags,
    Status,
    StreamEvent,
)
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.types import SystemStats
from desktop.jobs.backend import Backend, EventSource
from desktop.jobs.collect import CollectPolicy
from desktop.jobs.manager import JobManager
from desktop.jobs.sinks import ResultSink

log = logging.getLogger("comfydesk.jobs")

T = TypeVar("T")


class ConnState(Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    AUTH_REQUIRED = "auth_required"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SessionStatus:
    state: ConnState
    url: str
    reason: str = ""
    retry_at: float | None = None  # time.monotonic() of the next reconnect attempt
    attempt: int = 0
    system_stats: SystemStats | None = None
    queue_remaining: int | None = None
    server_flags: Mapping[str, Any] = field(default_factory=dict)


class ServerSession:
    """Owns one Backend (a ComfyClient unless given) + its event pump task + a JobManager;
    fans events out."""

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        journal_path: Path | None = None,
        result_sink: ResultSink | None = None,
        load_object_info: bool = True,
        stats_interval: float = 5.0,
        silence_timeout: float = 15.0,
        collect_policy: CollectPolicy | None = None,
        backend: Backend | None = None,
        **reach: Unpack[TransportOptions],
    ) -> None:
        # ``backend`` replaces the one-server client (a farm); the session owns and closes it.
        self.client: Backend = backend or ComfyClient(base_url, client_id=client_id, **reach)
        self.jobs = JobManager(
            self.client,
            journal_path=journal_path,
            result_sink=result_sink,
            silence_timeout=silence_timeout,
            collect_policy=collect_policy,
        )
        forget = getattr(self.client, "forget", None)
        if forget is not None:  # a backend with per-job state (a farm) drops it once finished
            self.jobs.on_change(lambda job: forget(job.id) if job.finished else None)
        self.status = SessionStatus(ConnState.STOPPED, self.client.base_url)
        self.object_info: ObjectInfo | None = None
        self._object_info_version: str | None = None
        self._load_object_info = load_object_info
        if load_object_info and hasattr(self.client, "nodes_changed"):
            self.client.nodes_changed = self._nodes_changed
        self._stats_interval = stats_interval
        self._stream: EventSource | None = None
        self._tasks = TaskSet()
        self._stats_wake = asyncio.Event()
        self._status_cbs: Listeners[[SessionStatus]] = Listeners("A session listener")
        self._event_cbs: Listeners[[StreamEvent]] = Listeners("A session listener")
        self._info_cbs: Listeners[[ObjectInfo]] = Listeners("A session listener")
        self._info_failed_cbs: Listeners[[Exception]] = Listeners("A session listener")
        self._started = False

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._started:
            return
        self._started = True
        await self.jobs.start()
        adopt = getattr(self.client, "adopt", None)
        if adopt is not None:  # a farm learns the journal's jobs, to find their servers
            for job in self.jobs.jobs():
                if not job.finished:
                    adopt(job.id, job.prompt, job.ui_workflow)
        self._stream = self.client.events()
        self._spawn(self._pump(), "session-pump")
        self._spawn(self._refresh_stats(), "session-stats")

    async def close(self) -> None:
        await self._tasks.cancel_all()
        if self._stream is not None:
            await self._stream.close()
        await self.jobs.close()
        await self.client.close()
        self._set_status(state=ConnState.STOPPED, retry_at=None, reason="")

    def retry_now(self) -> None:
        if self._stream is not None:
            self._stream.reconnect_now()

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._tasks.spawn(coro, name)

    # ------------------------------------------------------------------ listeners

    def on_status(self, cb: Callable[[SessionStatus], None]) -> Callable[[], None]:
        return self._status_cbs.add(cb)

    def on_event(self, cb: Callable[[StreamEvent], None]) -> Callable[[], None]:
        return self._event_cbs.add(cb)

    def on_object_info(self, cb: Callable[[ObjectInfo], None]) -> Callable[[], None]:
        return self._info_cbs.add(cb)

    def on_object_info_failed(self, cb: Callable[[Exception], None]) -> Callable[[], None]:
        """The node list could not be read (the form waiting for it should say why)."""
        return self._info_failed_cbs.add(cb)

    def _set_status(self, **changes: Any) -> None:
        new = dataclasses.replace(self.status, **changes)
        if new != self.status:
            self.status = new
            self._status_cbs.emit(new)

    # ------------------------------------------------------------------ the pump

    async def _pump(self) -> None:
        assert self._stream is not None
        async for event in self._stream:
            self._dispatch(event)

    def _dispatch(self, event: StreamEvent) -> None:
        if isinstance(event, Connecting):
            self._set_status(state=ConnState.CONNECTING, attempt=event.attempt, retry_at=None)
        elif isinstance(event, Connected):
            self._set_status(
                state=ConnState.CONNECTED,
                reason="",
                retry_at=None,
                server_flags=dict(event.server_flags),
            )
        elif isinstance(event, Disconnected):
            retry = None if event.retry_in is None else time.monotonic() + event.retry_in
            state = ConnState.AUTH_REQUIRED if event.auth_required else ConnState.DISCONNECTED
            self._set_status(state=state, reason=event.reason, retry_at=retry)
        elif isinstance(event, Status):
            self._set_status(queue_remaining=event.queue_remaining)
        elif isinstance(event, FeatureFlags):
            self._set_status(server_flags=dict(event.flags))
        self.jobs.handle(event)
        self._event_cbs.emit(event)
        if isinstance(event, Connected):
            self._stats_wake.set()
            self._spawn(self.jobs.reconcile(), "session-reconcile")
            if self._load_object_info:
                self._spawn(self._object_info_after_connect(), "session-object-info")

    # ------------------------------------------------------------------ server info

    async def _refresh_stats(self) -> None:
        while True:
            await self._stats_wake.wait()
            self._stats_wake.clear()
            if self.status.state is ConnState.CONNECTED:
                try:
                    stats = await self.client.system_stats()
                except ComfyError as err:
                    log.info("Could not read system stats: %s", err)
                else:
                    self._set_status(system_stats=stats)
                try:
                    async with asyncio.timeout(self._stats_interval):
                        await self._stats_wake.wait()
                except TimeoutError:
                    self._stats_wake.set()

    async def _version(self) -> str:
        stats = self.status.system_stats
        if stats is None:
            stats = await self.client.system_stats()
            self._set_status(system_stats=stats)
        return stats.comfyui_version

    async def _object_info_after_connect(self) -> None:
        try:
            version = await self._version()
            if self.object_info is not None and version == self._object_info_version:
                return
            cacheable = getattr(self.client, "object_info_cacheable", True)
            cached = (
                await _cache.load_cached_object_info(self.client.base_url, version)
                if cacheable
                else None
            )
            if cached is not None:
                self._publish_info(cached, version)
            else:
                await self.refresh_object_info()
        except ComfyError as err:
            log.warning("Could not load node definitions: %s", err)
            self._info_failed_cbs.emit(err)
        except Exception as err:  # a node list we cannot make sense of: say so, stay usable
            log.exception("Could not make sense of the node definitions")
            self._info_failed_cbs.emit(err)

    def _nodes_changed(self) -> None:
        if self.object_info is not None:
            self._spawn(self._refresh_quietly(), "session-object-info")

    async def _refresh_quietly(self) -> None:
        try:
            await self.refresh_object_info()
        except ComfyError as err:
            log.warning("Could not load node definitions: %s", err)

    async def refresh_object_info(self) -> ObjectInfo:
        """Fetch node definitions from the server (e.g. after uploads changed input lists)."""
        info = await self.client.object_info()
        version = await self._version()
        self._publish_info(info, version)
        if getattr(self.client, "object_info_cacheable", True):
            await _cache.store_object_info(self.client.base_url, version, info)
        return info

    def _publish_info(self, info: ObjectInfo, version: str) -> None:
        self.object_info = info
        self._object_info_version = version
        # The node list (and everything else alive now: start-up state) lives as long as the
        # app: take it out of later garbage collections, whose full passes otherwise stall the
        # GUI loop for 30-60 ms (docs/PERFORMANCE.md §3). Never unfrozen: a later full pass
        # could then free Qt objects on whichever thread triggers it.
        gc.freeze()
        self._info_cbs.emit(info)
