"""Unfinished hosted jobs on disk, so quitting (or a crash) never forgets a run the service is
still doing: the next connection to the same service adopts them and collects their results.

The records are the ComfyUI journal's (:mod:`desktop.jobs.journal`) plus the hosted task id and
workflow id; one file for every service, records of other services kept untouched."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from desktop.jobs.journal import (
    read_records,
    record_to_snapshot,
    snapshot_to_record,
    write_records,
)
from desktop.jobs.model import JobSnapshot

log = logging.getLogger("comfydesk.jobs.hosted")


@dataclass(frozen=True, slots=True)
class HostedRecord:
    workflow_id: str
    task_id: str
    job: JobSnapshot


class HostedJournal:
    """Unfinished jobs of one hosted service (``base_url``) in a shared file."""

    def __init__(self, path: Path, base_url: str) -> None:
        self.path = Path(path)
        self.base_url = base_url
        self._lock = asyncio.Lock()

    async def load(self) -> list[HostedRecord]:
        async with self._lock:
            records = await asyncio.to_thread(read_records, self.path)
        found = []
        for rec in records:
            if rec.get("server_url") != self.base_url:
                continue
            workflow_id, task_id = rec.get("workflow_id"), rec.get("task_id")
            try:
                if not isinstance(workflow_id, str) or not isinstance(task_id, str):
                    raise TypeError("no workflow or task id")
                job = record_to_snapshot(rec)
            except (KeyError, TypeError, ValueError) as err:
                log.warning("Skipping a damaged hosted journal entry: %s", err)
                continue
            if not job.finished:
                found.append(HostedRecord(workflow_id, task_id, job))
        return found

    async def save(self, entries: Iterable[tuple[str, JobSnapshot]]) -> None:
        """Replace this service's records with the unfinished jobs of ``(workflow id, job)``
        that the service knows (have a task id)."""
        mine = [
            {**snapshot_to_record(job), "workflow_id": wf_id, "task_id": job.remote_id}
            for wf_id, job in entries
            if not job.finished and job.remote_id
        ]
        async with self._lock:
            records = await asyncio.to_thread(read_records, self.path)
            foreign = [r for r in records if r.get("server_url") != self.base_url]
            await asyncio.to_thread(write_records, self.path, foreign + mine)
