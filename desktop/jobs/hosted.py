"""``HostedJobs``: jobs on GenStudio's hosted workflow service, published as the same
:class:`JobSnapshot` values the ComfyUI path publishes (queue panel, runner, gallery).

submit (only the changed inputs) -> poll (state and queue position) -> download the signed
URLs -> the same result sink as ComfyUI jobs. The service has no live preview and no cancel
endpoint: ``cancel`` stops watching and says plainly that the run may still happen.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from desktop.base import atomic
from desktop.base.listeners import Listeners
from desktop.base.tasks import TaskSet
from desktop.comfy.types import ImageRef
from desktop.hosted.changes import changed_inputs
from desktop.hosted.client import HostedClient
from desktop.hosted.download import SignedDownloader
from desktop.hosted.errors import (
    CANCEL_NOTE,
    HostedError,
    HostedNoPermission,
    HostedTaskFailed,
    HostedUnreachable,
    SignedUrlExpired,
)
from desktop.hosted.poller import DEFAULT_TIMING, PollTiming, fresh_files, watch_task
from desktop.hosted.types import ResultFile, TaskInfo, TaskStatus
from desktop.jobs.model import JobError, JobOutput, JobSnapshot, JobState
from desktop.jobs.sinks import ResultSink
from desktop.workflow.document import Workflow

log = logging.getLogger("comfydesk.jobs.hosted")

BACKEND = "hosted"
_DOWNLOAD_ATTEMPTS = 8

ConnectionCallback = Callable[[HostedUnreachable | None, float], None]


class HostedJobs:
    """Every hosted job of one workflow id. Owns its watch tasks; ``close()`` ends them."""

    def __init__(
        self,
        client: HostedClient,
        workflow_id: str,
        sink: ResultSink,
        *,
        downloader: SignedDownloader | None = None,
        timing: PollTiming = DEFAULT_TIMING,
    ) -> None:
        self.client = client
        self.workflow_id = workflow_id
        self.sink = sink
        self.timing = timing
        self._downloader = downloader or SignedDownloader()
        self._jobs: dict[str, JobSnapshot] = {}
        self._watchers: dict[str, asyncio.Task[Any]] = {}
        self._tasks = TaskSet()
        self._waiters: dict[str, list[asyncio.Future[JobSnapshot]]] = {}
        self._changes: Listeners[[JobSnapshot]] = Listeners("A job listener")
        self._connection = Listeners[[HostedUnreachable | None, float]]("A connection listener")

    # ------------------------------------------------------------------ reading

    def jobs(self) -> list[JobSnapshot]:
        return list(self._jobs.values())

    def get(self, job_id: str) -> JobSnapshot | None:
        return self._jobs.get(job_id)

    def on_change(self, cb: Callable[[JobSnapshot], None]) -> Callable[[], None]:
        return self._changes.add(cb)

    def on_connection(self, cb: ConnectionCallback) -> Callable[[], None]:
        """``cb(error, retry_in)`` when the service stops answering, ``cb(None, 0)`` when it
        answers again."""
        return self._connection.add(cb)

    async def wait(self, job_id: str) -> JobSnapshot:
        """Until the job is finished (results stored). KeyError for an unknown id."""
        job = self._jobs[job_id]
        if job.finished:
            return job
        fut: asyncio.Future[JobSnapshot] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(job_id, []).append(fut)
        return await fut

    # ------------------------------------------------------------------ publishing

    def _set(self, job_id: str, **changes: Any) -> JobSnapshot:
        job = dataclasses.replace(self._jobs[job_id], **changes)
        self._jobs[job_id] = job
        self._changes.emit(job)
        if job.finished:
            for fut in self._waiters.pop(job_id, []):
                if not fut.done():
                    fut.set_result(job)
        return job

    def _finish(self, job_id: str, state: JobState, error: JobError | None = None) -> None:
        self._set(job_id, state=state, error=error, finished_at=time.time())

    # ------------------------------------------------------------------ commands

    def _new_job(
        self,
        prompt: dict[str, Any],
        title: str,
        created: float | None,
        seed_values: Mapping[tuple[str, str], int] | None,
        state: JobState,
    ) -> str:
        job_id = str(uuid.uuid4())
        self._jobs[job_id] = JobSnapshot(
            id=job_id,
            state=state,
            title=title or self.workflow_id,
            created=time.time() if created is None else created,
            prompt=prompt,
            server_url=self.client.base_url,
            seed_values=dict(seed_values or {}),
            backend=BACKEND,
        )
        return job_id

    async def submit(
        self,
        published: Workflow,
        edited: Workflow,
        *,
        title: str = "",
        seed_values: Mapping[tuple[str, str], int] | None = None,
    ) -> JobSnapshot:
        """Send the inputs ``edited`` changes from ``published`` and start watching the run.

        A HostedError (refused key, ``code != 0``, no network) is raised after the job is kept
        as FAILED with the same sentence."""
        job_id = self._new_job(
            edited.to_prompt(), title or edited.name, None, seed_values, JobState.SUBMITTING
        )
        self._set(job_id)
        changes = changed_inputs(published, edited)
        try:
            task_id = await self.client.submit(self.workflow_id, changes)
        except (HostedError, asyncio.CancelledError) as err:
            self._finish(job_id, JobState.FAILED, JobError(str(err) or "The job was not sent."))
            raise
        log.info("hosted job %s is task %s (%d inputs changed)", job_id, task_id, len(changes))
        if self._jobs[job_id].finished:  # cancelled while it was being sent
            return self._set(job_id, remote_id=task_id)
        job = self._set(job_id, state=JobState.QUEUED, remote_id=task_id)
        self._start_watching(job_id, task_id)
        return job

    def adopt(
        self,
        task_id: str,
        prompt: Mapping[str, Any],
        *,
        title: str = "",
        created: float | None = None,
        seed_values: Mapping[tuple[str, str], int] | None = None,
    ) -> JobSnapshot:
        """Watch a task submitted earlier (by an app that has since quit): the service keeps
        it, so its results are still collected."""
        for job in self._jobs.values():
            if job.remote_id == task_id:
                return job
        job_id = self._new_job(dict(prompt), title, created, seed_values, JobState.QUEUED)
        job = self._set(job_id, remote_id=task_id)
        self._start_watching(job_id, task_id)
        return job

    async def cancel(self, job_id: str) -> str:
        """Stop watching a job the service cannot cancel; returns the sentence to show."""
        job = self._jobs.get(job_id)
        if job is None or job.finished:
            return ""
        watcher = self._watchers.pop(job_id, None)
        if watcher is not None:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
        if not self._jobs[job_id].finished:
            self._set(job_id, cancel_requested=True, warnings=(*job.warnings, CANCEL_NOTE))
            self._finish(job_id, JobState.CANCELLED)
        return CANCEL_NOTE

    async def upload(self, path: Path) -> str:
        """Upload a picture for a LoadImage input; the returned id goes into that input."""
        data = await asyncio.to_thread(path.read_bytes)
        return await self.client.upload_image(path.name, data)

    async def close(self) -> None:
        await self._tasks.cancel_all()
        await self._downloader.close()
        for waiting in self._waiters.values():
            for fut in waiting:
                fut.cancel()
        self._waiters.clear()

    # ------------------------------------------------------------------ watching

    def _start_watching(self, job_id: str, task_id: str) -> None:
        self._watchers[job_id] = self._tasks.spawn(self._watch(job_id, task_id), f"hosted-{job_id}")

    def _on_info(self, job_id: str, info: TaskInfo) -> None:
        job = self._jobs[job_id]
        if info.status is TaskStatus.QUEUED:
            if job.state is not JobState.QUEUED or job.queue_position != info.position:
                self._set(job_id, state=JobState.QUEUED, queue_position=info.position)
        elif info.status is TaskStatus.RUNNING and job.state is not JobState.RUNNING:
            self._set(job_id, state=JobState.RUNNING, queue_position=None, started_at=time.time())

    async def _watch(self, job_id: str, task_id: str) -> None:
        try:
            info = await watch_task(
                self.client,
                task_id,
                lambda info: self._on_info(job_id, info),
                timing=self.timing,
                on_offline=self._connection.emit,
            )
            if info.status is TaskStatus.FAILED:
                error = HostedTaskFailed(task_id, info.err_msg)
                self._finish(job_id, JobState.FAILED, JobError(str(error)))
            elif info.status is TaskStatus.NO_PERMISSION:
                self._finish(job_id, JobState.FAILED, JobError(str(HostedNoPermission(task_id))))
            else:
                await self._collect(job_id, task_id, info)
        except HostedError as err:
            log.warning("hosted job %s (%s) failed: %s", job_id, task_id, err)
            self._finish(job_id, JobState.FAILED, JobError(str(err)))
        finally:
            self._watchers.pop(job_id, None)

    async def _collect(self, job_id: str, task_id: str, info: TaskInfo) -> None:
        self._set(job_id, state=JobState.RUNNING, queue_position=None, progress=1.0)
        files = list(info.files)
        outputs: list[JobOutput] = []
        warnings: list[str] = []
        for index, file in enumerate(files):
            try:
                data = await self._download(task_id, files, index)
            except HostedError as err:
                log.warning("result %s of %s not downloaded: %s", file.filename, task_id, err)
                warnings.append(str(err))
                continue
            output = JobOutput(file.node_id, ImageRef(file.filename), batch_index=file.index)
            job = self._jobs[job_id]
            try:
                path = await self._keep(job, output, data)
            except OSError as err:
                log.exception("could not keep %s", file.filename)
                warnings.append(f"A result could not be saved: {err}")
                continue
            outputs.append(dataclasses.replace(output, saved_path=path))
            self._set(job_id, outputs=tuple(outputs))
        if warnings:
            self._set(job_id, warnings=(*self._jobs[job_id].warnings, *warnings))
        if files and not outputs:
            self._finish(job_id, JobState.FAILED, JobError(warnings[0]))
        else:
            self._finish(job_id, JobState.SUCCEEDED)

    async def _keep(self, job: JobSnapshot, output: JobOutput, data: bytes) -> Path:
        """Hand the bytes to the sink as it takes results: a finished file in its staging
        folder, which it owns from then on."""
        staging = await self.sink.staging_dir()
        staged = await asyncio.to_thread(atomic.write_temp, staging, data)
        try:
            return await self.sink.store(job, output, staged)
        except BaseException:
            await asyncio.to_thread(atomic.discard, staged)
            raise

    async def _download(self, task_id: str, files: list[ResultFile], index: int) -> bytes:
        """One file; an expired link is signed afresh (``files`` is updated in place), a
        network loss is retried with back-off."""
        wait = self.timing.offline_first
        attempt = 0
        while True:
            attempt += 1
            try:
                try:
                    return await self._downloader.fetch(files[index].url)
                except SignedUrlExpired:
                    if attempt >= _DOWNLOAD_ATTEMPTS:
                        raise
                    log.info("link for %s expired; asking for fresh ones", files[index].filename)
                    fresh = await fresh_files(self.client, task_id)
                    renewed = {(f.node_id, f.index): f for f in fresh.files}
                    files[:] = [renewed.get((f.node_id, f.index), f) for f in files]
            except HostedUnreachable:
                if attempt >= _DOWNLOAD_ATTEMPTS:
                    raise
                await asyncio.sleep(wait)
                wait = min(self.timing.offline_max, wait * 2)
