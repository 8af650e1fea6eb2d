"""A farm of demo servers against one: 40 jobs with a fixed time per job (each server on its
own thread, like ComfyUI in another process), run on 1 server, on 4, and on 4 with one killed
once half the pictures have arrived. Images per minute are compared with the single server;
every picture must arrive exactly once (distinct files, two per job)."""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from pathlib import Path

from bench.bench_preview import ThreadedDemo, prompt
from bench.harness import Context, LagProbe, Metric
from desktop.demo import DemoConfig
from desktop.farm.farm import Farm, ServerSpec
from desktop.jobs.model import JobState
from desktop.jobs.session import ConnState, ServerSession
from desktop.jobs.sinks import FolderSink

STEPS = 4
BATCH = 2  # pictures per job


async def _session(demos: list[ThreadedDemo], folder: Path) -> tuple[ServerSession, Farm | None]:
    client_id = uuid.uuid4().hex
    farm = None
    if len(demos) > 1:
        specs = [ServerSpec(d.url, f"s{i}") for i, d in enumerate(demos)]
        farm = Farm(specs, client_id=client_id, failover_after=1.0, health_interval=1.0)
    session = ServerSession(
        farm.base_url if farm else demos[0].url,
        client_id=client_id,
        journal_path=folder / "journal.json",
        result_sink=FolderSink(folder / "out"),
        load_object_info=False,
        backend=farm,
    )
    connected = asyncio.Event()
    unsubscribe = session.on_status(
        lambda s: connected.set() if s.state is ConnState.CONNECTED else None
    )
    try:
        await session.start()
        async with asyncio.timeout(20):
            await connected.wait()
        if farm is not None:
            await farm.wait_ready()
    finally:
        unsubscribe()
    return session, farm


async def _batch(
    demos: list[ThreadedDemo],
    jobs: int,
    folder: Path,
    *,
    kill_halfway: bool = False,
    stalls: list[float] | None = None,
) -> tuple[float, int, int]:
    """Seconds from the first submit to the last picture saved; pictures saved; files.
    ``stalls`` receives the GUI loop's lateness (ms) throughout."""
    session, _farm = await _session(demos, folder)
    probe = LagProbe()
    try:
        await probe.__aenter__()
        start = time.monotonic()
        submitted = [await session.jobs.submit(prompt(seed, steps=STEPS, size=64, batch=BATCH))
                     for seed in range(jobs)]  # fmt: skip
        if kill_halfway:
            async with asyncio.timeout(300):
                while sum(session.jobs.get(j.id).finished for j in submitted) < jobs // 2:  # noqa: ASYNC110 -- no event to wait on
                    await asyncio.sleep(0.02)
            await demos[-1].call(demos[-1].server.kill())
        done = [await session.jobs.wait(j.id, timeout=600) for j in submitted]
        seconds = time.monotonic() - start
    finally:
        await probe.__aexit__(None, None, None)
        await session.close()
    if stalls is not None:
        stalls.extend(probe.lateness_ms)
    if any(j.state is not JobState.SUCCEEDED for j in done):
        raise RuntimeError(f"jobs failed: {[j.state.value for j in done]}")
    saved = [p for j in done for p in j.saved_paths]
    files = [p for p in (folder / "out").rglob("*") if p.is_file()]
    if len(set(saved)) != len(saved) or sorted(saved) != sorted(files):
        raise RuntimeError("a picture was saved twice or outside its job")
    return seconds, len(saved), len(files)


async def run(ctx: Context) -> None:
    jobs = 16 if ctx.quick else 40
    step_delay = 0.125 if ctx.quick else 0.25  # fixed time per job: STEPS × step_delay
    config = {"step_delay": step_delay, "previews": False}
    stalls: list[float] = []
    with tempfile.TemporaryDirectory(prefix="comfydesk-bench-") as tmp:
        root = Path(tmp)
        async with ThreadedDemo(DemoConfig(**config)) as one:
            single, _, _ = await _batch([one], jobs, root / "one")
        demos = [ThreadedDemo(DemoConfig(**config)) for _ in range(4)]
        for demo in demos:
            await demo.__aenter__()
        try:
            four, _, _ = await _batch(demos, jobs, root / "four", stalls=stalls)
        finally:
            for demo in demos:
                await demo.__aexit__(None, None, None)
        demos = [ThreadedDemo(DemoConfig(**config)) for _ in range(4)]
        for demo in demos:
            await demo.__aenter__()
        try:
            killed, pictures, files = await _batch(
                demos, jobs, root / "killed", kill_halfway=True, stalls=stalls
            )
        finally:
            for demo in demos:
                await demo.__aexit__(None, None, None)
    note = f"{jobs} jobs × {STEPS * step_delay:.1f} s; 1 server {single:.1f} s"
    ctx.add(
        Metric(
            "farm_speedup_4_servers",
            "×",
            [single / four],
            target=3.6,
            higher_is_better=True,
            note=f"{note}, 4 servers {four:.1f} s",
            judge="median",
        )
    )
    ctx.add(
        Metric(
            "farm_speedup_one_of_4_killed",
            "×",
            [single / killed],
            target=2.7,
            higher_is_better=True,
            note=f"{note}, one of 4 killed halfway {killed:.1f} s; "
            f"{pictures} pictures of {jobs * BATCH}, {files} files",
            judge="median",
        )
    )
    ctx.add(
        Metric(
            "farm: longest GUI stall (4 servers, and one killed halfway)",
            "ms",
            stalls,
            target=50,
            judge="max",
            note="lateness of a 5 ms timer on the app's loop from the first submit to the last "
            "picture, both farm runs; the demo servers run on threads of this process",
        )
    )
