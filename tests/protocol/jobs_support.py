"""Shared helpers for the jobs/runner protocol tests against the demo server."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from desktop.jobs.model import JobSnapshot, JobState
from desktop.jobs.session import ConnState, ServerSession
from desktop.jobs.sinks import FolderSink
from tests.conftest import shared_path

WORKFLOW = shared_path("workflows", "api", "txt2img_batch2_subfolder.json")
WAIT = 20.0  # generous upper bound so a slow CI box never flakes; tests end far sooner


def txt2img(seed: int = 42, *, steps: int = 2, batch: int = 2, ckpt: str | None = None) -> dict:
    prompt = copy.deepcopy(json.loads(WORKFLOW.read_text()))
    prompt["3"]["inputs"]["seed"] = seed
    prompt["3"]["inputs"]["steps"] = steps
    prompt["5"]["inputs"]["batch_size"] = batch
    if ckpt is not None:
        prompt["4"]["inputs"]["ckpt_name"] = ckpt
    return prompt


def make_session(url: str, tmp: Path, **kwargs: Any) -> ServerSession:
    return ServerSession(
        url,
        client_id=uuid.uuid4().hex,
        journal_path=tmp / "journal.json",
        result_sink=FolderSink(tmp / "out"),
        **{"load_object_info": False, **kwargs},
    )


async def until(check: Callable[[], Any], limit: float = WAIT) -> Any:
    """Poll a condition of in-process state (no network) until it holds."""
    async with asyncio.timeout(limit):
        while True:
            value = check()
            if value:
                return value
            await asyncio.sleep(0.01)


async def eventually(fetch: Callable[[], Awaitable[Any]], limit: float = WAIT) -> Any:
    """Ask the server (``fetch``) until it answers something truthy."""
    async with asyncio.timeout(limit):
        for _ in itertools.count():
            value = await fetch()
            if value:
                return value
            await asyncio.sleep(0.05)
    raise AssertionError("unreachable")


async def connected(session: ServerSession, times: int = 1) -> None:
    seen = 0
    done = asyncio.Event()

    def count(status: Any) -> None:
        nonlocal seen
        if status.state is ConnState.CONNECTED:
            seen += 1
            if seen >= times:
                done.set()

    if times == 1 and session.status.state is ConnState.CONNECTED:
        return
    unsubscribe = session.on_status(count)
    try:
        async with asyncio.timeout(WAIT):
            await done.wait()
    finally:
        unsubscribe()


async def running(session: ServerSession, job_id: str, step: int = 1) -> JobSnapshot:
    def check() -> JobSnapshot | None:
        job = session.jobs.get(job_id)
        if job and job.state is JobState.RUNNING and (job.step or 0) >= step:
            return job
        return None

    return await until(check)


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
