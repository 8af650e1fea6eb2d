"""Fixtures for the hosted backend: the stand-in service in the test's loop, a client and
fast polling (the stand-in runs a job in a fraction of a second)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from desktop.demo.hosted import DEMO_KEY, HostedDemoServer
from desktop.hosted.client import HostedClient
from desktop.hosted.poller import PollTiming
from desktop.jobs.hosted import HostedJobs
from desktop.jobs.sinks import FolderSink, ResultSink

FAST = PollTiming(
    running=0.05,
    queued_first=0.05,
    queued_max=0.2,
    offline_first=0.05,
    offline_max=0.3,
)


@pytest.fixture
async def hosted() -> AsyncIterator[HostedDemoServer]:
    server = HostedDemoServer(run_seconds=0.2)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(hosted: HostedDemoServer) -> AsyncIterator[HostedClient]:
    api = HostedClient(DEMO_KEY, hosted.url, timeout=5.0)
    yield api
    await api.close()


MakeJobs = Callable[..., HostedJobs]


@pytest.fixture
async def make_jobs(hosted: HostedDemoServer, tmp_path: Path) -> AsyncIterator[MakeJobs]:
    """``make_jobs(workflow_id, key=…, sink=…)``: a HostedJobs with fast polling, closed after
    the test."""
    made: list[HostedJobs] = []

    def make(workflow_id: str, key: str = DEMO_KEY, sink: ResultSink | None = None) -> HostedJobs:
        api = HostedClient(key, hosted.url, timeout=5.0)
        jobs = HostedJobs(api, workflow_id, sink or FolderSink(tmp_path / "out"), timing=FAST)
        made.append(jobs)
        return jobs

    yield make
    for jobs in made:
        await jobs.close()
        await jobs.client.close()
