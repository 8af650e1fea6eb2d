"""A long night's queue: 1,000 jobs waiting (queue panel scrolling, memory), and 1,000 jobs
with live previews run to the end (memory growth after warm-up, task and socket leaks).

Same set-up as bench_jobs: the demo server on its own thread, the real ServerSession +
JobsViewModel + QueuePanel + PreviewView on the qasync loop. A quick run uses 40 jobs.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.bench_jobs import _until
from bench.bench_preview import ThreadedDemo, open_session, prompt
from bench.harness import Context, LagProbe, Metric, rss_mb, settled_rss_mb
from bench.qt_support import PaintWatcher
from desktop.demo import DemoConfig
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.preview.view import PreviewView
from desktop.ui.queue.panel import QueuePanel

FULL_JOBS, QUICK_JOBS = 1000, 40
# Jobs before the long run's memory baseline (caches, pools, first paints): full, quick.
WARM_UP, QUICK_WARM_UP = 50, 10
STALL_TARGET_MS = 50.0


def _open_sockets() -> int:
    """Sockets this process holds open (Linux), a leak shows as steady growth."""
    count = 0
    try:
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                    count += 1
            except OSError:
                continue
    except OSError:
        return -1
    return count


async def _queued(ctx: Context, demo: ThreadedDemo, folder: Path, jobs: int) -> None:
    """Hold the server, queue ``jobs`` jobs, then scroll the queue panel top to bottom."""
    before = settled_rss_mb()
    session = await open_session(demo.url, folder)
    vm = JobsViewModel()
    panel = QueuePanel(vm)
    panel.resize(360, 700)
    panel.show()
    demo.call_soon(demo.server.hold)
    frames: list[float] = []
    try:
        vm.set_session(session)
        graph = prompt(1, steps=2, size=64)
        start = time.perf_counter()
        for _ in range(jobs):
            await session.jobs.submit(graph)
        submit_s = time.perf_counter() - start
        await _until(lambda: panel.model.rowCount() >= jobs, 120.0)
        queued_rss = settled_rss_mb()
        view = panel.list
        bar = view.verticalScrollBar()
        watcher = PaintWatcher(view)
        bar.setValue(0)
        try:
            async with LagProbe() as probe:
                while bar.value() < bar.maximum():
                    watcher.arm()
                    step = time.perf_counter()
                    bar.setValue(min(bar.value() + bar.pageStep(), bar.maximum()))
                    painted = await watcher.painted(5.0)
                    frames.append((painted - step) * 1000)
                    await asyncio.sleep(1 / 60)
        finally:
            watcher.close()
        await session.jobs.cancel_all_mine()
    finally:
        demo.call_soon(demo.server.release)
        await panel.shutdown()
        panel.deleteLater()
        await vm.shutdown()
        await session.close()
    ctx.add(
        Metric(
            f"{jobs} jobs queued: submitting them all (queue panel open)",
            "ms",
            [submit_s * 1000],
            note=f"{submit_s * 1000 / jobs:.1f} ms per job",
        )
    )
    ctx.add(
        Metric(
            f"{jobs} jobs queued: longest GUI stall scrolling the queue panel",
            "ms",
            list(probe.lateness_ms),
            target=STALL_TARGET_MS,
            judge="max",
            note=f"{len(frames)} page steps; the worst ({probe.worst[0]:.0f} ms) had this "
            f"process on a CPU for {probe.worst[1]:.0f} ms",
        )
    )
    ctx.add(Metric(f"{jobs} jobs queued: queue panel scroll frame", "ms", frames))
    ctx.add(
        Metric(
            f"{jobs} jobs queued: process memory (RSS)",
            "MB",
            [queued_rss],
            target=300,
            judge="max",
            note=f"the whole bench process (Qt, the demo server thread); {queued_rss - before:.0f}"
            " MB more than before the session opened",
        )
    )


async def _long_run(
    ctx: Context, demo: ThreadedDemo, folder: Path, jobs: int, warm_up: int
) -> None:
    """Run ``jobs`` small jobs with previews, 10 at a time, through the preview and queue."""
    sockets_before = _open_sockets()
    session = await open_session(demo.url, folder)
    vm = JobsViewModel()
    panel = QueuePanel(vm)
    panel.resize(360, 700)
    panel.show()
    view = PreviewView(vm)
    view.resize(900, 700)
    view.show()
    samples: list[float] = []
    try:
        vm.set_session(session)
        baseline_tasks = 0
        baseline_rss = 0.0
        done = 0
        started = time.perf_counter()
        while done < jobs:
            batch = [
                await session.jobs.submit(prompt(done + n, steps=4, size=128))
                for n in range(min(10, jobs - done))
            ]
            for job in batch:
                await session.jobs.wait(job.id, timeout=120)
            done += len(batch)
            if done == warm_up:
                baseline_rss = settled_rss_mb()
                baseline_tasks = len(asyncio.all_tasks())
            elif done > warm_up and done % 100 == 0:
                samples.append(rss_mb())
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.5)  # let the last results settle
        growth = settled_rss_mb() - baseline_rss
        tasks = len(asyncio.all_tasks()) - baseline_tasks
    finally:
        await view.shutdown()
        await panel.shutdown()
        view.deleteLater()
        panel.deleteLater()
        await vm.shutdown()
        await session.close()
    # Pooled keep-alive connections come and go while the session runs (both ends are in this
    # process: the demo server is a thread), so a leak is what is still open once it closed.
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline and _open_sockets() > sockets_before:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    sockets = _open_sockets() - sockets_before
    note = f"{jobs} jobs with previews in {elapsed:.0f} s, 10 queued at a time"
    if samples:
        ctx.add(
            Metric(
                f"long run, {jobs} jobs: RSS every 100 jobs after warm-up",
                "MB",
                samples,
                note="plain RSS, in order: a leak shows as a steady climb",
            )
        )
    ctx.add(
        Metric(
            f"long run, {jobs} jobs: memory growth after {warm_up} warm-up jobs",
            "MB",
            [growth],
            target=30,
            judge="max",
            note=f"live RSS (gc + malloc_trim) at the end minus after warm-up; {note}",
        )
    )
    ctx.add(
        Metric(
            f"long run, {jobs} jobs: asyncio tasks left over",
            "count",
            [float(tasks)],
            target=0,
            judge="max",
            note="tasks alive at the end minus after warm-up",
        )
    )
    ctx.add(
        Metric(
            f"long run, {jobs} jobs: sockets left over",
            "count",
            [float(sockets)],
            target=0,
            judge="max",
            note="open sockets of the process once the session closed, minus before it opened",
        )
    )


async def run(ctx: Context) -> None:
    jobs = QUICK_JOBS if ctx.quick else FULL_JOBS
    with tempfile.TemporaryDirectory(prefix="comfydesk-bench-") as tmp:
        async with ThreadedDemo(DemoConfig(step_delay=0.0, previews=True)) as demo:
            await _queued(ctx, demo, Path(tmp) / "queued", jobs)
        async with ThreadedDemo(DemoConfig(step_delay=0.0, previews=True)) as demo:
            warm_up = QUICK_WARM_UP if ctx.quick else WARM_UP
            await _long_run(ctx, demo, Path(tmp) / "long", jobs, warm_up)
