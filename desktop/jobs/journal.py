"""On-disk journal of unfinished jobs, so a crash or quit never forgets a job on the server.

One JSON file, rewritten atomically (temp file + ``os.replace``) off the event loop. Records of
other servers in the same file are kept untouched. A damaged file is set aside, not fatal.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from desktop.base import atomic
from desktop.comfy.types import ImageRef
from desktop.jobs.model import JobError, JobOutput, JobSnapshot, JobState, Reason

log = logging.getLogger("comfydesk.jobs")

VERSION = 1


def snapshot_to_record(job: JobSnapshot) -> dict[str, Any]:
    return {
        "id": job.id,
        "state": job.state.value,
        "title": job.title,
        "created": job.created,
        "prompt": job.prompt,
        "ui_workflow": job.ui_workflow,
        "server_url": job.server_url,
        "number": job.number,
        "started_at": job.started_at,
        "cancel_requested": job.cancel_requested,
        "seed_values": [[n, i, v] for (n, i), v in job.seed_values.items()],
        "outputs": [
            {
                "node_id": o.node_id,
                "filename": o.ref.filename,
                "subfolder": o.ref.subfolder,
                "type": o.ref.type,
                "batch_index": o.batch_index,
                "saved_path": str(o.saved_path) if o.saved_path else None,
                "temp": o.temp,
            }
            for o in job.outputs
        ],
        "warnings": list(job.warnings),
        "error": None if job.error is None else _error_record(job.error),
    }


def _error_record(error: JobError) -> dict[str, Any]:
    record: dict[str, Any] = {"message": error.message}
    if error.reason is not None:
        record["reason"] = error.reason.value
    return record


def _error_from_record(record: dict[str, Any]) -> JobError:
    try:
        reason = Reason(record.get("reason"))
    except ValueError:  # written before reasons had codes, or by a newer version
        reason = None
    return JobError(str(record.get("message", "")), reason=reason)


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def record_to_snapshot(rec: Mapping[str, Any]) -> JobSnapshot:
    """Raises KeyError/TypeError/ValueError on a malformed record (the caller skips it)."""
    outputs = tuple(
        JobOutput(
            node_id=str(o["node_id"]),
            ref=ImageRef(str(o["filename"]), str(o.get("subfolder") or ""), str(o["type"])),
            batch_index=int(o.get("batch_index") or 0),
            saved_path=Path(o["saved_path"]) if o.get("saved_path") else None,
            temp=bool(o.get("temp")),
        )
        for o in rec.get("outputs") or ()
    )
    prompt = rec["prompt"]
    if not isinstance(prompt, dict):
        raise TypeError("prompt is not an object")
    error = rec.get("error")
    return JobSnapshot(
        id=str(rec["id"]),
        state=JobState(rec["state"]),
        title=str(rec.get("title") or ""),
        created=float(rec["created"]),
        prompt=prompt,
        ui_workflow=rec.get("ui_workflow") if isinstance(rec.get("ui_workflow"), dict) else None,
        server_url=str(rec.get("server_url") or ""),
        number=_float_or_none(rec.get("number")),
        started_at=_float_or_none(rec.get("started_at")),
        cancel_requested=bool(rec.get("cancel_requested")),
        seed_values={(str(n), str(i)): int(v) for n, i, v in rec.get("seed_values") or ()},
        outputs=outputs,
        warnings=tuple(str(w) for w in rec.get("warnings") or ()),
        error=_error_from_record(error) if isinstance(error, dict) else None,
    )


def read_records(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    try:
        data = json.loads(text)
        records = data["jobs"]
        if not isinstance(records, list):
            raise TypeError("jobs is not a list")
    except (ValueError, KeyError, TypeError) as err:
        aside = path.with_name(path.name + ".damaged")
        log.error("Job journal %s is damaged (%s); moved to %s", path, err, aside)
        os.replace(path, aside)
        return []
    return [r for r in records if isinstance(r, dict)]


def write_records(path: Path, records: list[dict[str, Any]]) -> None:
    # Unique temp names: a write abandoned by a cancelled task may still be running.
    text = json.dumps({"version": VERSION, "jobs": records}, ensure_ascii=False)
    atomic.atomic_write(path, text, make_parents=True)


class Journal:
    """Unfinished jobs of one server (``server_url``) in a shared file."""

    def __init__(self, path: Path, server_url: str) -> None:
        self.path = Path(path)
        self.server_url = server_url
        self._foreign: list[dict[str, Any]] = []
        self._made: dict[str, tuple[JobSnapshot, dict[str, Any]]] = {}  # id -> its last record
        self._lock = asyncio.Lock()

    async def load(self) -> list[JobSnapshot]:
        async with self._lock:
            records = await asyncio.to_thread(read_records, self.path)
        self._foreign = [r for r in records if r.get("server_url") != self.server_url]
        jobs = []
        for rec in records:
            if rec.get("server_url") != self.server_url:
                continue
            try:
                job = record_to_snapshot(rec)
            except (KeyError, TypeError, ValueError) as err:
                log.warning("Skipping a damaged journal entry: %s", err)
                continue
            if not job.finished:
                jobs.append(job)
        return jobs

    async def save(self, jobs: Iterable[JobSnapshot]) -> None:
        """Replace this server's records with ``jobs`` (finished ones are dropped)."""
        # Snapshots are replaced, never changed, so a record made for the same snapshot
        # object is still right: with hundreds queued, re-making every record on every
        # write made a long queue quadratic to submit.
        made: dict[str, tuple[JobSnapshot, dict[str, Any]]] = {}
        records = []
        for job in jobs:
            if job.finished:
                continue
            cached = self._made.get(job.id)
            record = cached[1] if cached is not None and cached[0] is job else None
            if record is None:
                record = snapshot_to_record(job)
            made[job.id] = (job, record)
            records.append(record)
        self._made = made
        async with self._lock:
            await asyncio.to_thread(write_records, self.path, self._foreign + records)
