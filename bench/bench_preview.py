"""Live preview: WebSocket frame arrival -> painted (T1), drops (T2), GUI stalls (T3).

A demo server on its own thread (like ComfyUI in another process) runs a long sampler with
512 px JPEG previews at ~30 frames/s. A real ServerSession reads them from the socket, the
JobsViewModel routes them, and the real PreviewView paints them (offscreen). Each frame is
timestamped when it is read from the socket and when ``paintEvent`` first shows it. The run
is repeated with every frame decoded by Pillow in a worker thread, to compare with decoding
small frames on the GUI thread (the default).
"""

from __future__ import annotations

import asyncio
import copy
import json
import tempfile
import threading
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from bench.harness import Context, LagProbe, Metric
from bench.shared_paths import WORKFLOWS
from desktop.demo import DemoConfig, DemoServer
from desktop.jobs.session import ConnState, ServerSession
from desktop.jobs.sinks import FolderSink
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.preview.view import PreviewView

T = TypeVar("T")
WORKFLOW = WORKFLOWS / "api" / "txt2img_batch2_subfolder.json"
FPS = 30


class ThreadedDemo:
    """A DemoServer on its own thread and event loop: its JPEG encoding and sending do not
    run on the GUI thread, as with a real server in another process (the GIL is shared)."""

    def __init__(self, config: DemoConfig) -> None:
        self.server = DemoServer(config)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return self.server.url

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._loop))

    def call_soon(self, fn: Any, *args: Any) -> None:
        self._loop.call_soon_threadsafe(fn, *args)

    async def __aenter__(self) -> ThreadedDemo:
        self._thread.start()
        await self.call(self.server.start())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.call(self.server.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join, 5)
        self._loop.close()


def prompt(seed: int, *, steps: int, size: int = 512, batch: int = 1) -> dict[str, Any]:
    graph = copy.deepcopy(json.loads(WORKFLOW.read_text(encoding="utf-8")))
    graph["3"]["inputs"].update(seed=seed, steps=steps)
    graph["5"]["inputs"].update(width=size, height=size, batch_size=batch)
    return graph


async def open_session(url: str, folder: Path) -> ServerSession:
    session = ServerSession(
        url,
        client_id=uuid.uuid4().hex,
        journal_path=folder / "journal.json",
        result_sink=FolderSink(folder / "out"),
        load_object_info=False,
    )
    connected = asyncio.Event()
    unsubscribe = session.on_status(
        lambda status: connected.set() if status.state is ConnState.CONNECTED else None
    )
    try:
        await session.start()
        async with asyncio.timeout(10):
            await connected.wait()
    finally:
        unsubscribe()
    return session


async def _preview_run(steps: int, small_frame_bytes: int) -> dict[str, Any]:
    config = DemoConfig(step_delay=1 / FPS, previews=True, preview_size=512)
    with tempfile.TemporaryDirectory(prefix="comfydesk-bench-") as tmp:
        async with ThreadedDemo(config) as demo:
            session = await open_session(demo.url, Path(tmp))
            vm = JobsViewModel()
            view = PreviewView(vm, small_frame_bytes=small_frame_bytes)
            view.resize(900, 700)
            view.show()
            try:
                vm.set_session(session)
                with LagProbe() as probe:
                    job = await session.jobs.submit(prompt(7, steps=steps))
                    await session.jobs.wait(job.id, timeout=steps / FPS * 4 + 10)
                stats = view.stats
                latencies = [s * 1000 for s in stats.latencies]
                elapsed = vm.elapsed(job.id) or 1.0
                half = len(latencies) // 2
                return {
                    "latencies": latencies,
                    "first_half": latencies[:half],
                    "second_half": latencies[half:],
                    "received": stats.received,
                    "dropped": stats.dropped,
                    "backlog": stats.received - stats.decoded - stats.dropped - stats.failed,
                    "fps": stats.received / max(elapsed, 1e-9),
                    "lag": probe.lateness_ms,
                }
            finally:
                await view.shutdown()
                view.deleteLater()
                await vm.shutdown()
                await session.close()


async def run(ctx: Context) -> None:
    steps = FPS * (3 if ctx.quick else 10)
    gui = await _preview_run(steps, small_frame_bytes=-1)
    worker = await _preview_run(steps, small_frame_bytes=0)
    label = f"{gui['received']} frames at {gui['fps']:.0f}/s"
    ctx.add(
        Metric(
            "preview arrival->painted, 512px JPEG ~30/s (GUI-thread decode)",
            "ms",
            gui["latencies"],
            target=33,
            note=f"{label}; dropped {gui['dropped']}",
        )
    )
    ctx.add(
        Metric(
            "preview arrival->painted, 512px JPEG ~30/s (Pillow worker decode)",
            "ms",
            worker["latencies"],
            target=33,
            note=f"{worker['received']} frames; dropped {worker['dropped']}",
        )
    )
    ctx.add(
        Metric(
            "preview arrival->painted, second half of the run (no growing backlog)",
            "ms",
            gui["second_half"],
            target=33,
            note=f"first half median {_median(gui['first_half']):.1f} ms",
        )
    )
    ctx.add(Metric("preview frames dropped (newest wins)", "frames", [gui["dropped"]]))
    ctx.add(Metric("preview frames undecoded at the end", "frames", [gui["backlog"]], target=1))
    ctx.add(
        Metric(
            "GUI stall during a 30 fps preview run (max)",
            "ms",
            [max(gui["lag"], default=0.0)],
            target=50,
            note=f"p99 {_pct(gui['lag'], 99):.1f} ms",
        )
    )


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else float("nan")


def _pct(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * pct / 100))]
