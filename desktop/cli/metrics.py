"""``--metrics-port N``: the runner's Prometheus endpoint (off unless asked for).

Jobs submitted/completed/failed/lost, a job duration histogram, and per server its queue
length (ours and other people's) and whether it is up. The HTTP server is prometheus_client's
own thread; it reads a snapshot the event loop replaces, never the live job state.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from typing import Any

from desktop.farm.farm import Farm
from desktop.farm.state import ServerState
from desktop.jobs.model import JobSnapshot, JobState
from desktop.jobs.session import ConnState, ServerSession

_FAILED = (JobState.FAILED, JobState.REJECTED)
_NOT_ACCEPTED = (JobState.SUBMITTING, *_FAILED)
_REFRESH = 1.0  # seconds between server snapshots


class RunnerMetrics:
    def __init__(self, session: ServerSession, port: int, addr: str = "127.0.0.1") -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

        self.registry = CollectorRegistry()
        jobs = Counter(
            "comfydesk_jobs",
            "Jobs of this run by outcome",
            ["event"],
            registry=self.registry,
        )
        self._events = {e: jobs.labels(e) for e in ("submitted", "completed", "failed", "lost")}
        self._duration = Histogram(
            "comfydesk_job_duration_seconds",
            "From submit to results saved, for jobs that succeeded",
            buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, float("inf")),
            registry=self.registry,
        )
        self._session = session
        self._servers: tuple[ServerState, ...] = ()
        self.registry.register(_ServerCollector(self))
        self._seen: dict[str, JobState] = {}
        self._unsubscribe = session.jobs.on_change(self._job_changed)
        self._httpd, self._thread = start_http_server(port, addr=addr, registry=self.registry)
        self.port = self._httpd.server_port
        self._task = asyncio.create_task(self._refresh(), name="runner-metrics")

    def _job_changed(self, job: JobSnapshot) -> None:
        before = self._seen.get(job.id)
        self._seen[job.id] = job.state
        if before is job.state:
            return
        if before in (None, JobState.SUBMITTING) and job.state not in _NOT_ACCEPTED:
            self._events["submitted"].inc()
        if job.state is JobState.SUCCEEDED:
            self._events["completed"].inc()
            self._duration.observe(max(0.0, time.time() - job.created))
        elif job.state in _FAILED:
            self._events["failed"].inc()
        elif job.state is JobState.LOST:
            self._events["lost"].inc()

    def servers(self) -> tuple[ServerState, ...]:
        return self._servers

    def _snapshot(self) -> tuple[ServerState, ...]:
        backend = self._session.client
        if isinstance(backend, Farm):
            return tuple(backend.servers())
        ours = sum(1 for j in self._session.jobs.jobs() if not j.finished)
        others = self._session.jobs.other_clients_queue()
        up = self._session.status.state is ConnState.CONNECTED
        count = 0 if others is None else len(others.running) + len(others.pending)
        return (ServerState(backend.base_url, backend.base_url, up, ours, count),)

    async def _refresh(self) -> None:
        while True:
            self._servers = self._snapshot()
            await asyncio.sleep(_REFRESH)

    async def close(self) -> None:
        self._unsubscribe()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await asyncio.to_thread(self._httpd.shutdown)
        self._httpd.server_close()


class _ServerCollector:
    def __init__(self, metrics: RunnerMetrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        queue = GaugeMetricFamily(
            "comfydesk_server_queue_length",
            "Jobs queued or running on the server (ours and other people's)",
            labels=["server"],
        )
        up = GaugeMetricFamily(
            "comfydesk_server_up", "1 while the server answers", labels=["server"]
        )
        for server in self._metrics.servers():
            queue.add_metric([server.name], server.ours + server.others)
            up.add_metric([server.name], 1.0 if server.up else 0.0)
        yield queue
        yield up
