"""What a farm knows of each server (``Member``) and of each of our jobs (``FarmJob``), and
its merged event stream (``FarmEvents``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from desktop.comfy.client import ComfyClient
from desktop.comfy.messages import Executed, StreamEvent
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.stream import EventStream
from desktop.comfy.types import ImageRef, SystemStats


@dataclass(frozen=True)
class ServerSpec:
    """One server of the farm: where it is, what to call it, extra headers (a token)."""

    url: str
    name: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    client_options: Mapping[str, Any] = field(default_factory=dict)  # e.g. its CA file


@dataclass(frozen=True)
class ServerState:
    """What the connection bar and the metrics show of one server."""

    name: str
    url: str
    up: bool
    ours: int  # our jobs there, not finished
    others: int  # other people's jobs in its /queue (last seen)
    queue_remaining: int = 0  # the server's own count (every client's jobs)
    stats: SystemStats | None = None  # last /system_stats (GPU, free VRAM); None until read


class Member:
    def __init__(self, spec: ServerSpec, name: str, client: ComfyClient) -> None:
        self.name = name
        self.url = client.base_url
        self.client = client
        self.stream: EventStream | None = None
        self.socket_up = False
        self.answering = True
        self.down_since: float | None = None
        self.info: ObjectInfo | None = None
        self.info_lock = asyncio.Lock()
        self.others = 0
        self.queue_read_at = -1e9
        self.queue_remaining = 0
        self.stats: SystemStats | None = None
        self.executing: str | None = None
        self.moved_out: set[str] = set()  # our prompts that may still sit in its queue
        self.move_lock = asyncio.Lock()
        self.probing = False
        self.settled = False  # connected or failed to, at least once

    @property
    def up(self) -> bool:
        return self.socket_up and self.answering

    def went_down(self) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()


@dataclass
class FarmJob:
    id: str
    prompt: Mapping[str, Any] | None  # None: adopted after a restart, cannot be moved
    workflow: Any = None
    extra_data: Mapping[str, Any] | None = None
    front: bool = False
    key: str = ""
    owner: Member | None = None
    cancelled: bool = False
    ended_on_owner: bool = False  # the owner finished running it (results may be uncollected)
    started: float | None = None
    held: list[Executed] = field(default_factory=list)
    # The jobs layer's view of the job's outputs, by (node, position): the first run's file
    # names stay the job's names when it runs again elsewhere, so what it already saved is
    # not saved again and what it still lacks is fetched from the new run (``alias``).
    shown: dict[tuple[str, int], ImageRef] = field(default_factory=dict)
    alias: dict[ImageRef, ImageRef] = field(default_factory=dict)

    def present(self, node: str, refs: Sequence[ImageRef]) -> tuple[ImageRef, ...]:
        out = []
        for index, ref in enumerate(refs):
            first = self.shown.setdefault((node, index), ref)
            if first != ref:
                self.alias[first] = ref
            out.append(first)
        return tuple(out)

    placing: bool = False  # a POST /prompt for it is under way
    adopted_at: float | None = None  # from the journal, server not found yet (monotonic)
    rehoming: bool = False  # an adopted job waits to run again elsewhere


class EndOfEvents:
    pass


class StreamOwner(Protocol):
    """The farm, as its event stream sees it (``Farm``; typed here so that this module does
    not import the one that imports it)."""

    members: list[Member]

    def start_streams(self, sink: FarmEvents) -> None: ...

    async def stop_streams(self) -> None: ...


class FarmEvents:
    """The farm's merged event stream (one at a time per farm)."""

    def __init__(self, farm: StreamOwner) -> None:
        self._farm = farm
        self.queue: asyncio.Queue[StreamEvent | EndOfEvents] = asyncio.Queue()
        self._started = False
        self._ended = False

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self

    async def __anext__(self) -> StreamEvent:
        if self._ended:
            raise StopAsyncIteration
        if not self._started:
            self._started = True
            self._farm.start_streams(self)
        item = await self.queue.get()
        if isinstance(item, EndOfEvents):
            self._ended = True
            raise StopAsyncIteration
        return item

    def reconnect_now(self) -> None:
        for member in self._farm.members:
            if member.stream is not None:
                member.stream.reconnect_now()

    async def close(self) -> None:
        await self._farm.stop_streams()
        self.queue.put_nowait(EndOfEvents())
