"""``HostedSession``: one connection to GenStudio's hosted workflow service, with the jobs of
every workflow id it runs, in the shape the jobs view-model reads from a ComfyUI session.

The queue panel and the preview follow ``session.jobs`` (``on_change``, ``jobs``, ``cancel``,
``forget_finished`` …) and ``session.on_event``; a hosted service has no live previews, no other
clients' queue and no WebSocket events, so those say nothing. Qt-free.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.base.listeners import Listeners
from desktop.base.tasks import TaskSet
from desktop.comfy.types import ImageRef, QueueSnapshot
from desktop.hosted.client import HostedClient
from desktop.hosted.download import SignedDownloader
from desktop.hosted.errors import HostedError, HostedUnreachable
from desktop.hosted.poller import DEFAULT_TIMING, PollTiming
from desktop.jobs.hosted import HostedJobs
from desktop.jobs.hosted_journal import HostedJournal
from desktop.jobs.model import JobSnapshot
from desktop.jobs.sinks import ResultSink

log = logging.getLogger("comfydesk.jobs.hosted")

RETRY_NOTE = "A hosted job cannot be sent again from the queue: press Generate instead."


def _nothing() -> None:
    return None


class HostedJobBoard:
    """Every job of one hosted session, whichever workflow id runs it."""

    def __init__(self) -> None:
        self._runners: list[HostedJobs] = []
        self._changes: Listeners[[JobSnapshot]] = Listeners("A job listener")
        self._forgotten: set[str] = set()

    def add(self, runner: HostedJobs) -> None:
        self._runners.append(runner)
        runner.on_change(self._changed)

    def _changed(self, job: JobSnapshot) -> None:
        self._changes.emit(job)

    def _runner_of(self, job_id: str) -> HostedJobs | None:
        return next((r for r in self._runners if r.get(job_id) is not None), None)

    # -- what the jobs view-model reads ----------------------------------------------------
    def on_change(self, cb: Callable[[JobSnapshot], None]) -> Callable[[], None]:
        return self._changes.add(cb)

    def on_preview(self, _cb: Callable[[str, Any], None]) -> Callable[[], None]:
        return _nothing  # the service sends no live previews

    def jobs(self) -> list[JobSnapshot]:
        """Newest first, like the ComfyUI job manager."""
        every = [j for r in self._runners for j in r.jobs() if j.id not in self._forgotten]
        return sorted(every, key=lambda j: -j.created)

    def get(self, job_id: str) -> JobSnapshot | None:
        runner = self._runner_of(job_id)
        return runner.get(job_id) if runner is not None else None

    def other_clients_queue(self) -> QueueSnapshot | None:
        return None

    async def cancel(self, job_id: str) -> str:
        """Stop watching (the service cannot cancel); the sentence to show, "" if nothing."""
        runner = self._runner_of(job_id)
        return await runner.cancel(job_id) if runner is not None else ""

    async def cancel_all_mine(self) -> list[str]:
        notes = [await self.cancel(job.id) for job in self.jobs() if not job.finished]
        return [n for n in dict.fromkeys(notes) if n]

    def forget_finished(self) -> set[str]:
        gone = {job.id for job in self.jobs() if job.finished}
        self._forgotten |= gone
        return gone

    async def retry(self, _job_id: str) -> None:
        raise HostedError(RETRY_NOTE)


class HostedSession:
    """The client, the credential-free downloader and one :class:`HostedJobs` per workflow id.

    With ``journal_path``, unfinished jobs are kept on disk and ``resume()`` adopts them (the
    service keeps running what was sent, so quitting loses nothing). Create it in the running
    loop's thread; ``close()`` stops every watch and both sessions.
    """

    backend = "hosted"
    object_info = None  # the form comes from the parameter dump, not from /object_info

    def __init__(
        self,
        api_key: str,
        base_url: str,
        sink: ResultSink,
        *,
        timing: PollTiming = DEFAULT_TIMING,
        timeout: float = 30.0,
        journal_path: Path | None = None,
    ) -> None:
        self.client = _NoViewClient(HostedClient(api_key, base_url, timeout=timeout))
        self.hosted_client = self.client.inner
        self.sink = sink
        self.timing = timing
        self.jobs = HostedJobBoard()
        self._downloader = SignedDownloader()
        self._runners: dict[str, HostedJobs] = {}
        self._connection = Listeners[[HostedUnreachable | None, float]]("A connection listener")
        self._journal = HostedJournal(journal_path, base_url) if journal_path else None
        self._workflow_of: dict[str, str] = {}  # job id -> the workflow id that runs it
        self._tasks = TaskSet()
        self._journal_task: asyncio.Task[Any] | None = None
        self._journal_dirty = False

    @property
    def url(self) -> str:
        return self.hosted_client.base_url

    def runner(self, workflow_id: str) -> HostedJobs:
        """The jobs of one workflow id (made on first use)."""
        runner = self._runners.get(workflow_id)
        if runner is None:
            runner = HostedJobs(
                self.hosted_client,
                workflow_id,
                self.sink,
                downloader=self._downloader,
                timing=self.timing,
            )
            runner.on_connection(self._connection.emit)
            runner.on_change(functools.partial(self._job_changed, workflow_id))
            self._runners[workflow_id] = runner
            self.jobs.add(runner)
        return runner

    async def resume(self) -> int:
        """Watch again the jobs an earlier run left unfinished on this service; how many."""
        if self._journal is None:
            return 0
        try:
            records = await self._journal.load()
        except OSError as err:
            log.warning("Could not read the hosted job journal: %s", err)
            return 0
        for rec in records:
            self.runner(rec.workflow_id).adopt(
                rec.task_id,
                rec.job.prompt,
                title=rec.job.title,
                created=rec.job.created,
                seed_values=rec.job.seed_values,
            )
        return len(records)

    def _job_changed(self, workflow_id: str, job: JobSnapshot) -> None:
        self._workflow_of[job.id] = workflow_id
        if self._journal is None:
            return
        self._journal_dirty = True
        if self._journal_task is None or self._journal_task.done():
            self._journal_task = self._tasks.spawn(self._write_journal(), "hosted-journal")

    def _journal_entries(self) -> list[tuple[str, JobSnapshot]]:
        return [(self._workflow_of[j.id], j) for j in self.jobs.jobs() if j.id in self._workflow_of]

    async def _write_journal(self) -> None:
        assert self._journal is not None
        while self._journal_dirty:
            self._journal_dirty = False
            try:
                await self._journal.save(self._journal_entries())
            except OSError as err:
                log.warning("Could not write the hosted job journal: %s", err)

    def on_connection(
        self, cb: Callable[[HostedUnreachable | None, float], None]
    ) -> Callable[[], None]:
        """``cb(error, retry_in)`` when polling loses the service, ``cb(None, 0)`` when back."""
        return self._connection.add(cb)

    def on_event(self, _cb: Callable[[object], None]) -> Callable[[], None]:
        return _nothing  # no WebSocket: state comes from polling

    async def close(self) -> None:
        await self._tasks.cancel_all()
        runners = list(self._runners.values())
        self._runners.clear()
        await asyncio.gather(*(r.close() for r in runners), return_exceptions=True)
        if self._journal is not None:  # what is still unfinished, for the next run
            try:
                await self._journal.save(self._journal_entries())
            except OSError as err:
                log.warning("Could not write the hosted job journal: %s", err)
        await self._downloader.close()
        await self.hosted_client.close()


class _NoViewClient:
    """``session.client`` as the preview uses it: hosted results are always saved locally,
    so there is no server file to fetch."""

    def __init__(self, inner: HostedClient) -> None:
        self.inner = inner

    async def view(self, ref: ImageRef) -> bytes:
        raise LookupError(f"{ref.filename} is not kept by the hosted service")
