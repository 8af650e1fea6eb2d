"""``Farm``: several ComfyUI servers behind the one ``Backend`` the jobs layer knows.

- **Routing.** A job goes only to servers that have every node class and model file it needs
  (``needs.lacking``); among those, to the shortest expected wait (``routing``). When none can
  run it, the rejection says which server lacks what.
- **One id everywhere.** The jobs layer chooses the prompt id; the farm submits under it and
  remembers its owner. Events of a prompt from a server that no longer owns it are dropped;
  ``executed`` announcements are held until the owner finishes, so the jobs layer only ever
  sees outputs of the run it collects (each job's pictures exactly once).
- **Failover.** A server whose socket is down or that stops answering for ``failover_after``
  seconds loses our unfinished jobs to another capable server, under the same prompt id. When
  it comes back it is used again, and copies of moved jobs still queued there are removed.
- **One connection.** ``Connected``/``Disconnected`` describe the farm: up while any server is.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from desktop.base.tasks import TaskSet
from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import ComfyError, InputError, PromptRejected, ServerUnreachable
from desktop.comfy.messages import (
    JOB_MESSAGES,
    Connected,
    Connecting,
    Disconnected,
    Executed,
    Executing,
    ExecutionError,
    ExecutionInterrupted,
    PreviewImage,
    Status,
    StreamEvent,
    ends_run,
    starts_running,
)
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.stream import EventStream
from desktop.comfy.types import (
    HistoryItem,
    ImageRef,
    QueueItem,
    QueueSnapshot,
    SubmitResult,
    SystemStats,
)
from desktop.farm.needs import lacking, merge_object_info
from desktop.farm.routing import Timings, expected_wait, workflow_key
from desktop.farm.state import (
    FarmEvents,
    FarmJob,
    Member,
    ServerSpec,
    ServerState,
)

__all__ = ["Farm", "ServerSpec", "ServerState"]

_T = TypeVar("_T")
log = logging.getLogger("comfydesk.farm")

_ROUTED = (*JOB_MESSAGES, PreviewImage)  # what goes to the job's server-side state
_LAST = 1e15  # queue number of a job between servers: after everything queued
_QUEUE_FRESH = 1.0  # seconds a server's /queue count is trusted for routing


class Farm:
    """Several servers as one backend. Call ``close()``."""

    # The united node list depends on which servers answered: never reuse a cached one.
    object_info_cacheable = False

    def __init__(
        self,
        servers: Sequence[ServerSpec],
        *,
        client_id: str | None = None,
        failover_after: float = 5.0,
        health_interval: float = 5.0,
        health_timeout: float = 10.0,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        """``client_options``: passed to every server's ``ComfyClient`` (timeouts, size cap)."""
        if not servers:
            raise ValueError("a farm needs at least one server")
        self.client_id = client_id or uuid.uuid4().hex
        self.members: list[Member] = []
        for index, spec in enumerate(servers, 1):
            options = {**(client_options or {}), **spec.client_options}
            client = ComfyClient(
                spec.url, headers=spec.headers, client_id=self.client_id, **options
            )
            name = spec.name or f"server {index}"
            self.members.append(Member(spec, name, client))
        self.base_url = "farm:" + ",".join(m.url for m in self.members)
        self.failover_after = failover_after
        self._health_interval = health_interval
        self._health_timeout = health_timeout
        self._jobs: dict[str, FarmJob] = {}
        self._forgotten: set[str] = set()  # finished for the jobs layer: late events are noise
        self._timings = Timings()
        self._events: FarmEvents | None = None
        self._connected = False
        self._settled = asyncio.Event()  # every server connected or failed to, once
        self._tasks = TaskSet(area="farm")
        self.moves = 0  # jobs moved to another server so far
        # Called when a server's node list joins the united one after it was read (a server
        # that answered late or came back): the session reads the united list again.
        self.nodes_changed: Callable[[], None] | None = None
        self._united_read = False

    def __repr__(self) -> str:
        return f"Farm({[m.url for m in self.members]!r})"

    # ------------------------------------------------------------------ what others ask

    def owner_of(self, prompt_id: str) -> str | None:
        """The name of the server that runs (or ran) our prompt."""
        job = self._jobs.get(prompt_id)
        return job.owner.name if job is not None and job.owner is not None else None

    def located(self, prompt_id: str) -> tuple[str, str] | None:
        """(name, address) of the server that runs (or ran) our prompt."""
        job = self._jobs.get(prompt_id)
        owner = job.owner if job is not None else None
        return (owner.name, owner.url) if owner is not None else None

    def servers(self) -> list[ServerState]:
        return [
            ServerState(
                m.name,
                m.url,
                m.up,
                sum(1 for j in self._jobs.values() if j.owner is m and not j.ended_on_owner),
                m.others,
                m.queue_remaining,
                m.stats,
            )
            for m in self.members
        ]

    def forget(self, prompt_id: str) -> None:
        """The jobs layer is done with this prompt (collected, failed or cancelled)."""
        self._jobs.pop(prompt_id, None)
        self._forgotten.add(prompt_id)

    # ------------------------------------------------------------------ lifecycle

    async def close(self) -> None:
        await self.stop_streams()
        for member in self.members:
            await member.client.close()

    async def stop_streams(self) -> None:
        await self._tasks.cancel_all()
        for member in self.members:
            if member.stream is not None:
                stream, member.stream = member.stream, None
                await stream.close()

    # ------------------------------------------------------------------ events

    def events(self, *, preview_metadata: bool = True) -> FarmEvents:
        self._preview_metadata = preview_metadata
        self._events = FarmEvents(self)
        return self._events

    def start_streams(self, sink: FarmEvents) -> None:
        for member in self.members:
            member.stream = member.client.events(preview_metadata=self._preview_metadata)
            self._tasks.spawn(self._pump(member, member.stream), f"farm-pump {member.name}")
        self._tasks.spawn(self._health(), "farm-health")

    def _emit(self, event: StreamEvent) -> None:
        if self._events is not None:
            self._events.queue.put_nowait(event)

    async def _pump(self, member: Member, stream: EventStream) -> None:
        async for event in stream:
            try:
                self._take(member, event)
            except Exception:
                log.exception("Could not handle an event of %s", member.name)

    def _take(self, member: Member, event: StreamEvent) -> None:
        if isinstance(event, Connecting):
            if not self._connected:
                self._emit(Connecting(self.base_url, event.attempt))
        elif isinstance(event, Connected):
            member.socket_up, member.answering = True, True
            came_back = member.down_since is not None
            member.down_since = None
            self._settle(member)
            log.info("%s is up", member.name)
            self._tasks.spawn(self._after_connect(member, came_back), f"farm-connect {member.name}")
            if not self._connected:
                self._connected = True
                self._emit(Connected(self.client_id, event.server_flags))
        elif isinstance(event, Disconnected):
            self._lost(member, event.reason)
            if self._connected and not any(m.up for m in self.members):
                self._connected = False
                self._emit(
                    Disconnected(
                        event.reason,
                        event.error,
                        retry_in=event.retry_in,
                        auth_required=event.auth_required,
                    )
                )
        elif isinstance(event, Status):
            member.queue_remaining = event.queue_remaining
            total = sum(m.queue_remaining for m in self.members if m.up)
            self._emit(Status(total, event.sid))
        elif isinstance(event, _ROUTED):
            self._job_event(member, event)
        else:
            self._emit(event)

    def _job_event(self, member: Member, event: Any) -> None:
        pid = event.prompt_id if event.prompt_id is not None else member.executing
        if pid is None:
            return  # not attributable to one of our prompts on this server
        job = self._jobs.get(pid)
        if job is None:
            if pid in self._forgotten:
                return
            # Ours from an earlier session (the socket only carries our client id's prompts).
            job = self._jobs[pid] = FarmJob(pid, None, owner=member)
        if job.owner is None:
            job.owner, job.adopted_at = member, None  # found: a job of an earlier session
        if job.owner is not member:
            return  # a server that no longer owns the prompt
        if event.prompt_id is None:
            event = dataclasses.replace(event, prompt_id=pid)
        if starts_running(event):
            member.executing = pid
            if job.started is None:
                job.started = time.monotonic()
        if isinstance(event, Executed):
            job.held.append(event)
            return
        if ends_run(event) or (isinstance(event, Executing) and event.node is None):
            self._ended(
                member, job, success=not isinstance(event, ExecutionError | ExecutionInterrupted)
            )
        self._emit(event)

    def _ended(self, member: Member, job: FarmJob, *, success: bool) -> None:
        if member.executing == job.id:
            member.executing = None
        for held in job.held:
            node = held.display_node or held.node
            self._emit(dataclasses.replace(held, images=job.present(node, held.images)))
        job.held.clear()
        if job.started is not None and success and not job.ended_on_owner:
            self._timings.record(member.name, job.key, time.monotonic() - job.started)
        job.ended_on_owner = True

    def _lost(self, member: Member, reason: str) -> None:
        was_up = member.up
        member.socket_up = False
        member.executing = None
        member.went_down()
        self._settle(member)
        if was_up:
            log.warning("%s is down: %s", member.name, reason)
            self._tasks.spawn(self._confirm_down(member), f"farm-failover {member.name}")

    async def _confirm_down(self, member: Member) -> None:
        """A socket can drop while the server is fine: ask it. No answer means it died (or
        shut down): its jobs move now. An answer means a blip: they move only if the socket
        stays down for ``failover_after``."""
        try:
            async with asyncio.timeout(min(self._health_timeout, self.failover_after)):
                await member.client.system_stats()
        except (ComfyError, TimeoutError):
            if not member.up:
                await self._move_jobs(member)
            return
        await self._failover_later(member)

    async def wait_ready(self, limit: float = 30.0) -> None:
        """Until every server connected (or failed to) and the node lists of those up are
        read, so the first jobs are routed over all of them."""
        async with asyncio.timeout(limit):
            await self._settled.wait()
            for member in self.members:
                if member.up:
                    with contextlib.suppress(ComfyError):
                        await self._info(member)

    def _settle(self, member: Member) -> None:
        member.settled = True
        if all(m.settled for m in self.members) and not self._settled.is_set():
            self._settled.set()
            self._tasks.spawn(self._locate_adopted(), "farm-locate")

    def adopt(self, prompt_id: str, prompt: Mapping[str, Any], workflow: Any = None) -> None:
        """An unfinished job of an earlier session (the journal's): which server has it is
        found out once they have connected; until then it counts as queued. If no server has
        it and one is down, it may have been there: after ``failover_after`` it runs again on
        a capable server."""
        if prompt_id in self._jobs:
            return
        self._jobs[prompt_id] = FarmJob(
            prompt_id,
            dict(prompt),
            workflow,
            {},
            key=workflow_key(prompt),
            adopted_at=time.monotonic(),
        )

    async def _locate_adopted(self) -> None:
        lost = [j for j in self._jobs.values() if j.adopted_at is not None]
        for member in self.members:
            if not lost or not member.up:
                continue
            try:
                queue = await member.client.queue()
                listed = {i.prompt_id for i in queue.running + queue.pending}
                for job in lost:
                    if job.adopted_at is None:
                        continue
                    if job.id in listed or await member.client.history_item(job.id):
                        job.owner, job.adopted_at = member, None
            except ComfyError as err:
                log.info("Could not look for earlier jobs on %s: %s", member.name, err)
            lost = [j for j in lost if j.adopted_at is not None]
        if lost and all(m.up for m in self.members):
            for job in lost:
                job.adopted_at = None  # nobody has it: the jobs layer will call it lost
            return
        for job in lost:
            if job.adopted_at is not None and not job.rehoming:
                job.rehoming = True
                self._tasks.spawn(self._place_adopted(job), f"farm-adopted {job.id}")

    async def _place_adopted(self, job: FarmJob) -> None:
        """Not on any server that answers, and some server does not: it may be there. If
        that server stays away, run the job again elsewhere."""
        assert job.adopted_at is not None
        await asyncio.sleep(max(0.0, job.adopted_at + self.failover_after - time.monotonic()))
        while job.adopted_at is not None and job.id in self._jobs:
            try:
                await self._place(job)
            except ComfyError as err:
                log.warning("Job %s of an earlier session waits for a server: %s", job.id, err)
                await asyncio.sleep(self._health_interval)
                continue
            job.adopted_at = None
            self.moves += 1
            log.info("Job %s of an earlier session runs again on %s", job.id, self.owner_of(job.id))

    async def _after_connect(self, member: Member, came_back: bool) -> None:
        try:
            await self._info(member, refresh=came_back)
            if self._united_read and self.nodes_changed is not None:
                self.nodes_changed()
            member.stats = await member.client.system_stats()
        except ComfyError as err:
            log.warning("Could not read the node list or stats of %s: %s", member.name, err)
        if came_back:
            await self._clean_moved_out(member)
            await self._move_jobs(member, only_unknown=True)
        if self._settled.is_set():
            await self._locate_adopted()

    # ------------------------------------------------------------------ health and failover

    async def _health(self) -> None:
        while True:
            await asyncio.sleep(self._health_interval)
            for member in self.members:
                if member.socket_up:
                    self._tasks.spawn(self._probe(member), f"farm-probe {member.name}")
                elif member.down_since is not None and self._overdue(member):
                    await self._move_jobs(member)  # jobs that found no other server earlier

    async def _probe(self, member: Member) -> None:
        if member.probing:
            return
        member.probing = True
        try:
            async with asyncio.timeout(self._health_timeout):
                member.stats = await member.client.system_stats()
        except (ComfyError, TimeoutError) as err:
            member.probing = False
            if member.answering:
                log.warning("%s stopped answering: %s", member.name, err)
                member.answering = False
                member.went_down()
                self._tasks.spawn(self._failover_later(member), f"farm-failover {member.name}")
        else:
            member.probing = False
            if not member.answering:
                member.answering = True
                member.down_since = None
                log.info("%s answers again", member.name)
                self._tasks.spawn(self._after_connect(member, True), f"farm-back {member.name}")

    def _overdue(self, member: Member) -> bool:
        return (
            member.down_since is not None
            and time.monotonic() - member.down_since >= self.failover_after
        )

    async def _failover_later(self, member: Member) -> None:
        await asyncio.sleep(self.failover_after)
        if not member.up and self._overdue(member):
            await self._move_jobs(member)

    async def _move_jobs(self, member: Member, *, only_unknown: bool = False) -> None:
        """Resubmit our unfinished jobs of ``member`` elsewhere, same prompt id. After a
        comeback (``only_unknown``) only those the server no longer knows (it restarted)."""
        async with member.move_lock:
            await self._move_jobs_locked(member, only_unknown)

    async def _move_jobs_locked(self, member: Member, only_unknown: bool) -> None:
        mine = [
            j
            for j in self._jobs.values()
            if j.owner is member and not j.cancelled and j.prompt is not None
        ]
        if only_unknown and mine:
            try:
                queue = await member.client.queue()
                known = {i.prompt_id for i in queue.running + queue.pending}
                for job in mine:
                    if job.id not in known and await member.client.history_item(job.id):
                        known.add(job.id)
            except ComfyError as err:
                log.info("Could not check the jobs of %s: %s", member.name, err)
                return
            mine = [j for j in mine if j.id not in known]
        for job in mine:
            if job.owner is not member or job.cancelled or job.id not in self._jobs:
                continue  # moved, cancelled or finished meanwhile
            exclude = () if only_unknown else (member,)
            try:
                await self._place(job, exclude=exclude)
            except ComfyError as err:
                log.warning("Job %s stays with %s for now: %s", job.id, member.name, err)
                continue
            if job.owner is not member:
                member.moved_out.add(job.id)
            self.moves += 1
            log.info("Job %s moved from %s to %s", job.id, member.name, self.owner_of(job.id))

    async def _clean_moved_out(self, member: Member) -> None:
        """A server back from the dead may still hold copies of jobs that moved on."""
        stale = sorted(member.moved_out)
        member.moved_out.clear()
        if not stale:
            return
        try:
            await member.client.delete_queued(stale)
            queue = await member.client.queue()
            for item in queue.running:
                if item.prompt_id in stale:
                    await member.client.interrupt(prompt_id=item.prompt_id)
        except ComfyError as err:
            log.info("Could not remove moved jobs from %s: %s", member.name, err)

    # ------------------------------------------------------------------ routing

    async def _info(self, member: Member, *, refresh: bool = False) -> ObjectInfo:
        async with member.info_lock:
            if member.info is None or refresh:
                member.info = await member.client.object_info()
            return member.info

    async def _others_queued(self, member: Member) -> int:
        if time.monotonic() - member.queue_read_at > _QUEUE_FRESH:
            try:
                self._count_others(member, await member.client.queue())
            except ComfyError as err:
                log.info("Could not read the queue of %s: %s", member.name, err)
        return member.others

    def _count_others(self, member: Member, queue: QueueSnapshot) -> None:
        member.queue_read_at = time.monotonic()
        member.others = sum(
            1 for i in queue.running + queue.pending if i.prompt_id not in self._jobs
        )

    async def _place(self, job: FarmJob, *, exclude: Sequence[Member] = ()) -> SubmitResult:
        """Submit ``job`` to the capable server with the shortest expected wait."""
        assert job.prompt is not None
        candidates: list[Member] = []
        lacks: list[str] = []
        for member in self.members:
            if member in exclude or not member.up:
                continue
            try:
                missing = lacking(job.prompt, await self._info(member))
            except ComfyError as err:
                log.info("Skipping %s: %s", member.name, err)
                continue
            if missing:
                lacks.append(f"{member.name} lacks {', '.join(missing)}")
            else:
                candidates.append(member)
        if not candidates:
            if lacks:
                raise PromptRejected(
                    InputError(
                        "no_capable_server",
                        "No server of the farm can run this workflow",
                        details="; ".join(lacks),
                    )
                )
            raise ServerUnreachable(self.base_url, "no server of the farm answers")
        waits = {}
        for member in candidates:
            queued = await self._others_queued(member) + sum(
                1 for j in self._jobs.values() if j.owner is member and not j.ended_on_owner
            )
            waits[member.name] = expected_wait(queued, self._timings.per_job(member.name, job.key))
        previous = job.owner
        last: ComfyError | None = None
        for member in sorted(candidates, key=lambda m: waits[m.name]):
            # Owner first: the server's first events may beat its answer to the POST.
            job.owner, job.ended_on_owner, job.started = member, False, None
            job.held.clear()
            job.placing = True
            try:
                return await member.client.submit(
                    job.prompt,
                    workflow=job.workflow,
                    extra_data=job.extra_data,
                    front=job.front,
                    prompt_id=job.id,
                )
            except ServerUnreachable as err:
                log.warning("%s did not take job %s: %s", member.name, job.id, err)
                last = err
            except ComfyError:
                job.owner = previous
                raise
            finally:
                job.placing = False
        job.owner = previous
        assert last is not None
        raise last

    # ------------------------------------------------------------------ Backend

    async def system_stats(self) -> SystemStats:
        """The first server that answers (the farm's version is that of its servers)."""
        last: ComfyError | None = None
        for member in sorted(self.members, key=lambda m: not m.up):
            try:
                member.stats = await member.client.system_stats()
                return member.stats
            except ComfyError as err:
                last = err
        assert last is not None
        raise last

    async def object_info(self) -> ObjectInfo:
        """Every server's node list united: the form offers what any capable server has."""
        self._united_read = True
        return merge_object_info(await self.object_infos())

    async def object_infos(self) -> dict[str, ObjectInfo]:
        """Each answering server's node list, by server name."""
        infos: dict[str, ObjectInfo] = {}
        last: ComfyError | None = None
        for member in self.members:
            try:
                infos[member.name] = await self._info(member)
            except ComfyError as err:
                last = err
        if not infos and last is not None:
            raise last
        return infos

    async def submit(
        self,
        prompt: Mapping[str, Any],
        *,
        workflow: Any = None,
        extra_data: Mapping[str, Any] | None = None,
        front: bool = False,
        prompt_id: str | None = None,
    ) -> SubmitResult:
        if not self._settled.is_set():
            # Right after start (a runner submits at once): let every server connect first,
            # or the first one to answer would get the whole batch.
            await self._wait_settled()
        job = FarmJob(
            prompt_id or str(uuid.uuid4()),
            dict(prompt),
            workflow,
            dict(extra_data or {}),
            front,
            workflow_key(prompt),
        )
        self._jobs[job.id] = job
        try:
            return await self._place(job)
        except BaseException:
            self._jobs.pop(job.id, None)
            raise

    async def _wait_settled(self, limit: float = 10.0) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(limit):
                await self._settled.wait()

    async def queue(self) -> QueueSnapshot:
        """Every answering server's queue, each of our prompts only from its owner."""
        up = [m for m in self.members if m.up]
        answers = await asyncio.gather(*(m.client.queue() for m in up), return_exceptions=True)
        running: list[Any] = []
        pending: list[Any] = []
        answered = False
        last: BaseException | None = None
        for member, answer in zip(up, answers, strict=True):
            if isinstance(answer, BaseException):
                if not isinstance(answer, ComfyError):
                    raise answer
                last = answer
                continue
            answered = True
            self._count_others(member, answer)
            for items, out in ((answer.running, running), (answer.pending, pending)):
                for item in items:
                    job = self._jobs.get(item.prompt_id)
                    if job is None or job.owner is member:
                        out.append(item)
        if not answered:
            raise last if last is not None else ServerUnreachable(self.base_url, "no server is up")
        # Jobs on their way to a server, or waiting for another one: queued, as far as the
        # jobs layer is concerned (it must not take them for lost).
        listed = {i.prompt_id for i in running + pending}
        for job in self._jobs.values():
            if job.id not in listed and self._in_transit(job):
                extra = {"client_id": self.client_id}
                pending.append(QueueItem(_LAST, job.id, job.prompt, extra, ()))
        return QueueSnapshot(tuple(running), tuple(pending))

    def _in_transit(self, job: FarmJob) -> bool:
        if job.placing or job.adopted_at is not None:
            return True
        owner = job.owner
        return owner is not None and not owner.up and not job.cancelled and job.prompt is not None

    async def delete_queued(self, prompt_ids: Sequence[str]) -> None:
        by_owner: dict[str, list[str]] = {}
        for pid in prompt_ids:
            job = self._jobs.get(pid)
            if job is not None:
                job.cancelled = True
            owners = [job.owner] if job is not None and job.owner else self.members
            for member in owners:
                by_owner.setdefault(member.name, []).append(pid)
        for member in self.members:
            if member.name in by_owner and member.up:
                await member.client.delete_queued(by_owner[member.name])

    async def interrupt(self, prompt_id: str | None = None) -> None:
        """Stop our prompt where it runs; ``None``: every prompt of ours that runs now."""
        if prompt_id is None:
            for member in self.members:
                if member.executing is not None and member.up:
                    await member.client.interrupt(prompt_id=member.executing)
            return
        job = self._jobs.get(prompt_id)
        if job is not None:
            job.cancelled = True
        owners = [job.owner] if job is not None and job.owner else self.members
        for member in owners:
            if member.up:
                await member.client.interrupt(prompt_id=prompt_id)

    async def history_item(self, prompt_id: str) -> HistoryItem | None:
        job = self._jobs.get(prompt_id)
        if job is not None and job.owner is not None:
            owner = job.owner
            if not owner.up and job.cancelled:
                return None  # nobody will run it: the jobs layer may call it cancelled
            if not owner.up:
                raise ServerUnreachable(owner.url, f"{owner.name} is not answering")
            item = await owner.client.history_item(prompt_id)
            if item is None or job.owner is not owner:
                return None if item is None else await self.history_item(prompt_id)
            outputs = tuple(
                dataclasses.replace(out, images=job.present(out.node_id, out.images))
                for out in item.outputs
            )
            return dataclasses.replace(item, outputs=outputs)
        for member in self.members:  # a prompt of an earlier session: whoever has it
            if not member.up:
                continue
            item = await member.client.history_item(prompt_id)
            if item is not None:
                known = self._jobs.setdefault(prompt_id, FarmJob(prompt_id, None))
                known.owner, known.adopted_at, known.ended_on_owner = member, None, True
                return item
        if not any(m.up for m in self.members):
            raise ServerUnreachable(self.base_url, "no server is up")
        return None

    async def view(
        self, ref: ImageRef, *, preview: str | None = None, prompt_id: str | None = None
    ) -> bytes:
        return await self._from_owner(
            prompt_id, ref, lambda client, r: client.view(r, preview=preview)
        )

    async def download(
        self, ref: ImageRef, directory: Path, *, prompt_id: str | None = None
    ) -> Path:
        return await self._from_owner(
            prompt_id, ref, lambda client, r: client.download(r, directory)
        )

    async def _from_owner(
        self,
        prompt_id: str | None,
        ref: ImageRef,
        fetch: Callable[[ComfyClient, ImageRef], Awaitable[_T]],
    ) -> _T:
        """A result file from the server that ran the job; without a job, the first that has it."""
        job = self._jobs.get(prompt_id) if prompt_id else None
        if job is not None and job.owner is not None:
            if not job.owner.up:
                raise ServerUnreachable(job.owner.url, f"{job.owner.name} is not answering")
            return await fetch(job.owner.client, job.alias.get(ref, ref))
        last: ComfyError | None = None
        for member in sorted(self.members, key=lambda m: not m.up):
            try:
                return await fetch(member.client, ref)
            except ComfyError as err:
                last = err
        assert last is not None
        raise last

    async def upload_image(
        self,
        data: bytes,
        filename: str,
        *,
        subfolder: str = "",
        overwrite: bool = False,
        folder_type: str = "input",
    ) -> ImageRef:
        """Copied to every answering server, so any of them can run the job that uses it."""
        refs: list[ImageRef] = []
        last: ComfyError | None = None
        for member in [m for m in self.members if m.up] or self.members:
            try:
                refs.append(
                    await member.client.upload_image(
                        data,
                        filename,
                        subfolder=subfolder,
                        overwrite=overwrite,
                        folder_type=folder_type,
                    )
                )
            except ComfyError as err:
                last = err
        if not refs:
            assert last is not None
            raise last
        if len(set(refs)) > 1:
            log.warning("Servers of the farm named the upload differently: %s", refs)
        return refs[0]
